"""What a read of the figures asks for: as known on which day, grouped how, which
indicators, and whether for the public."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from traintrack.outcomes.domain.definitions import BY_KEY, LATEST, Context, Definition
from traintrack.outcomes.domain.reports import GroupBy
from traintrack.platform.errors import NotFound, Rejected


@dataclass(frozen=True)
class Query:
    as_of: date
    group_by: GroupBy = "all"
    year: int | None = None
    family: str | None = None
    public: bool = False
    indicator: str | None = None
    version: int | None = None

    @property
    def context(self) -> Context:
        return Context(self.as_of, self.year or self.as_of.year - 1)

    @property
    def cutoff(self) -> datetime:
        """Known on D means known by the end of D."""
        return datetime.combine(self.as_of, time.max, tzinfo=UTC)

    def published(self) -> Query:
        return replace(self, public=True)


def chosen(q: Query) -> list[Definition]:
    """The latest version of each indicator, or the one version asked for."""
    if q.version is not None:
        if q.indicator is None:
            raise Rejected("a version is asked for together with an indicator", field="version")
        definition = BY_KEY.get(f"{q.indicator}.v{q.version}")
        if definition is None:
            raise NotFound(f"indicator {q.indicator} version {q.version}")
        return [definition]
    picked = [d for d in LATEST if q.family in (None, d.family)]
    if q.indicator is not None:
        picked = [d for d in picked if d.id == q.indicator]
        if not picked:
            raise NotFound(f"indicator {q.indicator}")
    return picked
