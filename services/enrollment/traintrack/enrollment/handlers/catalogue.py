"""Institutes, programmes and cohorts."""

from __future__ import annotations

from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.commands import (
    CreateInstitute,
    DefineProgramme,
    OpenCohort,
)
from traintrack.enrollment.domain import catalogue
from traintrack.enrollment.handlers._common import UoW
from traintrack.platform.errors import Conflict, NotFound, Rejected


async def create_institute(cmd: CreateInstitute, uow: UoW) -> catalogue.Institute:
    institute = catalogue.define_institute(
        institute_id=cmd.institute_id, name=cmd.name, region_code=cmd.region_code
    )
    if not await uow.catalogue.add_institute(institute):
        raise Conflict(f"institute {cmd.institute_id} exists", field="institute_id")
    return institute


async def define_programme(cmd: DefineProgramme, uow: UoW) -> catalogue.Programme:
    institute_id = cmd.actor.own_institute()
    fields = {k: v for k, v in vars(cmd).items() if k != "actor"}
    programme = catalogue.define_programme(institute_id=institute_id, **fields)
    if await uow.catalogue.get_institute(institute_id) is None:
        raise Rejected(
            f"institute {institute_id} is not in the catalogue; an operator creates it first",
            field="institute_id",
        )
    if not await uow.catalogue.add_programme(programme):
        raise Conflict(f"programme {cmd.programme_id} exists", field="programme_id")
    return programme


async def open_cohort(cmd: OpenCohort, uow: UoW) -> catalogue.Cohort:
    programme = await uow.catalogue.get_programme(cmd.programme_id)
    if programme is None or not cmd.actor.may_touch(programme.institute_id):
        raise NotFound(f"programme {cmd.programme_id}")
    cohort = catalogue.open_cohort(
        programme,
        cohort_id=cmd.cohort_id,
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
        capacity=cmd.capacity,
        closed_days=cmd.closed_days,
    )
    if not await uow.catalogue.add_cohort(cohort):
        raise Conflict(f"cohort {cmd.cohort_id} exists", field="cohort_id")
    institute = await uow.catalogue.get_institute(programme.institute_id)
    assert institute is not None
    uow.emit(events.cohort_opened(cohort, programme, institute))
    return cohort
