"""The indicators on small hand-made cohorts whose right answers are written out here.
Version 1 of the national definitions is pinned here as first published; version 2 and
the rules about who and when are in test_outcomes_definitions.py."""

from datetime import UTC, date, datetime

import pytest

from traintrack.outcomes.domain.definitions import (
    BY_ID,
    BY_KEY,
    DEFINITIONS,
    LATEST,
    Context,
    Figure,
)
from traintrack.outcomes.domain.records import Fact, known_on
from traintrack.outcomes.domain.reports import funnel, indicators

COHORT = {
    "cohort_id": "ai-2026-1",
    "programme_id": "ai",
    "programme_name": "AI",
    "institute_id": "inst",
    "region_code": "30",
    "track": "k_digital_training",
    "field": "AI",
    "starts_on": "2026-01-05",
    "ends_on": "2026-03-31",
}
ENDED = "2026-03-31"


class Log:
    """Facts in the order an institute, the services and firms would produce them."""

    def __init__(self) -> None:
        self.facts: list[Fact] = [self.fact("cohort-opened", "ai-2026-1", "2025-12-01", COHORT)]

    def fact(self, kind, subject, known, data):
        at = datetime.fromisoformat(known).replace(tzinfo=UTC)
        return Fact(f"ev-{len(getattr(self, 'facts', []))}", kind, subject, at, data)

    def add(self, event, subject, known, **data):
        ids = {"trainee_id": subject, "enrollment_id": f"en-{subject}"}
        self.facts.append(self.fact(event, subject, known, {**ids, **data}))

    def enrolled(self, *trainees):
        for t in trainees:
            self.add(
                "trainee-enrolled",
                t,
                "2026-01-05",
                cohort_id="ai-2026-1",
                enrolled_on="2026-01-05",
                institute_id="inst",
                trainee_status="job_seeker",
            )

    def completed(self, t, early_on=None):
        self.add(
            "enrollment-completed",
            t,
            "2026-04-01",
            completed_on=ENDED,
            early_employment=early_on is not None,
            hired_on=early_on,
        )

    def report(self, t, known, kind="employed", report_id=None, **job):
        self.add(
            "outcome-reported", t, known, report_id=report_id or f"r-{t}-{known}", kind=kind, **job
        )


def figures(log, as_of, year=2026, version=None):
    """Each indicator's figure for everyone: the latest versions, or version `version` of
    those that have it."""
    population = known_on(log.facts, datetime.fromisoformat(as_of).replace(tzinfo=UTC))
    ctx = Context(date.fromisoformat(as_of), year)
    chosen = LATEST if version is None else [d for d in DEFINITIONS if d.version == version]
    return {c.definition.id: c.figure for c in indicators(population, ctx, "all", chosen)}


def ids(*trainees):
    """The enrollment ids of trainees in the one cohort of these tests."""
    return [f"en-{t}" for t in trainees]


@pytest.fixture
def log():
    """a: insured job in May (3,000,000/month at X); b: early employment; c: insured job in
    August (2,400,000 at Y, until December), reported late; d: a start-up in June; e: dropped
    in February; f: excluded (long medical treatment); g: nothing."""
    log = Log()
    log.enrolled(*"abcdefg")
    for t in "acdfg":
        log.completed(t)
    log.completed("b", early_on="2026-03-15")
    log.add("enrollment-dropped", "e", "2026-02-10", dropped_on="2026-02-10", reason="personal")
    log.report(
        "a",
        "2026-05-20",
        starts_on="2026-05-10",
        employer="X",
        insured=True,
        monthly_earnings=3_000_000,
    )
    log.report(
        "c",
        "2026-10-15",
        starts_on="2026-08-01",
        ends_on="2026-12-31",
        employer="Y",
        insured=True,
        monthly_earnings=2_400_000,
    )
    log.report("d", "2026-07-01", kind="self_employed", starts_on="2026-06-01")
    log.report(
        "f", "2026-05-01", kind="excluded", starts_on="2026-05-01", exclusion_reason="medical"
    )
    for t in "ab":
        log.add("stage-passed", t, "2026-02-01", stage=1, decided_at="2026-02-01T10:00:00Z")
    log.add("certified", "a", "2026-06-01", issued_at="2026-06-01T09:00:00Z")
    return log


def test_completion_v1_counts_early_employment_and_leaves_out_the_excluded(log):
    f = figures(log, "2026-10-01", version=1)["completion_rate"]
    assert (f.value, sorted(f.numerator), sorted(f.denominator)) == (
        0.8333,
        ids(*"abcdg"),
        ids(*"abcdeg"),
    )
    assert f.excluded == ("en-f",)


def test_national_employment_rates_v1_count_insured_work_and_early_employment(log):
    got = figures(log, "2026-10-20", version=1)
    assert (got["employment_rate_3m"].value, sorted(got["employment_rate_3m"].numerator)) == (
        0.4,
        ids("a", "b"),
    )
    assert sorted(got["employment_rate_6m"].numerator) == ids("a", "b", "c")
    assert got["employment_rate_6m"].value == 0.6
    assert got["non_insured_rate_6m"].numerator == ("en-d",)  # the start-up
    assert got["non_insured_rate_6m"].value == 0.2


