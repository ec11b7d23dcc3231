"""Request bodies take each JSON value as the JSON type its field declares (pydantic's lax
mode would read false as 0.0, 0 as false, "7" as 7 and 0 as 1970-01-01)."""

from datetime import date, datetime
from typing import Annotated, Literal

import pytest
from pydantic import AfterValidator, Field, ValidationError

from traintrack.platform.web.json_types import mistyped
from traintrack.platform.web.models import RequestModel

Day = Annotated[date, AfterValidator(lambda d: d)]


class Body(RequestModel):
    share: bool = False
    fraction: float = Field(default=0.5, ge=0, le=1)
    count: int | None = None
    on: Day | None = None
    at: datetime | None = None
    kind: Literal["a", "b"] = "a"
    name: str = "x"


class CsvRow(Body):
    json_types = False


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("share", 0, "must be a boolean"),
        ("share", "true", "must be a boolean"),
        ("fraction", False, "must be a number"),
        ("fraction", "0.5", "must be a number"),
        ("count", True, "must be a number"),
        ("count", "7", "must be a number"),
        ("on", 0, "must be a date"),
        ("on", True, "must be a date"),
        ("at", 0.5, "must be a date"),
    ],
)
def test_a_value_of_another_json_type_is_refused_naming_the_field(field, value, why):
    with pytest.raises(ValidationError) as raised:
        Body.model_validate({field: value})
    (error,) = raised.value.errors()
    assert error["loc"] == (field,)
    assert why in error["msg"]


def test_values_of_the_declared_json_types_are_taken():
    body = Body.model_validate(
        {"share": True, "fraction": 1, "count": 7, "on": "2024-02-29", "at": None, "kind": "b"}
    )
    assert (body.share, body.fraction, body.count, body.on) == (True, 1.0, 7, date(2024, 2, 29))


def test_text_enums_and_lists_are_left_to_their_own_types():
    assert mistyped(0, str) is None
    assert mistyped(0, Literal["a"]) is None
    assert mistyped([1], list[int]) is None
    assert mistyped(None, int | None) is None


def test_rows_of_a_csv_read_text_as_their_fields_types():
    row = CsvRow.model_validate({"share": "true", "count": "7", "on": "2024-02-29"})
    assert (row.share, row.count, row.on) == (True, 7, date(2024, 2, 29))
