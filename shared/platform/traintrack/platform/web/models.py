"""The base of every API request model: unknown fields refused, and no NUL characters,
which PostgreSQL cannot store (found by schemathesis as 500s)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator

from traintrack.platform.web.json_types import mistyped

# Identifiers callers choose (institutes, programmes, firms, openings ...).
Slug = Annotated[
    str, StringConstraints(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]+$")
]
# Any identifier the platform issued or stored: a path id outside it (a NUL, which
# PostgreSQL cannot hold) is a 422 naming it, never a 500.
ID_PATTERN = r"^[A-Za-z0-9._-]+$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=ID_PATTERN)]
IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(v) for v in value)
    return False


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
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
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value
