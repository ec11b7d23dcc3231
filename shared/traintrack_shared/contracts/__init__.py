"""Every event contract of the platform. Importing this package registers them all."""

from traintrack_shared.contracts import enrollment, evaluation, matching, outcomes, submissions
from traintrack_shared.contracts.base import REGISTRY, EventData

__all__ = [
    "REGISTRY",
    "EventData",
    "enrollment",
    "evaluation",
    "matching",
    "outcomes",
    "submissions",
]
