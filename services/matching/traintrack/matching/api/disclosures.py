"""Who was shown whom, and when: every disclosure of a candidate to a firm (operators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from traintrack.matching.api.deps import OperatorKey, PoolDep

router = APIRouter(prefix="/v1", tags=["audit"])


class Disclosure(BaseModel):
    firm_id: str
    trainee_id: str
    shown: bool
    reason: str
    subscription_id: str | None
    first_at: datetime
    changed_at: datetime
    deliveries: int
    withdrawals: int


@router.get("/disclosures")
async def disclosures(
    pool: PoolDep,
    _: OperatorKey,
    trainee_id: str | None = None,
    firm_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[Disclosure]:
    """Every candidate disclosed to a firm: why (subscription, round, offer), first and
    last change, how often delivered and withdrawn, and whether still shown."""
    rows = await pool.fetch(
        """SELECT d.firm_id, d.trainee_id, d.shown, d.reason, d.subscription_id, d.first_at,
                  d.changed_at,
                  count(*) FILTER (WHERE f.kind = 'candidate-delivered')::int AS deliveries,
                  count(*) FILTER (WHERE f.kind = 'candidate-withdrawn')::int AS withdrawals
           FROM disclosures d
           LEFT JOIN feed f ON f.firm_id = d.firm_id AND f.trainee_id = d.trainee_id
           WHERE ($1::text IS NULL OR d.trainee_id = $1) AND ($2::text IS NULL OR d.firm_id = $2)
           GROUP BY d.firm_id, d.trainee_id
           ORDER BY d.first_at DESC LIMIT $3""",
        trainee_id,
        firm_id,
        limit,
    )
    return [Disclosure(**dict(r)) for r in rows]
