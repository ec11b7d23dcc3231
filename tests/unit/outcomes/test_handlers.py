"""Every outcomes handler on the fake unit of work: what it keeps, what it publishes and
what it refuses, without PostgreSQL or Kafka."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tests.unit.outcomes.fakes import NOW, FakeOutcomesUnitOfWork
from traintrack.contracts.outcomes import HistoryRecordImported, OutcomeReported
from traintrack.outcomes import commands as c
from traintrack.outcomes.domain.records import Fact
from traintrack.outcomes.domain.trainees import EnrollmentEntry, TraineeEntry
from traintrack.outcomes.handlers import HANDLERS, ImportResult, Reported
from traintrack.platform.bus import MessageBus
from traintrack.platform.errors import NotFound, Rejected
from traintrack.platform.web.auth import Principal, Role

INSTITUTE = Principal("k-inst", Role.INSTITUTE, "inst-a")
OTHER_INSTITUTE = Principal("k-other", Role.INSTITUTE, "inst-b")
FIRM = Principal("k-firm", Role.FIRM, "firm-a")
OPERATOR = Principal("k-ops", Role.OPERATOR, "ops")
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def fact(event_id: str, kind: str, subject: str, imported: bool = False, **data: object) -> Fact:
    return Fact(event_id, kind, subject, T0, data, ("imp-0", "ops") if imported else None)


def uow_with(*facts: Fact) -> FakeOutcomesUnitOfWork:
    uow = FakeOutcomesUnitOfWork()
    uow.facts.kept = {f.event_id: f for f in facts}
    return uow


async def handle(uow: FakeOutcomesUnitOfWork, command: object) -> object:
    return await MessageBus(HANDLERS, lambda: uow).handle(command)


# ------------------------------------------------------------------ the worker's commands


async def test_facts_from_the_topics_are_kept_once_by_event_id():
    uow = uow_with(fact("e-1", "survey-submitted", "t-1", score=80))
    again = fact("e-1", "survey-submitted", "t-1", score=99)
    new = fact("e-2", "hired", "t-1", firm_id="firm-a")
    await handle(uow, c.RecordFacts((again, new)))
    assert {i: f.data for i, f in uow.facts.kept.items()} == {
        "e-1": {"score": 80},
        "e-2": {"firm_id": "firm-a"},
    }
    assert (uow.committed, uow.published) == (True, [])


async def test_a_registration_is_kept_as_a_fact_and_in_the_trainee_view():
    uow = FakeOutcomesUnitOfWork()
    entry = TraineeEntry("t-1", "inst-a", 1999, "30", "job_seeker", T0, "e-1")
    registered = fact("e-1", "trainee-registered", "t-1", institute_id="inst-a")
    await handle(uow, c.RecordRegistrations((registered,), (entry,)))
    assert list(uow.facts.kept) == ["e-1"]
    assert uow.trainees.trainees == {"t-1": entry}


async def test_an_enrollment_is_kept_as_a_fact_and_in_the_trainee_view():
    uow = FakeOutcomesUnitOfWork()
    entry = EnrollmentEntry("en-1", "t-1", "inst-a", "c-1", date(2026, 3, 2), T0, "e-2")
    enrolled = fact("e-2", "trainee-enrolled", "t-1", enrollment_id="en-1")
    await handle(uow, c.RecordEnrollments((enrolled,), (entry,)))
    assert list(uow.facts.kept) == ["e-2"]
    assert uow.trainees.enrollments == {"en-1": entry}


# ------------------------------------------------------------------ outcome reports

REGISTERED = fact("e-reg", "trainee-registered", "t-1", institute_id="inst-a")


def employed(actor: Principal, **overrides: object) -> c.ReportOutcome:
    values: dict[str, object] = {
        "trainee_id": "t-1",
        "kind": "employed",
        "starts_on": date(2026, 5, 4),
        "employer": "대덕AI랩",
        "insured": True,
        "monthly_earnings": 3_000_000,
    }
    return c.ReportOutcome(actor, **(values | overrides))  # type: ignore[arg-type]


async def test_an_institute_reports_on_its_own_trainee_and_the_report_is_kept_under_its_event():
    uow = uow_with(REGISTERED)
    answer = await handle(uow, employed(INSTITUTE))
    [event] = uow.published
    assert isinstance(event, OutcomeReported) and isinstance(answer, Reported)
    assert answer == Reported(event.report_id, "t-1", "employed", "institute")
    assert event.report_id.startswith("rep-") and len(event.report_id) == 20
    assert (event.employer, event.insured, event.monthly_earnings, event.reporter_id) == (
        "대덕AI랩",
        True,
        3_000_000,
        "inst-a",
    )
    [event_id] = uow.published_ids
    kept = uow.facts.kept[event_id]
    # under the event's id and the transaction's time: the worker finds it kept
    assert (kept.kind, kept.subject, kept.known_at) == ("outcome-reported", "t-1", NOW)
    assert kept.data == event.model_dump(mode="json")


async def test_an_institute_learns_nothing_of_another_institutes_trainee():
    uow = uow_with(REGISTERED)
    with pytest.raises(NotFound, match="trainee t-1"):
        await handle(uow, employed(OTHER_INSTITUTE))
    assert (uow.published, uow.committed, uow.rollbacks) == ([], False, 1)


async def test_a_firm_reports_only_on_a_trainee_it_hired():
    uow = uow_with(REGISTERED)
    with pytest.raises(NotFound):
        await handle(uow, employed(FIRM))
    hired = fact("e-hired", "hired", "t-1", firm_id="firm-a")
    uow = uow_with(REGISTERED, hired)
    answer = await handle(uow, employed(FIRM))
    assert isinstance(answer, Reported) and answer.reported_by == "firm"
    assert uow.published_types() == [OutcomeReported.type]


async def test_an_operator_reports_on_any_known_trainee_and_on_no_unknown_one():
    uow = uow_with(REGISTERED)
    assert isinstance(await handle(uow, employed(OPERATOR)), Reported)
    with pytest.raises(NotFound, match="trainee t-2"):
        await handle(uow_with(REGISTERED), employed(OPERATOR, trainee_id="t-2"))


async def test_a_trainee_who_moved_institute_is_reported_on_by_the_latest_one():
    moved = Fact(
        "e-enr", "trainee-enrolled", "t-1", datetime(2026, 4, 1, tzinfo=UTC),
        {"institute_id": "inst-b"},
    )  # fmt: skip
    with pytest.raises(NotFound):
        await handle(uow_with(REGISTERED, moved), employed(INSTITUTE))
    assert isinstance(
        await handle(uow_with(REGISTERED, moved), employed(OTHER_INSTITUTE)), Reported
    )


async def test_a_correction_names_an_earlier_report_of_the_same_trainee():
    earlier = fact("e-rep", "outcome-reported", "t-1", report_id="rep-1")
    of_another = fact("e-rep2", "outcome-reported", "t-2", report_id="rep-2")
    uow = uow_with(REGISTERED, earlier, of_another)
    for unknown in ("rep-nope", "rep-2"):
        with pytest.raises(Rejected, match="no report of this trainee") as refused:
            await handle(uow, employed(INSTITUTE, corrects=unknown))
        assert refused.value.field == "corrects"
    answer = await handle(uow, employed(INSTITUTE, corrects="rep-1"))
    assert isinstance(answer, Reported)
    [event] = uow.published
    assert isinstance(event, OutcomeReported) and event.corrects == "rep-1"


# ------------------------------------------------------------------ history import

COHORT = {
    "record": "cohort", "reported_on": "2021-02-15", "cohort_id": "h-2021-1",
    "programme_id": "h-ai", "programme_name": "AI", "institute_id": "h-inst",
    "region_code": "30", "track": "k_digital_training", "field": "AI", "hours": 960,
    "project_work_share": 0.4, "capacity": 30, "starts_on": "2021-03-02",
    "ends_on": "2021-08-31",
}  # fmt: skip
ENROLLED = {
    "record": "enrollment", "reported_on": "2021-03-02", "trainee_id": "h-1",
    "enrollment_id": "he-1", "cohort_id": "h-2021-1", "institute_id": "h-inst",
    "enrolled_on": "2021-03-02", "trainee_status": "job_seeker",
}  # fmt: skip


def jsonl(*records: dict[str, object]) -> c.ImportHistory:
    return c.ImportHistory(OPERATOR, "\n".join(json.dumps(r) for r in records), "jsonl")


async def test_good_records_are_imported_as_events_and_facts_known_from_their_reported_on():
    uow = FakeOutcomesUnitOfWork()
    result = await handle(uow, jsonl(COHORT, ENROLLED, {"record": "nonsense"}))
    assert isinstance(result, ImportResult)
    assert (result.records, result.imported, result.already_known) == (3, 2, 0)
    assert [(e.line, e.field) for e in result.errors] == [(3, "record")]
    cohort, enrolled = uow.published
    assert isinstance(cohort, HistoryRecordImported) and isinstance(enrolled, HistoryRecordImported)
    assert (cohort.import_id, cohort.imported_by, cohort.subject_id, cohort.line) == (
        result.import_id, "ops", "h-2021-1", 1,
    )  # fmt: skip
    assert (enrolled.subject_id, enrolled.occurred_on) == ("h-1", date(2021, 3, 2))
    kept = [uow.facts.kept[i] for i in uow.published_ids]
    assert [(f.kind, f.subject, f.known_at, f.imported) for f in kept] == [
        ("cohort-opened", "h-2021-1", datetime(2021, 2, 15, tzinfo=UTC),
         (result.import_id, "ops")),
        ("trainee-enrolled", "h-1", datetime(2021, 3, 2, tzinfo=UTC), (result.import_id, "ops")),
    ]  # fmt: skip
    assert uow.facts.import_turns == 1  # imports take turns


async def test_importing_the_same_records_again_changes_nothing():
    uow = FakeOutcomesUnitOfWork()
    await handle(uow, jsonl(COHORT, ENROLLED))
    ids = list(uow.published_ids)
    again = await handle(uow, jsonl(COHORT, ENROLLED))
    assert isinstance(again, ImportResult)
    assert (again.imported, again.already_known, again.errors) == (0, 2, [])
    assert uow.published_ids == ids  # the same two events, once


async def test_a_record_the_live_platform_announced_or_one_imported_with_other_values_is_refused():
    live = fact("e-live", "trainee-enrolled", "h-1", enrollment_id="he-1")
    uow = uow_with(live)
    result = await handle(uow, jsonl(COHORT, ENROLLED))
    assert isinstance(result, ImportResult)
    assert [(e.line, e.field, e.message) for e in result.errors] == [
        (2, "enrollment_id", "the live platform records this id")
    ]
    assert result.imported == 1
    changed = await handle(uow, jsonl({**COHORT, "capacity": 31}))
    assert isinstance(changed, ImportResult)
    assert [(e.line, e.field) for e in changed.errors] == [(1, "line")]
    assert "imported before with other values" in changed.errors[0].message


async def test_a_record_repeated_in_one_file_is_reported_as_a_repeat():
    result = await handle(FakeOutcomesUnitOfWork(), jsonl(COHORT, COHORT))
    assert isinstance(result, ImportResult)
    assert [(e.line, e.field, e.message) for e in result.errors] == [
        (2, "line", "a repeat of line 1")
    ]
    assert result.imported == 1


async def test_a_csv_file_without_record_and_reported_on_columns_is_refused_whole():
    uow = FakeOutcomesUnitOfWork()
    with pytest.raises(Rejected, match="the header names") as refused:
        await handle(uow, c.ImportHistory(OPERATOR, "cohort_id,starts_on\nc-1,2021-03-02", "csv"))
    assert refused.value.field == "header"
    assert (uow.published, uow.facts.import_turns, uow.rollbacks) == ([], 0, 1)


def test_every_command_has_a_handler():
    assert set(HANDLERS) == {
        c.RecordFacts, c.RecordRegistrations, c.RecordEnrollments, c.ReportOutcome,
        c.ImportHistory,
    }  # fmt: skip
