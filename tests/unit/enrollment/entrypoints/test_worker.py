"""The worker's handlers: a signed submission becomes the command its signer may give,
run on the consumer's transaction (here a fake unit of work)."""

from datetime import date, time

import pytest

from tests.unit.enrollment.conftest import enrolled, training_days
from tests.utils.keys import STANDARD, signing_secret_of, verifier, write_keyring
from traintrack.contracts import codec, submissions
from traintrack.enrollment.bootstrap import handlers
from traintrack.enrollment.domain.attendance import WARNING_MARGIN
from traintrack.enrollment.domain.enrollments import EnrollmentStatus
from traintrack.enrollment.entrypoints.worker import (
    submission_batch_handlers,
    submission_handlers,
)
from traintrack.institute.sdk import signed_record
from traintrack.platform.bus import MessageBus
from traintrack.platform.errors import NotFound

SATURDAY = date(2026, 4, 11)


@pytest.fixture
def keys(tmp_path):
    path = tmp_path / "keyring.json"
    return write_keyring(path, STANDARD) | {"verifier": verifier(path)}


def worker_parts(uow, keys):
    bus = MessageBus(handlers(warn_below=WARNING_MARGIN, grace_days=7), lambda: uow)
    return bus, (lambda _connection: uow), keys["verifier"]


def envelope(submission, key):
    return codec.decode(signed_record(submission, signing_secret_of(key)))


def present(on, enrollment="en-1", trainee="tr-1"):
    return submissions.RecordAttendance(
        trainee_id=trainee, enrollment_id=enrollment, day=on, status="present", check_in=time(9)
    )


async def test_a_signed_drop_out_is_applied_for_the_signers_institute(uow, keys):
    enrolled(uow)
    handle = submission_handlers(*worker_parts(uow, keys))[submissions.DropEnrollment.type]
    drop = submissions.DropEnrollment(
        trainee_id="tr-1", enrollment_id="en-1", dropped_on=date(2026, 4, 9), reason="personal"
    )
    await handle(envelope(drop, keys["institute"]), None)
    assert uow.enrollments.enrollments["en-1"].status is EnrollmentStatus.DROPPED
    assert uow.published_types() == ["traintrack.enrollment.enrollment-dropped.v1"]


async def test_another_institutes_signature_finds_no_enrollment(uow, keys):
    enrolled(uow)
    handle = submission_handlers(*worker_parts(uow, keys))[submissions.RecordAttendance.type]
    with pytest.raises(NotFound):
        await handle(envelope(present(training_days()[0]), keys["other_institute"]), None)
    assert uow.attendance.days == {}


async def test_a_batch_reports_its_refusals_by_position_and_records_the_rest(uow, keys):
    enrolled(uow)
    handle = submission_batch_handlers(*worker_parts(uow, keys))[submissions.RecordAttendance.type]
    batch = [
        envelope(present(training_days()[0]), keys["institute"]),
        envelope(present(SATURDAY), keys["institute"]),
        envelope(present(training_days()[1]), keys["other_institute"]),
    ]
    refused = await handle(batch, None)
    assert sorted(refused) == [1, 2]
    assert refused[1].field == "day" and isinstance(refused[2], NotFound)
    assert list(uow.attendance.days["en-1"]) == [training_days()[0]]
