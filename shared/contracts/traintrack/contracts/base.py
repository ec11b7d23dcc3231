"""What every event contract is: a versioned, frozen pydantic model bound to one topic."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from traintrack.contracts.topics import Topic

REGISTRY: dict[str, type[EventData]] = {}


class EventData(BaseModel):
    """The `data` of a CloudEvent. Subclasses name their CloudEvents `type` and topic.

    Consumers ignore fields they do not know, so adding an optional field never
    breaks an older consumer; everything else needs a new version (a new type).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: ClassVar[str]
    topic: ClassVar[Topic]
    key_field: ClassVar[str] = "trainee_id"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if isinstance(event_type, str):
            if event_type in REGISTRY:
                raise ValueError(f"event type {event_type} declared twice")
            REGISTRY[event_type] = cls

    def partition_key(self) -> str:
        return str(getattr(self, self.key_field))

    def subject(self) -> str:
        return f"{self.key_field.removesuffix('_id')}/{self.partition_key()}"
