"""An opening's dates: ending the day it starts is fine, a day earlier is refused naming
ends_on (a rule across two fields is about the later one, not the whole body)."""

import pytest
from pydantic import ValidationError

from traintrack.matching.entrypoints.api.schemas import OpeningCreate

OPENING = {"opening_id": "op-1", "title": "Data intern", "seats": 1, "starts_on": "2026-07-01"}


def test_an_opening_may_end_the_day_it_starts():
    assert OpeningCreate(**OPENING, ends_on="2026-07-01").ends_on.isoformat() == "2026-07-01"


def test_an_opening_ending_before_it_starts_is_refused_naming_ends_on():
    with pytest.raises(ValidationError) as caught:
        OpeningCreate(**OPENING, ends_on="2026-06-30")
    assert [e["loc"] for e in caught.value.errors()] == [("ends_on",)]


def test_a_bad_start_is_named_alone_not_ends_on_as_well():
    with pytest.raises(ValidationError) as caught:
        OpeningCreate(**{**OPENING, "starts_on": "2026-02-30"}, ends_on="2026-06-30")
    assert [e["loc"] for e in caught.value.errors()] == [("starts_on",)]
