"""Who was shown whom, and when: every disclosure of a candidate to a firm (operators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from traintrack.matching.entrypoints.api.deps import OperatorKey, Views
from traintrack.platform.web.audit import personal_read
from traintrack.platform.web.models import IdQuery

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


@router.get("/disclosures", dependencies=[personal_read("disclosures")])
async def disclosures(
    views: Views,
    _: OperatorKey,
    trainee_id: IdQuery = None,
    firm_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[Disclosure]:
    """Every candidate disclosed to a firm: why (subscription, round, offer), first and
    last change, how often delivered and withdrawn, and whether still shown."""
    rows = await views.disclosures(trainee_id, firm_id, limit)
    return [Disclosure(**dict(r)) for r in rows]
