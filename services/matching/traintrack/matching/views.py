"""The read side: what GET routes answer. Who may read what is the domain's
(`domain/access.py`); a record a caller may not see is not found."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from traintrack.matching.adapters.mapping import Row, as_candidate, as_opening
from traintrack.matching.adapters.uow import Repositories
from traintrack.matching.domain import rounds as game
from traintrack.matching.domain.access import (
    Caller,
    may_explain,
    may_read_firm_record,
    may_see_candidate,
    owns,
)
from traintrack.matching.domain.candidates import Subscription, rank
from traintrack.matching.domain.profiles import profile
from traintrack.platform.errors import Conflict, NotFound

_DISCLOSURES = """
    SELECT d.firm_id, d.trainee_id, d.shown, d.reason, d.subscription_id, d.first_at,
           d.changed_at,
           count(*) FILTER (WHERE f.kind = 'candidate-delivered')::int AS deliveries,
           count(*) FILTER (WHERE f.kind = 'candidate-withdrawn')::int AS withdrawals
    FROM disclosures d
    LEFT JOIN feed f ON f.firm_id = d.firm_id AND f.trainee_id = d.trainee_id
    WHERE ($1::text IS NULL OR d.trainee_id = $1) AND ($2::text IS NULL OR d.firm_id = $2)
    GROUP BY d.firm_id, d.trainee_id
    ORDER BY d.first_at DESC LIMIT $3"""


class MatchingViews:
    def __init__(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool  # the app's, once it has started

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Repositories]:
        async with self._pool().acquire() as conn:
            yield Repositories(conn)

    # --- delivery ------------------------------------------------------------------------

    async def feed(self, firm_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        async with self._read() as r:
            return await r.feed.entries(firm_id, after, limit)

    async def feed_head(self, firm_id: str) -> int:
        async with self._read() as r:
            return await r.feed.head(firm_id)

    async def webhooks(self, caller: Caller) -> list[Row]:
        async with self._read() as r:
            return list(await r.webhooks.of_firm(caller.tenant))

    async def webhook_attempts(self, caller: Caller, webhook_id: str, limit: int) -> list[Row]:
        async with self._read() as r:
            hook = await r.webhooks.get(webhook_id)
            if hook is None or not owns(caller, hook["firm_id"]):
                raise NotFound(f"webhook {webhook_id}")
            return list(await r.webhooks.attempts(webhook_id, limit))

    async def candidates(
        self, caller: Caller, minimum_stage: int, limit: int
    ) -> list[dict[str, Any]]:
        """An institute's own trainees, or everyone (operators)."""
        async with self._read() as r:
            rows = await r.candidates.listing(
                institute_id=caller.institute, minimum_stage=minimum_stage, limit=limit
            )
        return [profile(row) for row in rows]

    async def candidate(self, caller: Caller, trainee_id: str) -> dict[str, Any]:
        async with self._read() as r:
            row = await r.candidates.get(trainee_id)
            shown = False
            if row is not None and caller.firm is not None:
                disclosed = await r.feed.disclosure(caller.firm, trainee_id)
                shown = disclosed is not None and disclosed["shown"]
        if row is None or not may_see_candidate(caller, row["institute_id"], shown):
            raise NotFound(f"candidate {trainee_id}")
        return profile(row)

    async def disclosures(
        self, trainee_id: str | None, firm_id: str | None, limit: int
    ) -> list[Row]:
        async with self._pool().acquire() as conn:
            rows: list[Row] = await conn.fetch(_DISCLOSURES, trainee_id, firm_id, limit)
        return rows

    # --- firms, openings, subscriptions ------------------------------------------------

    async def firms(self, caller: Caller) -> list[Row]:
        async with self._read() as r:
            rows = await r.firms.list_firms()
        return [row for row in rows if may_read_firm_record(caller, row["firm_id"])]

    async def openings(self, caller: Caller) -> list[Row]:
        """A firm's own; every open one for institutes (to apply); all for operators."""
        async with self._read() as r:
            return list(
                await r.firms.list_openings(
                    firm_id=caller.firm, only_open=caller.role == "institute"
                )
            )

    async def opening(self, caller: Caller, opening_id: str) -> Row:
        async with self._read() as r:
            row = await r.firms.get_opening(opening_id)
        if row is None or not may_read_firm_record(caller, row["firm_id"]):
            raise NotFound(f"opening {opening_id}")
        return row

    async def subscriptions(self, caller: Caller) -> list[Subscription]:
        async with self._read() as r:
            return await r.firms.subscriptions(firm_id=caller.tenant)

    # --- offers and internships --------------------------------------------------------

    async def offers(self, caller: Caller, status: str | None) -> list[Row]:
        """Firms see their offers, institutes their trainees', operators all."""
        async with self._read() as r:
            return list(
                await r.offers.list_offers(
                    firm_id=caller.firm, institute_id=caller.institute, status=status
                )
            )

    async def internships(self, caller: Caller) -> list[Row]:
        async with self._read() as r:
            return list(
                await r.offers.list_internships(firm_id=caller.firm, institute_id=caller.institute)
            )

    # --- rounds --------------------------------------------------------------------------

    async def round(self, round_id: str) -> Row:
        """The round (not its stored game), with its progress if solved in the background."""
        async with self._read() as r:
            row = await r.rounds.public(round_id)
        if row is None:
            raise NotFound(f"round {round_id}")
        return row

    async def applicants(
        self, caller: Caller, round_id: str, opening_id: str
    ) -> list[dict[str, Any]]:
        """Who ranked the firm's opening, best fit first (the ranking the platform uses)."""
        async with self._read() as r:
            round_ = await r.rounds.get_round(round_id)
            if round_ is None:
                raise NotFound(f"round {round_id}")
            opening = await r.firms.get_opening(opening_id)
            if opening is None or not owns(caller, opening["firm_id"]):
                raise NotFound(f"opening {opening_id}")
            if opening_id not in round_["opening_ids"]:
                raise NotFound(f"opening {opening_id} in round {round_id}")
            applied = await r.rounds.applicants(round_id, opening_id)
            rows = {row["trainee_id"]: row for row in await r.candidates.many(applied)}
        order = rank(as_opening(opening), [as_candidate(row) for row in rows.values()])
        return [profile(rows[t]) for t in order]

    async def explanation(self, caller: Caller, round_id: str, trainee_id: str) -> list[str]:
        """Why the candidate got the seat they got, or none."""
        async with self._read() as r:
            stored = await r.rounds.game_of(round_id, trainee_id)
            row = await r.candidates.get(trainee_id)
        if stored is None or row is None or not may_explain(caller, row["institute_id"]):
            raise NotFound(f"candidate {trainee_id} in round {round_id}")
        if stored["status"] != "completed":
            raise Conflict(f"round {round_id} is {stored['status']}; nothing to explain yet")
        if stored["listed"] is None:
            return ["you did not take part in this round (no ranking, or already placed)"]
        # The round as far as this candidate's list reaches: all `explain` reads.
        openings = stored["openings"] or {}
        solved = game.Round(
            {trainee_id: stored["listed"]},
            {o: [trainee_id] if part["ranks"] else [] for o, part in openings.items()},
            {o: part["seats"] or 0 for o, part in openings.items()},
        )
        assignment = {o: part["holders"] for o, part in openings.items()}
        return game.explain(solved, assignment, trainee_id)