def test_a_late_report_changes_the_figure_after_it_arrived_and_not_before(log):
    assert figures(log, "2026-10-01")["employment_rate_6m"].value == 0.4  # c not known yet
    assert figures(log, "2026-10-20")["employment_rate_6m"].value == 0.6


def test_a_window_not_closed_yet_leaves_everyone_pending():
    log = Log()
    log.enrolled("a")
    log.completed("a")
    f = figures(log, "2026-09-15")["employment_rate_6m"]
    assert f == Figure(None, (), (), (), ("en-a",))


def test_a_correction_replaces_the_report_it_corrects_from_when_it_is_known():
    log = Log()
    log.enrolled("g")
    log.completed("g")
    log.report("g", "2026-05-02", report_id="r-1", starts_on="2026-05-01", insured=True)
    log.report(
        "g",
        "2026-11-01",
        report_id="r-2",
        kind="not_employed",
        starts_on="2026-11-01",
        corrects="r-1",
    )
    assert figures(log, "2026-10-15")["employment_rate_6m"].value == 1.0
    assert figures(log, "2026-11-02")["employment_rate_6m"].value == 0.0


def test_exit_based_employment_and_median_earnings_in_the_second_quarter(log):
    got = figures(log, "2026-10-20")
    q2 = got["employment_q2"]  # exits in Q1 2026: the 2nd quarter after is Q3 2026
    assert (sorted(q2.numerator), sorted(q2.denominator)) == (ids(*"abcd"), ids(*"abcdeg"))
    assert q2.value == 0.6667
    assert got["median_earnings_q2"].value == 8_100_000  # median of 9,000,000 and 7,200,000
    assert sorted(got["median_earnings_q2"].denominator) == ids("a", "c")


def test_credential_attainment_waits_for_the_year_after_exit_to_end(log):
    assert figures(log, "2026-10-20")["credential_rate"].value is None
    f = figures(log, "2027-04-15")["credential_rate"]
    assert (f.numerator, len(f.denominator), f.value) == (("en-a",), 6, 0.1667)


def test_skill_gains_count_participants_with_a_stage_passed_in_the_year(log):
    f = figures(log, "2027-01-15", year=2026)["skill_gains"]
    assert (sorted(f.numerator), len(f.denominator), f.value) == (ids("a", "b"), 6, 0.3333)


def test_retention_asks_for_the_same_employer_in_the_second_and_fourth_quarter(log):
    f = figures(log, "2027-04-15")["retention_q4"]
    # In work in Q3 2026: a (X, ongoing), b (early employment, employer unknown), c (Y, ended
    # in December), d (start-up): only a is with the same employer in Q1 2027.
    assert (f.numerator, sorted(f.denominator), f.value) == (("en-a",), ids(*"abcd"), 0.25)


def test_satisfaction_is_the_mean_of_those_who_answered():
    log = Log()
    log.enrolled("a", "b", "c")
    log.add("survey-submitted", "a", "2026-03-31", score=90)
    log.add("survey-submitted", "b", "2026-03-31", score=81)
    f = figures(log, "2026-04-02")["satisfaction_mean"]
    assert (f.value, sorted(f.denominator)) == (85.5, ids("a", "b"))


def test_a_figure_about_one_to_four_people_is_a_small_cell():
    four = Figure(0.5, ("a", "b"), ("a", "b", "c", "d"))
    five = Figure(0.4, ("a", "b"), ("a", "b", "c", "d", "e"))
    nobody = Figure(None, (), ())
    assert four.suppressed and not five.suppressed and not nobody.suppressed


def test_the_funnel_counts_who_reached_each_step(log):
    log.add("stage-passed", "a", "2026-03-01", stage=2, decided_at="2026-03-01T10:00:00Z")
    log.add("internship-started", "a", "2026-04-10", started_on="2026-04-10")
    log.add("stage-passed", "b", "2026-03-01", stage=2, decided_at="2026-03-01T10:00:00Z")
    log.add("stage-passed", "b", "2026-03-02", stage=3, decided_at="2026-03-02T10:00:00Z")
    population = known_on(log.facts, datetime(2026, 12, 1, tzinfo=UTC))
    steps = funnel(population, "all")["all"]
    assert {step: len(ids) for step, ids in steps.items()} == {
        "enrolled": 7,
        "stage_1": 2,
        "stage_2": 2,
        "stage_3": 1,
        "stage_4": 0,
        "internship": 1,
        "employed": 4,
    }


def test_every_definition_states_its_population_numerator_denominator_and_exclusions():
    for d in DEFINITIONS:
        assert d.population and d.numerator and d.denominator and d.exclusions
        assert d.title["ko"] and d.title["en"]
    assert BY_ID["employment_rate_6m"] is BY_KEY["employment_rate_6m.v2"]
