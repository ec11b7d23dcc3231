"""Idempotency-Key retries: the first answer comes back, the command does not run twice."""

import pytest
from pydantic import BaseModel

from tests.unit.enrollment.conftest import INSTITUTE, handle
from traintrack.enrollment.commands import AnswerOnce, RegisterTrainee
from traintrack.platform.errors import Rejected
from traintrack.platform.web.idempotency import Answer, Claim

REGISTER = RegisterTrainee(INSTITUTE, 1998, "30", "job_seeker", False, "김민준")
CLAIM = Claim("institute:inst-a POST /v1/trainees", "key-1", "body-1")


class TraineeOut(BaseModel):
    trainee_id: str


def present(trainee):
    return TraineeOut(trainee_id=trainee.trainee_id)


async def test_a_retry_with_the_key_gets_the_first_answer_and_registers_nobody_else(uow):
    first = await handle(uow, AnswerOnce(REGISTER, CLAIM, present))
    assert isinstance(first, TraineeOut) and list(uow.trainees.trainees) == [first.trainee_id]
    again = await handle(uow, AnswerOnce(REGISTER, CLAIM, present))
    assert again == Answer(201, {"trainee_id": first.trainee_id})
    assert len(uow.trainees.trainees) == 1
    assert uow.published_types() == ["traintrack.enrollment.trainee-registered.v1"]


async def test_the_key_with_another_body_is_refused(uow):
    await handle(uow, AnswerOnce(REGISTER, CLAIM, present))
    other = Claim(CLAIM.scope, CLAIM.key, "body-2")
    with pytest.raises(Rejected, match="different request body"):
        await handle(uow, AnswerOnce(REGISTER, other, present))
    assert len(uow.trainees.trainees) == 1
