"""Certification schemes: operators publish versions, assign them to programmes (for
cohorts opened from then on) and move a running cohort to another version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from traintrack.evaluation import operator_actions, store
from traintrack.evaluation.api.deps import OperatorKey, PoolDep, ReaderKey, SignerDep
from traintrack.evaluation.api.schemas import CohortSchemeOut, SchemeAssignment, SchemeIn, SchemeOut
from traintrack.evaluation.domain.schemes_io import scheme_from_data, scheme_to_data
from traintrack.platform.errors import NotFound
from traintrack.platform.web.models import IdPath

router = APIRouter(prefix="/v1", tags=["schemes"])


@router.post("/schemes", status_code=status.HTTP_201_CREATED)
async def publish_scheme(body: SchemeIn, pool: PoolDep, principal: OperatorKey) -> SchemeOut:
    """Publish the next version of a scheme (operators only); earlier versions stay."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", body.scheme_id)
        version = await store.next_version(conn, body.scheme_id)
        scheme = scheme_from_data({**body.model_dump(), "version": version})
        await store.add_scheme(conn, scheme, by=f"operator:{principal.key_id}")
    return SchemeOut(**scheme_to_data(scheme))


@router.get("/schemes/{scheme_id}")
async def read_scheme(
    scheme_id: IdPath,
    pool: PoolDep,
    _: ReaderKey,
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> SchemeOut:
    """A scheme version (the latest unless `version` is given)."""
    async with pool.acquire() as conn:
        scheme = await store.get_scheme(conn, scheme_id, version)
    if scheme is None:
        raise NotFound(f"scheme {scheme_id}")
    return SchemeOut(**scheme_to_data(scheme))


@router.put("/programmes/{programme_id}/scheme")
async def assign_scheme(
    programme_id: IdPath, body: SchemeAssignment, pool: PoolDep, _: OperatorKey
) -> SchemeAssignment:
    """Decide which scheme version the programme's cohorts opened from now on are pinned to
    (operators); running cohorts keep theirs."""
    async with pool.acquire() as conn, conn.transaction():
        scheme = await store.get_scheme(conn, body.scheme_id, body.version)
        if scheme is None or scheme.version != body.version:
            raise NotFound(f"scheme {body.scheme_id} v{body.version}")
        await store.assign_scheme(conn, programme_id, scheme)
    return body


@router.put("/cohorts/{cohort_id}/scheme")
async def move_cohort_scheme(
    cohort_id: IdPath,
    body: SchemeAssignment,
    pool: PoolDep,
    principal: OperatorKey,
    signer: SignerDep,
) -> CohortSchemeOut:
    """Move a running cohort to another scheme version (operators; audited): every
    enrollment of the cohort is decided again under it, and its decisions record it."""
    async with pool.acquire() as conn, conn.transaction():
        decided = await operator_actions.move_cohort_scheme(
            conn,
            principal,
            signer,
            cohort_id=cohort_id,
            scheme_id=body.scheme_id,
            version=body.version,
        )
    return CohortSchemeOut(
        cohort_id=cohort_id,
        scheme_id=body.scheme_id,
        version=body.version,
        re_decided=len(decided),
    )
