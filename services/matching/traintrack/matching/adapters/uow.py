"""The matching service's unit of work: its repositories on one connection, one
transaction, and the events to announce on matching.events.v1 at commit."""

from __future__ import annotations

import asyncpg

from traintrack.matching.adapters.repository.candidates import CandidateRepository
from traintrack.matching.adapters.repository.enrollments import EnrollmentRepository
from traintrack.matching.adapters.repository.feed import FeedRepository
from traintrack.matching.adapters.repository.firms import FirmRepository
from traintrack.matching.adapters.repository.offers import OfferRepository
from traintrack.matching.adapters.repository.rounds import RoundRepository
from traintrack.matching.adapters.repository.webhooks import WebhookRepository
from traintrack.platform.db import Connection
from traintrack.platform.db.uow import PostgresUnitOfWork


class Repositories:
    """Every repository on one connection: the unit of work's, or a reader's (views)."""

    candidates: CandidateRepository
    enrollments: EnrollmentRepository
    feed: FeedRepository  # what each firm was shown, and its ordered feed
    firms: FirmRepository  # firms, openings, subscriptions
    offers: OfferRepository  # offers and internships
    rounds: RoundRepository
    webhooks: WebhookRepository

    def __init__(self, connection: Connection) -> None:
        self.bind(connection)

    def bind(self, connection: Connection) -> None:
        self.candidates = CandidateRepository(connection)
        self.enrollments = EnrollmentRepository(connection)
        self.feed = FeedRepository(connection)
        self.firms = FirmRepository(connection)
        self.offers = OfferRepository(connection)
        self.rounds = RoundRepository(connection)
        self.webhooks = WebhookRepository(connection)


class MatchingUnitOfWork(Repositories, PostgresUnitOfWork):
    """The repositories, bound (`Repositories.bind`) when the transaction begins."""

    source = "/traintrack/matching"

    def __init__(
        self, pool: asyncpg.Pool | None = None, *, connection: Connection | None = None
    ) -> None:
        # Not Repositories.__init__: there is no connection to bind before `async with`.
        PostgresUnitOfWork.__init__(self, pool, connection=connection)

    async def report_progress(
        self, round_id: str, phase: str, *, step: int, steps: int, error: str | None = None
    ) -> None:
        """How far a round solved in the background has got, written on a connection of
        its own: seen at once, and kept if this unit of work rolls back. (On a worker's
        connection there is no pool to borrow from, and nothing solves rounds there.)"""
        if self._pool is None:
            return
        async with self._pool.acquire() as conn:
            await RoundRepository(conn).set_progress(
                round_id, phase, step=step, steps=steps, error=error
            )
