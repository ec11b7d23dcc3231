"""Handlers of trainees: registration, consent, erasure."""

import re

import pytest

from tests.unit.enrollment.conftest import INSTITUTE, OPERATOR, OTHER, handle, trainee
from traintrack.contracts import enrollment as contracts
from traintrack.enrollment.commands import ChangeConsent, EraseTrainee, RegisterTrainee
from traintrack.enrollment.domain.actors import Actor
from traintrack.platform.errors import Conflict, Forbidden, NotFound, Rejected


def registration(actor=INSTITUTE, **overrides):
    values = dict(
        birth_year=1998,
        region_code="30",
        status="job_seeker",
        consent_share_with_firms=True,
        name="김민준",
        email="minjun@example.org",
    )
    return RegisterTrainee(actor, **{**values, **overrides})


async def test_a_registered_trainee_gets_a_pseudonymous_id_and_only_it_travels(uow):
    made = await handle(uow, registration())
    assert re.fullmatch(r"tr-[0-9a-f]{20}", made.trainee_id)
    assert uow.trainees.trainees[made.trainee_id].personal.name == "김민준"
    assert uow.trainees.consents == [(made.trainee_id, True, "institute:inst-a")]
    [registered] = uow.published
    assert isinstance(registered, contracts.TraineeRegistered)
    assert (registered.trainee_id, registered.institute_id, registered.region_code) == (
        made.trainee_id,
        "inst-a",
        "30",
    )
    assert "김민준" not in registered.model_dump_json()
    assert "minjun" not in registered.model_dump_json()


async def test_only_an_institute_of_the_catalogue_registers_trainees(uow):
    with pytest.raises(Forbidden):
        await handle(uow, registration(actor=OPERATOR))
    with pytest.raises(Rejected, match="not in the catalogue"):
        await handle(uow, registration(actor=Actor("institute:inst-x", "inst-x")))
    with pytest.raises(Rejected) as refused:
        await handle(uow, registration(name="  "))
    assert refused.value.field == "name"
    assert (uow.trainees.trainees, uow.published) == ({}, [])


async def test_a_changed_consent_is_kept_in_the_history_and_announced(uow):
    trainee(uow)
    now = await handle(uow, ChangeConsent(INSTITUTE, "tr-1", True))
    assert now.consent_share_with_firms is True
    assert uow.trainees.trainees["tr-1"].consent_share_with_firms is True
    assert uow.trainees.consents == [("tr-1", True, "institute:inst-a")]
    [changed] = uow.published
    assert isinstance(changed, contracts.ConsentChanged)
    assert (changed.trainee_id, changed.share_with_firms) == ("tr-1", True)


async def test_the_same_consent_again_changes_and_announces_nothing(uow):
    trainee(uow)
    now = await handle(uow, ChangeConsent(INSTITUTE, "tr-1", False))
    assert now.consent_share_with_firms is False
    assert (uow.trainees.consents, uow.published) == ([], [])


async def test_another_institutes_trainee_is_not_found_for_consent(uow):
    trainee(uow)
    with pytest.raises(NotFound, match="trainee tr-1"):
        await handle(uow, ChangeConsent(OTHER, "tr-1", True))
    assert uow.trainees.trainees["tr-1"].consent_share_with_firms is False


async def test_erasure_removes_the_details_once_and_announces_it_once(uow):
    trainee(uow)
    await handle(uow, EraseTrainee(OPERATOR, "tr-1"))
    assert uow.trainees.trainees["tr-1"].personal.name == ""
    assert "tr-1" in uow.trainees.erased
    await handle(uow, EraseTrainee(OPERATOR, "tr-1"))
    [erased] = uow.published
    assert isinstance(erased, contracts.TraineeErased)
    assert erased.trainee_id == "tr-1"


async def test_erasure_takes_the_consent_and_its_history_and_none_is_given_again(uow):
    trainee(uow)
    await handle(uow, ChangeConsent(INSTITUTE, "tr-1", True))
    await handle(uow, EraseTrainee(OPERATOR, "tr-1"))
    assert uow.trainees.trainees["tr-1"].consent_share_with_firms is False
    assert uow.trainees.consents == []
    with pytest.raises(Conflict, match="erased") as refused:
        await handle(uow, ChangeConsent(INSTITUTE, "tr-1", True))
    assert refused.value.field == "share_with_firms"
    # Withdrawing what is already withdrawn is no change, erased or not.
    assert (await handle(uow, ChangeConsent(INSTITUTE, "tr-1", False))).erased is True
    assert uow.trainees.consents == []
    assert [type(e).__name__ for e in uow.published] == ["ConsentChanged", "TraineeErased"]


async def test_erasing_an_unknown_trainee_is_not_found(uow):
    with pytest.raises(NotFound, match="trainee tr-9"):
        await handle(uow, EraseTrainee(OPERATOR, "tr-9"))
