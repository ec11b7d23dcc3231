"""What a firm may see of a candidate: a pseudonymous profile, no personal details; what
they hold across their courses (`holdings.py`). Rows are the candidate pool's, as stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

Row = Mapping[str, Any]


def profile(row: Row) -> dict[str, Any]:
    available: date | None = row["available_from"]
    return {
        "trainee_id": row["trainee_id"],
        "institute_id": row["institute_id"],
        "stage_reached": row["stage_reached"],
        "certified": row["certified"],
        "certifications": row["certifications"],
        "skills": sorted(row["skills"]),
        "field": row["field"],
        "fields": sorted(row["fields"]),
        "region_code": row["region_code"],
        "score": round(float(row["score"]), 1),
        "status": row["status"],
        "available_from": available.isoformat() if available else None,
    }


def credentials_shown(row: Row) -> list[str]:
    return [c["credential_id"] for c in row["certifications"]]


def lapsed(row: Row) -> dict[str, dict[str, Any]]:
    """The candidate's credentials that no longer stand, by id, with why."""
    return {c["credential_id"]: c for c in row["lapsed"]}


def revoked_since(credentials_shown: list[str], row: Row) -> list[dict[str, Any]]:
    """The credentials a firm was last shown that no longer stand, with why."""
    gone = lapsed(row)
    return [gone[c] for c in credentials_shown if c in gone]
