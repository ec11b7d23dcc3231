"""Every event contract of the platform. Importing this package registers them all."""

from traintrack.contracts import (
    enrollment,
    enrollment_v1,
    evaluation,
    evaluation_v1,
    matching,
    outcomes,
    submissions,
)
from traintrack.contracts.base import REGISTRY, EventData

__all__ = [
    "REGISTRY",
    "EventData",
    "enrollment",
    "enrollment_v1",
    "evaluation",
    "evaluation_v1",
    "matching",
    "outcomes",
    "submissions",
]
