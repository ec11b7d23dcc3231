"""An internship, from the accepted offer to its end: it records what it caused (started,
completed, and a hire when the firm keeps the intern) for the handler to announce."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from traintrack.matching.domain.offers import InternshipStatus, move_internship
from traintrack.platform.errors import Conflict


@dataclass(frozen=True)
class Started:
    internship_id: str
    trainee_id: str
    firm_id: str
    opening_id: str
    started_on: date


@dataclass(frozen=True)
class Completed:
    internship_id: str
    trainee_id: str
    firm_id: str
    completed_on: date
    converted: bool


@dataclass(frozen=True)
class HiredIntern:
    internship_id: str
    trainee_id: str
    firm_id: str
    terms: dict[str, Any]  # when the employment starts, its type, whether insured


Event = Started | Completed | HiredIntern


@dataclass
class Internship:
    internship_id: str
    trainee_id: str
    firm_id: str
    opening_id: str
    status: InternshipStatus
    started_on: date | None = None
    completed_on: date | None = None
    converted: bool | None = None
    events: list[Event] = field(default_factory=list)

    def start(self, on: date) -> None:
        self.status = move_internship(self.status, InternshipStatus.STARTED)
        self.started_on = on
        self.events.append(
            Started(self.internship_id, self.trainee_id, self.firm_id, self.opening_id, on)
        )

    def complete(self, on: date, hire: dict[str, Any] | None) -> None:
        """The internship ended; with `hire`, the firm hires the intern."""
        self.status = move_internship(self.status, InternshipStatus.COMPLETED)
        if self.started_on and on < self.started_on:
            raise Conflict("an internship cannot end before it started", field="completed_on")
        self.completed_on, self.converted = on, hire is not None
        who = (self.internship_id, self.trainee_id, self.firm_id)
        self.events.append(Completed(*who, on, self.converted))
        if hire is not None:
            self.events.append(HiredIntern(*who, hire))
