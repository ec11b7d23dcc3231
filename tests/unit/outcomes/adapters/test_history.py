"""Reading history records for import: each checked against its event's contract, its
dates and its ids, a bad one named by line and field."""

from datetime import date

from traintrack.outcomes.adapters.history import BadRecord, Record, parse
from traintrack.outcomes.domain.calendar import add_months, quarter_after

TODAY = date(2026, 12, 2)
COHORT = {
    "record": "cohort", "reported_on": "2021-02-15", "cohort_id": "h-2021-1",
    "programme_id": "h-ai", "programme_name": "AI", "institute_id": "h-inst",
    "region_code": "30", "track": "k_digital_training", "field": "AI", "hours": 960,
    "project_work_share": 0.4, "capacity": 30, "starts_on": "2021-03-02",
    "ends_on": "2021-08-31",
}  # fmt: skip
SURVEY = {
    "record": "survey", "reported_on": "2021-08-31", "trainee_id": "h-1",
    "enrollment_id": "he-1", "cohort_id": "h-2021-1", "score": 90, "submitted_on": "2021-08-31",
}  # fmt: skip


def error(raw):
    found = parse(7, raw, TODAY)
    assert isinstance(found, BadRecord), found
    return found.field


def test_a_good_cohort_is_the_cohort_opened_event_it_stands_for():
    found = parse(1, COHORT, TODAY)
    assert isinstance(found, Record)
    assert (found.subject, found.occurred_on, found.reported_on) == (
        "h-2021-1", date(2021, 3, 2), date(2021, 2, 15),
    )  # fmt: skip
    assert found.event_id == parse(2, COHORT, TODAY).event_id  # the same record, the same id


def test_dates_run_from_2000_to_2100_and_a_cohort_ends_after_it_starts():
    assert error({**COHORT, "ends_on": "9999-12-31"}) == "ends_on"
    assert error({**COHORT, "starts_on": "1999-12-31"}) == "starts_on"
    assert isinstance(parse(1, {**COHORT, "ends_on": "2100-12-31"}, TODAY), Record)
    assert error({**COHORT, "ends_on": "2021-03-01"}) == "ends_on"
    assert isinstance(parse(1, {**COHORT, "ends_on": "2021-03-02"}, TODAY), Record)


def test_reported_on_is_between_2000_and_today_and_not_before_an_ending_happened():
    assert error({**SURVEY, "reported_on": "2026-12-03"}) == "reported_on"
    assert isinstance(parse(1, {**SURVEY, "reported_on": "2026-12-02"}, TODAY), Record)
    assert error({**SURVEY, "reported_on": "2021-08-30"}) == "reported_on"
    assert error({**SURVEY, "reported_on": "1999-12-31"}) == "reported_on"


def test_personal_details_control_characters_and_bad_ids_are_refused_by_field():
    assert error({**SURVEY, "name": "김하은"}) == "name"
    assert error({**SURVEY, "trainee_id": "h 1"}) == "trainee_id"
    assert error({**COHORT, "programme_name": "AI\x1b[31m"}) == "programme_name"
    assert error({**SURVEY, "score": 101}) == "score"
    assert error({**SURVEY, "record": "graduation"}) == "record"


def test_months_and_quarters_past_the_calendar_end_at_its_last_day():
    assert add_months(date(9999, 9, 30), 6) == date.max
    assert add_months(date(9999, 6, 30), 6) == date(9999, 12, 30)  # still on the calendar
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert quarter_after(date(9999, 12, 31), 2) == (date.max, date.max)
    assert quarter_after(date(9999, 3, 31), 2) == (date(9999, 7, 1), date(9999, 9, 30))


def test_an_outcome_report_is_reported_by_the_operator_on_its_reported_on_day():
    found = parse(
        1,
        {
            "record": "outcome_report",
            "reported_on": "2022-03-02",
            "report_id": "r-1",
            "trainee_id": "h-1",
            "kind": "employed",
            "starts_on": "2021-12-01",
            "employer": "X",
            "insured": True,
        },
        TODAY,
    )
    assert isinstance(found, Record)
    assert (found.data.reported_by, found.data.reported_at.date()) == ("operator", date(2022, 3, 2))


def test_values_the_live_apis_would_refuse_are_refused_here_too():
    report = {"record": "outcome_report", "reported_on": "2022-03-02", "report_id": "r-1",
              "trainee_id": "h-1", "kind": "employed", "starts_on": "2021-12-01",
              "employer": "X", "insured": True}  # fmt: skip
    assert error({**report, "monthly_earnings": 1_000_000_001}) == "monthly_earnings"
    assert isinstance(parse(1, {**report, "monthly_earnings": 1_000_000_000}, TODAY), Record)
    assert error({**report, "employer": "x" * 201}) == "employer"
    assert isinstance(parse(1, {**report, "employer": "x" * 200}, TODAY), Record)
    assert error({**COHORT, "closed_days": ["2021-05-05", "9999-12-31"]}) == "closed_days"
    assert error({**COHORT, "skills": [f"s{n}" for n in range(101)]}) == "skills"
    assert error({**COHORT, "programme_name": "AI \u202e"}) == "programme_name"
    assert error({**COHORT, "programme_name": "AI \u2028"}) == "programme_name"


def test_edges_of_the_dates_and_lists_a_record_may_hold():
    # an ending is learnt on the day it happens at the earliest
    assert isinstance(parse(1, SURVEY, TODAY), Record)  # reported the day it was submitted
    for kind, field in (("completion", "completed_on"), ("drop_out", "dropped_on"),
                        ("not_completed", "ended_on")):  # fmt: skip
        ended = {"record": kind, "reported_on": "2021-08-30", "trainee_id": "h-1",
                 "enrollment_id": "he-1", "cohort_id": "h-2021-1", field: "2021-08-31",
                 "attendance_rate": 0.9, "early_employment": False, "reason": "personal",
                 "decided_on": "2021-09-08"}  # fmt: skip
        ended = {k: v for k, v in ended.items() if k == "record" or k in _fields(kind)}
        assert error(ended) == "reported_on", kind
        assert isinstance(parse(1, {**ended, "reported_on": "2021-08-31"}, TODAY), Record)
    assert isinstance(parse(1, {**COHORT, "reported_on": "2000-01-01"}, TODAY), Record)
    assert isinstance(parse(1, {**COHORT, "starts_on": "2000-01-01"}, TODAY), Record)
    skills = [f"s{n}" for n in range(100)]
    assert isinstance(parse(1, {**COHORT, "skills": skills}, TODAY), Record)


def _fields(kind):
    from traintrack.outcomes.adapters.history import KINDS

    return {"reported_on", *KINDS[kind].contract.model_fields}
