"""What each firm was shown (disclosures) and its ordered feed."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from traintrack.matching.adapters.mapping import Row
from traintrack.platform.db import Connection

SUBSCRIPTIONS_LOCK = 7_300_101  # pg advisory lock key


class FeedRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def lock_subscriptions(self, *, exclusive: bool) -> None:
        """Shared by whoever reconsiders a candidate; exclusive while a new subscription
        scans the pool (so nobody changes under the scan)."""
        if exclusive:
            await self._conn.execute("SELECT pg_advisory_xact_lock($1)", SUBSCRIPTIONS_LOCK)
        else:
            await self._conn.execute("SELECT pg_advisory_xact_lock_shared($1)", SUBSCRIPTIONS_LOCK)

    async def disclosures_of(self, trainee_id: str) -> list[Row]:
        rows: list[Row] = await self._conn.fetch(
            "SELECT * FROM disclosures WHERE trainee_id = $1 ORDER BY firm_id FOR UPDATE",
            trainee_id,
        )
        return rows

    async def disclosure(self, firm_id: str, trainee_id: str) -> Row | None:
        row: Row | None = await self._conn.fetchrow(
            "SELECT * FROM disclosures WHERE firm_id = $1 AND trainee_id = $2", firm_id, trainee_id
        )
        return row

    async def show(
        self,
        *,
        firm_id: str,
        trainee_id: str,
        minimum_stage: int,
        reason: str,
        subscription_id: str | None,
        stage: int,
        certified: bool,
        credentials: list[str],
    ) -> bool:
        """Mark the candidate shown to the firm; False when they already were (a concurrent
        delivery won: the conflict waits for its row lock, then sees it shown)."""
        done = await self._conn.fetchval(
            """INSERT INTO disclosures (firm_id, trainee_id, shown, minimum_stage, reason,
                                        subscription_id, stage_shown, certified_shown,
                                        credentials_shown)
               VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (firm_id, trainee_id) DO UPDATE SET shown = true,
                   minimum_stage = EXCLUDED.minimum_stage, reason = EXCLUDED.reason,
                   subscription_id = EXCLUDED.subscription_id, stage_shown = EXCLUDED.stage_shown,
                   certified_shown = EXCLUDED.certified_shown,
                   credentials_shown = EXCLUDED.credentials_shown, changed_at = now()
               WHERE NOT disclosures.shown
               RETURNING 1""",
            firm_id,
            trainee_id,
            minimum_stage,
            reason,
            subscription_id,
            stage,
            certified,
            credentials,
        )
        return done is not None

    async def update_shown(
        self,
        firm_id: str,
        trainee_id: str,
        *,
        stage: int,
        certified: bool,
        credentials: list[str],
    ) -> None:
        await self._conn.execute(
            """UPDATE disclosures SET stage_shown = $3, certified_shown = $4,
                                      credentials_shown = $5, changed_at = now()
               WHERE firm_id = $1 AND trainee_id = $2""",
            firm_id,
            trainee_id,
            stage,
            certified,
            credentials,
        )

    async def hide(self, firm_id: str, trainee_id: str) -> None:
        await self._conn.execute(
            """UPDATE disclosures SET shown = false, changed_at = now()
               WHERE firm_id = $1 AND trainee_id = $2""",
            firm_id,
            trainee_id,
        )

    async def lock_firm(self, firm_id: str) -> None:
        await self._conn.execute("SELECT 1 FROM firms WHERE firm_id = $1 FOR UPDATE", firm_id)

    async def redact(self, firm_id: str, trainee_id: str, reason: str) -> None:
        await self._conn.execute(
            """UPDATE feed SET body = jsonb_build_object('redacted', $3::text)
               WHERE firm_id = $1 AND trainee_id = $2
                 AND kind IN ('candidate-delivered', 'candidate-updated')""",
            firm_id,
            trainee_id,
            reason,
        )

    async def append(self, firm_id: str, kind: str, trainee_id: str | None, body: Any) -> int:
        """Add an entry to the firm's feed; numbered under the firm row's lock (no gaps seen)."""
        seq: int = await self._conn.fetchval(
            "UPDATE firms SET feed_seq = feed_seq + 1 WHERE firm_id = $1 RETURNING feed_seq",
            firm_id,
        )
        await self._conn.execute(
            "INSERT INTO feed (firm_id, seq, kind, trainee_id, body) VALUES ($1, $2, $3, $4, $5)",
            firm_id,
            seq,
            kind,
            trainee_id,
            body,
        )
        await self._conn.execute("SELECT pg_notify('matching_feed', $1)", firm_id)
        return seq

    async def append_across(self, items: list[tuple[str, str, str | None, Any]]) -> None:
        """`append` for many (firm, kind, trainee, body) entries of many firms (a round's
        offers): the firms locked in id order and numbered in one statement, one insert."""
        if not items:
            return
        counts = Counter(firm_id for firm_id, *_ in items)
        firm_ids = sorted(counts)
        await self._conn.execute(
            "SELECT 1 FROM firms WHERE firm_id = ANY($1::text[]) ORDER BY firm_id FOR UPDATE",
            firm_ids,
        )
        numbered = await self._conn.fetch(
            """UPDATE firms f SET feed_seq = f.feed_seq + u.n
               FROM unnest($1::text[], $2::bigint[]) AS u (firm_id, n)
               WHERE f.firm_id = u.firm_id RETURNING f.firm_id, f.feed_seq""",
            firm_ids,
            [counts[f] for f in firm_ids],
        )
        following = {r["firm_id"]: r["feed_seq"] - counts[r["firm_id"]] + 1 for r in numbered}
        seqs = []
        for firm_id, *_ in items:
            seqs.append(following[firm_id])
            following[firm_id] += 1
        await self._conn.execute(
            """INSERT INTO feed (firm_id, seq, kind, trainee_id, body)
               SELECT f, s, k, t, b::jsonb
               FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                    AS u (f, s, k, t, b)""",
            [i[0] for i in items],
            seqs,
            [i[1] for i in items],
            [i[2] for i in items],
            [json.dumps(i[3]) for i in items],
        )
        await self._conn.execute(
            "SELECT pg_notify('matching_feed', f) FROM unnest($1::text[]) AS f", firm_ids
        )

    async def entries(self, firm_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            """SELECT seq, kind, trainee_id, body, created_at FROM feed
               WHERE firm_id = $1 AND seq > $2 ORDER BY seq LIMIT $3""",
            firm_id,
            after,
            limit,
        )
        return [
            {
                "seq": r["seq"],
                "kind": r["kind"],
                "trainee_id": r["trainee_id"],
                "at": r["created_at"].isoformat(),
                "data": r["body"],
            }
            for r in rows
        ]

    async def head(self, firm_id: str) -> int:
        value = await self._conn.fetchval("SELECT feed_seq FROM firms WHERE firm_id = $1", firm_id)
        return int(value or 0)
