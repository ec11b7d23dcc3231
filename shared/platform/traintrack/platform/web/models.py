"""The base of every API request model and the parameter types routes share.

A request model refuses unknown fields and non-finite numbers, and holds every string and
date it is given, however deeply nested and whatever its declared type, to the rules of
`traintrack.contracts.fields`: a string no control character but tab, line feed and
carriage return (a field declared a Name or an Id is stricter), a date or datetime within
1900-2100. A field that forgets its type is still safe to store."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from traintrack.contracts.fields import (
    ID_MAX,
    ID_PATTERN,
    NAME_PATTERN,
    TEXT_CONTROLS,
    Day,
    Id,
    Moment,
    Name,
    Slug,
    Text,
    control_in,
    day_outside,
)
from traintrack.platform.web.json_types import mistyped

__all__ = [
    "ID_MAX",
    "ID_PATTERN",
    "NAME_PATTERN",
    "Day",
    "DayQuery",
    "Id",
    "IdPath",
    "IdQuery",
    "Moment",
    "MomentQuery",
    "Name",
    "RequestModel",
    "Slug",
    "Text",
]

IdPath = Annotated[str, Path(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
DayQuery = Annotated[Day | None, Query(description="A day, 1900-01-01 to 2100-12-31.")]
MomentQuery = Annotated[Moment | None, Query(description="A time on a day of 1900-2100.")]


def refusal(value: Any) -> str | None:
    """Why a value anywhere in a request body cannot be taken, or None."""
    if isinstance(value, str):
        why = control_in(value, allowed=TEXT_CONTROLS + "\u2028\u2029")
        return f"must not contain a {why}" if why else None
    if isinstance(value, date):
        return day_outside(value)
    if isinstance(value, dict):
        return next(filter(None, map(refusal, [*value.keys(), *value.values()])), None)
    if isinstance(value, list | tuple | set | frozenset):
        return next(filter(None, map(refusal, value)), None)
    return None


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    json_types: ClassVar[bool] = True  # False for rows of a CSV, where every value is text

    @field_validator("*", mode="before")
    @classmethod
    def _as_declared(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if cls.json_types and field and (why := mistyped(value, field.annotation)):
            raise ValueError(why)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if (why := refusal(value)) is not None:
            raise ValueError(why)
        return value
