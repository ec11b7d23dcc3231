"""Every event contract of the platform. Importing this package registers them all."""

from traintrack.contracts import (
    enrollment,
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
    "evaluation",
    "evaluation_v1",
    "matching",
    "outcomes",
    "submissions",
]
