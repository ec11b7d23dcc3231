"""Registering trainees, their consent and erasure."""

from __future__ import annotations

from datetime import UTC, datetime

from traintrack.enrollment.adapters import mapping as events
from traintrack.enrollment.commands import (
    ChangeConsent,
    EraseTrainee,
    RegisterTrainee,
)
from traintrack.enrollment.domain import trainees as domain
from traintrack.enrollment.domain.actors import Actor
from traintrack.enrollment.handlers._common import UoW, new_id, tag_trainee
from traintrack.platform.errors import NotFound, Rejected


async def register_trainee(cmd: RegisterTrainee, uow: UoW) -> domain.Trainee:
    institute_id = cmd.actor.own_institute()
    person = domain.Person(**{k: v for k, v in vars(cmd).items() if k != "actor"})
    trainee = domain.register_person(
        person, trainee_id=new_id("tr"), institute_id=institute_id, now=datetime.now(UTC)
    )
    tag_trainee(trainee.trainee_id)
    if await uow.catalogue.get_institute(institute_id) is None:
        raise Rejected(f"institute {institute_id} is not in the catalogue", field="institute_id")
    await uow.trainees.add(trainee, by=cmd.actor.name)
    uow.emit(events.trainee_registered(trainee))
    return trainee


async def trainee_of(actor: Actor, trainee_id: str, uow: UoW) -> domain.Trainee:
    """The trainee, if the actor may see them; another institute's trainee is not found."""
    trainee = await uow.trainees.get(trainee_id)
    if trainee is None or not actor.may_touch(trainee.institute_id):
        raise NotFound(f"trainee {trainee_id}")
    return trainee


async def change_consent(cmd: ChangeConsent, uow: UoW) -> domain.Trainee:
    """The trainee as they are now (unchanged when the consent was already so)."""
    tag_trainee(cmd.trainee_id)
    trainee = await trainee_of(cmd.actor, cmd.trainee_id, uow)
    changed = domain.change_consent(trainee, share_with_firms=cmd.share_with_firms)
    if changed is None:
        return trainee
    now = datetime.now(UTC)
    await uow.trainees.add_consent(trainee.trainee_id, cmd.share_with_firms, now, by=cmd.actor.name)
    uow.emit(events.consent_changed(trainee.trainee_id, cmd.share_with_firms, now))
    return changed


async def erase_trainee(cmd: EraseTrainee, uow: UoW) -> None:
    tag_trainee(cmd.trainee_id)
    if await uow.trainees.get(cmd.trainee_id) is None:
        raise NotFound(f"trainee {cmd.trainee_id}")
    now = datetime.now(UTC)
    if await uow.trainees.erase_personal_details(cmd.trainee_id, now):
        uow.emit(events.trainee_erased(cmd.trainee_id, now))
