"""Schemes: publishing, assigning, moving a cohort, shipping the default."""

from __future__ import annotations

from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.domain.decisions import (
    StageDecision,
)
from traintrack.evaluation.domain.scheme import Scheme
from traintrack.evaluation.domain.schemes_io import scheme_from_data
from traintrack.evaluation.handlers.deciding import re_decide
from traintrack.platform.errors import NotFound


async def publish_scheme(command: c.PublishScheme, uow: Uow) -> Scheme:
    """The scheme's next version; earlier versions stay."""
    version = await uow.schemes.next_version(command.scheme_id)
    data = {"scheme_id": command.scheme_id, "stages": command.stages, "version": version}
    scheme = scheme_from_data(data)
    await uow.schemes.add(scheme, by=f"operator:{command.actor.key_id}")
    return scheme


async def assign_scheme(command: c.AssignScheme, uow: Uow) -> Scheme:
    """The version the programme's cohorts opened from now on are pinned to."""
    scheme = await _published(uow, command.scheme_id, command.version)
    await uow.schemes.assign(command.programme_id, scheme)
    return scheme


async def move_cohort_scheme(
    command: c.MoveCohortScheme, uow: Uow
) -> dict[str, list[StageDecision]]:
    """Pin the cohort to another version and re-decide every enrollment under it."""
    cohort = await uow.cohorts.get(command.cohort_id)
    if cohort is None:
        raise NotFound(f"cohort {command.cohort_id}")
    scheme = await _published(uow, command.scheme_id, command.version)
    await uow.cohorts.hold(command.cohort_id)
    await uow.cohorts.pin(command.cohort_id, scheme)
    enrollments = await uow.enrollments.of_cohort(command.cohort_id)
    await uow.audit.record(
        command.actor,
        action="cohort.scheme.move",
        target=command.cohort_id,
        detail={
            "from": {"scheme_id": cohort.scheme_id, "version": cohort.scheme_version},
            "to": {"scheme_id": command.scheme_id, "version": command.version},
            "enrollments": len(enrollments),
        },
    )
    return {
        enrollment_id: await re_decide(uow, enrollment_id, trigger="scheme_move")
        for enrollment_id in enrollments
    }


async def ship_default_scheme(command: c.ShipDefaultScheme, uow: Uow) -> None:
    await uow.schemes.ship_default()


async def _published(uow: Uow, scheme_id: str, version: int) -> Scheme:
    scheme = await uow.schemes.get(scheme_id, version)
    if scheme is None or scheme.version != version:
        raise NotFound(f"scheme {scheme_id} v{version}")
    return scheme
