"""Who and when: the enrollment as the unit, populations, the employment rule, start-ups by
programme setting, exclusions, versions and the funnel. Every expected answer is worked
out by hand in the test's docstring or comments."""

from datetime import UTC, date, datetime

from traintrack.outcomes.domain.definitions import BY_KEY, DEFINITIONS, LATEST, Context
from traintrack.outcomes.domain.records import Fact, known_on
from traintrack.outcomes.domain.reports import funnel, indicators, wider_steps


class History:
    """Facts of several cohorts, in the order the services would produce them."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []

    def _add(self, kind, subject, known, data):
        at = datetime.fromisoformat(known).replace(tzinfo=UTC)
        self.facts.append(Fact(f"ev-{len(self.facts):04d}", kind, subject, at, data))

    def cohort(self, cohort_id, starts, ends, *, programme="ai", institute="inst", region="30",
               includes=()):  # fmt: skip
        data = {
            "cohort_id": cohort_id, "programme_id": programme, "programme_name": programme,
            "institute_id": institute, "region_code": region, "track": "k_digital_training",
            "field": "AI", "starts_on": starts, "ends_on": ends,
            "employment_includes": list(includes),
        }  # fmt: skip
        self._add("cohort-opened", cohort_id, starts, data)

    def registered(self, t, status="job_seeker", known="2025-12-01"):
        data = {"trainee_id": t, "institute_id": "inst", "region_code": "30", "status": status}
        self._add("trainee-registered", t, known, data)

    def enrolled(self, t, cohort, on, status=None):
        data = {"trainee_id": t, "enrollment_id": f"{t}@{cohort}", "cohort_id": cohort,
                "enrolled_on": on, "institute_id": "inst", "trainee_status": status}  # fmt: skip
        self._add("trainee-enrolled", t, on, data)

    def ended(self, t, cohort, how, on, **extra):
        kinds = {"completed": ("enrollment-completed", "completed_on"),
                 "dropped": ("enrollment-dropped", "dropped_on"),
                 "not_completed": ("enrollment-not-completed", "ended_on")}  # fmt: skip
        kind, field = kinds[how]
        data = {"trainee_id": t, "enrollment_id": f"{t}@{cohort}", "cohort_id": cohort,
                field: on, **extra}  # fmt: skip
        if how == "completed":
            data.setdefault("early_employment", False)
        if how == "dropped":
            data.setdefault("reason", "personal")
        self._add(kind, t, on, data)

    def report(self, t, known, kind="employed", **job):
        data = {"trainee_id": t, "report_id": f"r{len(self.facts)}", "kind": kind, **job}
        self._add("outcome-reported", t, known, data)

    def figures(self, as_of, by="all", definitions=LATEST):
        population = known_on(self.facts, datetime.fromisoformat(as_of).replace(tzinfo=UTC))
        ctx = Context(date.fromisoformat(as_of), 2026)
        return {
            (c.group, c.definition.key): c.figure
            for c in indicators(population, ctx, by, definitions)
        }


def count(figure):
    return (len(figure.numerator), len(figure.denominator))


def test_a_repeat_participant_counts_in_each_course_and_each_course_keeps_its_figures():
    """Course A (Jan-Mar): p, q, r, s, t, u enrolled; all but u complete; u drops out.
    p then takes course B (Apr-Jun) with v, w, x, y: p drops out of B, v, w, x, y complete.
    A: 5 of 6 completed; B: 4 of 5. (Kept per trainee, A showed 3 of 3 and B 5 of 5.)"""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.cohort("B", "2026-04-06", "2026-06-30")
    for t in "pqrstu":
        h.registered(t)
        h.enrolled(t, "A", "2026-01-05")
    for t in "pqrst":
        h.ended(t, "A", "completed", "2026-03-31")
    h.ended("u", "A", "dropped", "2026-02-10")
    h.enrolled("p", "B", "2026-04-06")
    for t in "vwxy":
        h.registered(t)
        h.enrolled(t, "B", "2026-04-06")
        h.ended(t, "B", "completed", "2026-06-30")
    h.ended("p", "B", "dropped", "2026-05-15")

    got = h.figures("2026-07-15", by="cohort")
    assert count(got[("A", "completion_rate.v2")]) == (5, 6)
    assert count(got[("B", "completion_rate.v2")]) == (4, 5)
    assert got[("A", "enrolled.v1")].value == 6 and got[("B", "enrolled.v1")].value == 5
    assert got[("B", "dropped.v1")].numerator == ("p@B",)
    everyone = h.figures("2026-07-15")
    assert count(everyone[("all", "completion_rate.v2")]) == (9, 11)  # p counted twice


def test_an_enrollment_below_80_percent_at_the_end_is_not_completed_not_in_training():
    """Five enrolled; three complete, one drops out, one ends below 80 % (not completed).
    Before the not-completed event arrives the fifth is still in training and the
    completion rate waits for them (pending); after it, 3 of 5."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    for t in "abcde":
        h.registered(t)
        h.enrolled(t, "A", "2026-01-05")
    for t in "abc":
        h.ended(t, "A", "completed", "2026-03-31")
    h.ended("d", "A", "dropped", "2026-02-02")

    before = h.figures("2026-04-03")
    assert before[("all", "in_training.v1")].numerator == ("e@A",)
    assert before[("all", "completion_rate.v2")].pending == ("e@A",)
    assert count(before[("all", "completion_rate.v2")]) == (3, 4)

    h.ended("e", "A", "not_completed", "2026-03-31", attendance_rate=0.74)
    h.facts[-1] = Fact(h.facts[-1].event_id, h.facts[-1].kind, "e",
                       datetime(2026, 4, 8, tzinfo=UTC), h.facts[-1].data)  # fmt: skip
    after = h.figures("2026-04-08")
    assert after[("all", "in_training.v1")].numerator == ()
    assert after[("all", "not_completed.v1")].numerator == ("e@A",)
    assert count(after[("all", "completion_rate.v2")]) == (3, 5)
    assert after[("all", "completion_rate.v2")].value == 0.6
    # as known on the 3rd, nothing changed: the event arrived on the 8th
    assert h.figures("2026-04-03") == before


def _one_completer(status, job_start, *, includes=(), kind="employed", insured=True):
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31", includes=includes)
    h.registered("a", status=status)
    h.enrolled("a", "A", "2026-01-05")
    h.ended("a", "A", "completed", "2026-03-31")
    job = {"starts_on": job_start, "employer": "X", "insured": insured}
    h.report("a", "2026-04-20", kind=kind, **job)
    return h


def test_an_upskilling_workers_old_job_is_not_an_outcome_of_the_course():
    """An employed worker upskilling, with the job held since 2019: not employed after
    training under v2 (exit-based: not working in a new job), though v1 counted them."""
    h = _one_completer("employed_worker", "2019-03-01")
    got = h.figures("2026-12-31", definitions=DEFINITIONS)
    assert got[("all", "employment_q2.v2")].numerator == ()
    assert count(got[("all", "employment_q2.v2")]) == (0, 1)
    assert got[("all", "employment_q2.v1")].numerator == ("a@A",)
    # and the national rate is about job seekers: the worker is not in it at all
    assert count(got[("all", "employment_rate_6m.v2")]) == (0, 0)
    assert count(got[("all", "employment_rate_6m.v1")]) == (1, 1)


def test_an_upskilling_worker_hired_anew_after_the_course_began_counts():
    h = _one_completer("employed_worker", "2026-05-04")
    assert h.figures("2026-12-31")[("all", "employment_q2.v2")].numerator == ("a@A",)


def test_a_job_counts_from_the_cohorts_first_day_and_not_the_day_before():
    on_day = _one_completer("job_seeker", "2026-01-05").figures("2026-12-31")
    day_before = _one_completer("job_seeker", "2026-01-04").figures("2026-12-31")
    assert count(on_day[("all", "employment_rate_6m.v2")]) == (1, 1)
    assert count(day_before[("all", "employment_rate_6m.v2")]) == (0, 1)


def test_the_six_month_window_ends_six_months_after_the_cohorts_end_to_the_day():
    """The cohort ends on 31 March: a job starting on 30 September counts at 6 months,
    one starting on 1 October does not; the figure is pending until 30 September."""
    at_limit = _one_completer("job_seeker", "2026-09-30").figures("2026-12-31")
    past = _one_completer("job_seeker", "2026-10-01").figures("2026-12-31")
    assert count(at_limit[("all", "employment_rate_6m.v2")]) == (1, 1)
    assert count(past[("all", "employment_rate_6m.v2")]) == (0, 1)
    h = _one_completer("job_seeker", "2026-05-04")
    assert h.figures("2026-09-29")[("all", "employment_rate_6m.v2")].pending == ("a@A",)
    assert count(h.figures("2026-09-30")[("all", "employment_rate_6m.v2")]) == (1, 1)
    # 3 months: 30 June counts, 1 July does not
    assert count(_one_completer("job_seeker", "2026-06-30").figures("2026-12-31")[
        ("all", "employment_rate_3m.v2")]) == (1, 1)  # fmt: skip
    assert count(_one_completer("job_seeker", "2026-07-01").figures("2026-12-31")[
        ("all", "employment_rate_3m.v2")]) == (0, 1)  # fmt: skip


def test_start_ups_count_with_employment_only_where_the_programme_says_so():
    """A job seeker's start-up in May: not employment by default (it is in the non-insured
    /start-up rate and the combined count); employment where the programme includes it."""
    default = _one_completer("job_seeker", "2026-05-04", kind="self_employed").figures("2026-12-31")
    assert count(default[("all", "employment_rate_6m.v2")]) == (0, 1)
    assert count(default[("all", "non_insured_rate_6m.v2")]) == (1, 1)
    assert count(default[("all", "non_insured_rate_3m.v1")]) == (1, 1)
    assert count(default[("all", "employed_or_start_up_6m.v1")]) == (1, 1)
    on = _one_completer("job_seeker", "2026-05-04", kind="self_employed", includes=("start_up",))
    assert count(on.figures("2026-12-31")[("all", "employment_rate_6m.v2")]) == (1, 1)
    # the programme's rule on start-ups says nothing about non-insured employment
    uninsured = _one_completer("job_seeker", "2026-05-04", insured=False, includes=("start_up",))
    assert count(uninsured.figures("2026-12-31")[("all", "employment_rate_6m.v2")]) == (0, 1)


def test_an_excluded_graduate_is_still_a_graduate_but_leaves_employment_figures():
    """Six complete; f is then excluded (military service). Completion v2: 6 of 6
    (v1 left f out: 5 of 5). Employment at 6 months: a is employed; f leaves: 1 of 5."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    for t in "abcdef":
        h.registered(t)
        h.enrolled(t, "A", "2026-01-05")
        h.ended(t, "A", "completed", "2026-03-31")
    h.report("a", "2026-05-20", starts_on="2026-05-10", employer="X", insured=True)
    h.report("f", "2026-05-01", kind="excluded", starts_on="2026-05-01",
             exclusion_reason="military")  # fmt: skip
    got = h.figures("2026-10-31", definitions=DEFINITIONS)
    assert count(got[("all", "completion_rate.v2")]) == (6, 6)
    assert got[("all", "completers.v1")].value == 6
    assert count(got[("all", "completion_rate.v1")]) == (5, 5)
    assert count(got[("all", "employment_rate_6m.v2")]) == (1, 5)
    assert got[("all", "employment_rate_6m.v2")].excluded == ("f@A",)


def test_version_1_gives_version_1s_answer_after_version_2_exists():
    """Two job seekers and an upskilling worker complete; the worker keeps an old job,
    the job seekers: one insured job in May. v1 (everyone, any job): 2 of 3 = 0.6667;
    v2 (job seekers, new jobs): 1 of 2 = 0.5."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    for t, status in (("a", "job_seeker"), ("b", "job_seeker"), ("w", "employed_worker")):
        h.registered(t, status=status)
        h.enrolled(t, "A", "2026-01-05")
        h.ended(t, "A", "completed", "2026-03-31")
    h.report("a", "2026-05-20", starts_on="2026-05-10", employer="X", insured=True)
    h.report("w", "2026-04-20", starts_on="2018-02-01", employer="W", insured=True)
    v1 = h.figures("2026-10-31", definitions=[BY_KEY["employment_rate_6m.v1"]])
    v2 = h.figures("2026-10-31", definitions=[BY_KEY["employment_rate_6m.v2"]])
    assert v1[("all", "employment_rate_6m.v1")].value == 0.6667
    assert v2[("all", "employment_rate_6m.v2")].value == 0.5


def test_the_status_when_enrolling_decides_the_population_not_the_status_at_registration():
    """Registered as a job seeker, then enrolled in a second course while employed."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.registered("a", status="job_seeker")
    h.enrolled("a", "A", "2026-01-05", status="employed_worker")
    h.ended("a", "A", "completed", "2026-03-31")
    assert count(h.figures("2026-12-31")[("all", "employment_rate_6m.v2")]) == (0, 0)


def test_satisfaction_as_mean_over_respondents_and_mean_of_course_means():
    """A: 90 and 80 (mean 85); B: 70. Over respondents: 240 / 3 = 80.0; over courses:
    (85 + 70) / 2 = 77.5."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.cohort("B", "2026-01-05", "2026-03-31", programme="web")
    for t, cohort, score in (("a", "A", 90), ("b", "A", 80), ("c", "B", 70)):
        h.registered(t)
        h.enrolled(t, cohort, "2026-01-05")
        h._add("survey-submitted", t, "2026-03-31",
               {"trainee_id": t, "enrollment_id": f"{t}@{cohort}", "score": score})  # fmt: skip
    got = h.figures("2026-04-01")
    assert got[("all", "satisfaction_mean.v2")].value == 80.0
    assert got[("all", "satisfaction_course_mean.v1")].value == 77.5
    assert got[("all", "courses.v1")].value == 2


def test_a_certified_graduate_who_enrolls_again_keeps_the_first_courses_certification():
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.cohort("B", "2026-04-06", "2026-06-30")
    h.registered("a")
    h.enrolled("a", "A", "2026-01-05")
    h.ended("a", "A", "completed", "2026-03-31")
    h._add("certified", "a", "2026-04-01", {"trainee_id": "a", "enrollment_id": "a@A",
                                           "issued_at": "2026-04-01T09:00:00Z"})  # fmt: skip
    h.enrolled("a", "B", "2026-04-06")
    h.ended("a", "B", "dropped", "2026-04-20")
    got = h.figures("2027-07-01", by="cohort")
    assert got[("A", "credential_rate.v1")].numerator == ("a@A",)
    assert got[("B", "credential_rate.v1")].numerator == ()


def test_a_version_1_evaluation_event_is_about_the_trainees_latest_enrollment():
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.registered("a")
    h.enrolled("a", "A", "2026-01-05")
    h._add("stage-passed", "a", "2026-02-01",
           {"trainee_id": "a", "stage": 1, "decided_at": "2026-02-01T09:00:00Z"})  # fmt: skip
    population = known_on(h.facts, datetime(2026, 3, 1, tzinfo=UTC))
    assert population.enrollments["a@A"].stages == {1: date(2026, 2, 1)}


def test_the_funnel_says_why_a_step_is_larger_than_the_one_before_it():
    """Four enrolled: a and d reach stage 3 and start internships, b reaches stage 4, c
    passes nothing and finds work. Internships (2) outnumber stage 4 (1), and the reason is
    given; employed (1) is not larger than internship (2)."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    for t in "abcd":
        h.registered(t)
        h.enrolled(t, "A", "2026-01-05")
    for t, stage in (("a", 3), ("b", 4), ("d", 3)):
        for n in range(1, stage + 1):
            h._add("stage-passed", t, "2026-02-01", {"trainee_id": t, "enrollment_id": f"{t}@A",
                   "stage": n, "decided_at": "2026-02-01T09:00:00Z"})  # fmt: skip
    for t in "ad":
        h._add("internship-started", t, "2026-04-10", {"trainee_id": t, "started_on": "2026-04-10"})
    h.report("c", "2026-05-01", starts_on="2026-04-20", employer="X", insured=True)
    population = known_on(h.facts, datetime(2026, 6, 1, tzinfo=UTC))
    steps = funnel(population, "all")["all"]
    counts = {step: len(who) for step, who in steps.items()}
    assert counts == {"enrolled": 4, "stage_1": 3, "stage_2": 3, "stage_3": 3, "stage_4": 1,
                      "internship": 2, "employed": 1}  # fmt: skip
    assert set(wider_steps(counts)) == {"internship"}


def test_every_indicator_has_a_latest_version_and_every_version_a_distinct_key():
    keys = [d.key for d in DEFINITIONS]
    assert len(keys) == len(set(keys))
    assert {d.id for d in LATEST} == {d.id for d in DEFINITIONS}


def test_facts_about_an_enrollment_known_before_the_enrollment_itself_still_count():
    """Within one instant the facts replay in event-id order, so a completion may come
    before its enrollment: it is kept for the enrollment."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.registered("a")
    h.ended("a", "A", "completed", "2026-03-31")
    h.enrolled("a", "A", "2026-03-31")
    assert count(h.figures("2026-04-01")[("all", "completion_rate.v2")]) == (1, 1)


# ---------------------------------------------------------------- rules pinned at their edges


def _completer_with(*jobs, includes=(), status="job_seeker", ends="2026-03-31"):
    """One completer of a cohort of 5 January to `ends`, with reported jobs:
    (kind, insured, starts_on)."""
    h = History()
    h.cohort("A", "2026-01-05", ends, includes=includes)
    h.registered("a", status=status)
    h.enrolled("a", "A", "2026-01-05")
    h.ended("a", "A", "completed", ends)
    for kind, insured, starts in jobs:
        h.report("a", "2026-04-20", kind=kind, starts_on=starts, employer="X", insured=insured)
    return h.figures("2027-12-31", definitions=DEFINITIONS)


def test_non_insured_employment_counts_as_other_work_and_insured_work_wins():
    uninsured = _completer_with(("employed", False, "2026-05-04"))
    assert count(uninsured[("all", "non_insured_rate_6m.v2")]) == (1, 1)
    assert count(uninsured[("all", "non_insured_rate_6m.v1")]) == (1, 1)
    assert count(uninsured[("all", "employment_rate_6m.v2")]) == (0, 1)
    assert count(uninsured[("all", "employed_or_start_up_6m.v1")]) == (1, 1)
    both = _completer_with(("employed", False, "2026-05-04"), ("employed", True, "2026-06-01"))
    assert count(both[("all", "non_insured_rate_6m.v2")]) == (0, 1)
    assert count(both[("all", "non_insured_rate_6m.v1")]) == (0, 1)
    study = _completer_with(("further_study", None, "2026-05-04"))
    assert count(study[("all", "non_insured_rate_6m.v2")]) == (0, 1)
    assert count(study[("all", "employed_or_start_up_6m.v1")]) == (0, 1)


def test_non_insured_work_counts_with_employment_only_where_the_programme_says_so():
    on = _completer_with(("employed", False, "2026-05-04"), includes=("non_insured",))
    assert count(on[("all", "employment_rate_6m.v2")]) == (1, 1)
    start_up = _completer_with(("self_employed", None, "2026-05-04"), includes=("non_insured",))
    assert count(start_up[("all", "employment_rate_6m.v2")]) == (0, 1)


def test_version_1_windows_end_three_and_six_months_after_the_end_to_the_day():
    at_6 = _completer_with(("employed", True, "2026-09-30"))
    past_6 = _completer_with(("employed", True, "2026-10-01"))
    assert count(at_6[("all", "employment_rate_6m.v1")]) == (1, 1)
    assert count(past_6[("all", "employment_rate_6m.v1")]) == (0, 1)
    other_at_6 = _completer_with(("self_employed", None, "2026-09-30"))
    other_past_6 = _completer_with(("self_employed", None, "2026-10-01"))
    assert count(other_at_6[("all", "non_insured_rate_6m.v1")]) == (1, 1)
    assert count(other_past_6[("all", "non_insured_rate_6m.v1")]) == (0, 1)
    # an insured job in month 6 means no non-insured figure, whatever other work there is
    late_insured = _completer_with(
        ("self_employed", None, "2026-05-01"), ("employed", True, "2026-09-30")
    )
    assert count(late_insured[("all", "non_insured_rate_6m.v1")]) == (0, 1)


def test_job_seekers_into_work_or_start_ups_count_to_six_months_after_the_end():
    at = _completer_with(("self_employed", None, "2026-09-30"))
    past = _completer_with(("self_employed", None, "2026-10-01"))
    assert count(at[("all", "employed_or_start_up_6m.v1")]) == (1, 1)
    assert count(past[("all", "employed_or_start_up_6m.v1")]) == (0, 1)
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.registered("a")
    h.enrolled("a", "A", "2026-01-05")
    h.ended("a", "A", "completed", "2026-03-31")
    assert h.figures("2026-09-29")[("all", "employed_or_start_up_6m.v1")].pending == ("a@A",)
    assert h.figures("2026-09-30")[("all", "employed_or_start_up_6m.v1")].pending == ()


def test_work_in_a_quarter_counts_from_its_first_day_to_its_last():
    """Exit on 31 March 2026: the 2nd quarter after is July-September 2026. A job ending
    on 1 July or starting on 30 September is in it; ending on 30 June or starting on
    1 October is not."""
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    people = {"a": ("2026-05-01", "2026-07-01"), "b": ("2026-09-30", None),
              "c": ("2026-05-01", "2026-06-30"), "d": ("2026-10-01", None)}  # fmt: skip
    for t, (starts, ends) in people.items():
        h.registered(t)
        h.enrolled(t, "A", "2026-01-05")
        h.ended(t, "A", "completed", "2026-03-31")
        h.report(t, "2026-10-05", starts_on=starts, ends_on=ends, employer="X", insured=True)
    f = h.figures("2026-12-31")[("all", "employment_q2.v2")]
    assert sorted(f.numerator) == ["a@A", "b@A"]


def test_a_credential_counts_within_a_year_of_exit_to_the_day_and_not_once_revoked():
    def issued(on, revoked=False, reinstated=False):
        h = History()
        h.cohort("A", "2025-01-06", "2025-03-31")
        h.registered("a")
        h.enrolled("a", "A", "2025-01-06")
        h.ended("a", "A", "completed", "2025-03-31")
        ids = {"trainee_id": "a", "enrollment_id": "a@A", "cohort_id": "A"}
        h._add("certified", "a", on, {**ids, "issued_at": f"{on}T09:00:00Z"})
        if revoked:
            h._add("certification-revoked", "a", "2026-06-01", ids)
        if reinstated:
            h._add("certification-reinstated", "a", "2026-06-02", ids)
        return count(h.figures("2026-12-31")[("all", "credential_rate.v1")])

    assert issued("2026-03-31") == (1, 1)  # 365 days after exit
    assert issued("2026-04-01") == (0, 1)
    assert issued("2025-06-01", revoked=True) == (0, 1)
    assert issued("2025-06-01", revoked=True, reinstated=True) == (1, 1)


def test_participants_of_a_year_are_those_in_training_on_any_day_of_it():
    """Skill gains for 2026: enrolled on 31 December 2026 counts, on 1 January 2027 not;
    an exit on 1 January 2026 counts, on 31 December 2025 not."""
    h = History()
    h.cohort("A", "2025-10-06", "2027-03-31")
    for t, enrolled, dropped in (("a", "2026-12-31", None), ("b", "2027-01-01", None),
                                 ("c", "2025-10-06", "2026-01-01"),
                                 ("d", "2025-10-06", "2025-12-31")):  # fmt: skip
        h.registered(t)
        h.enrolled(t, "A", enrolled)
        if dropped:
            h.ended(t, "A", "dropped", dropped)
    f = h.figures("2027-01-02")[("all", "skill_gains.v1")]
    assert sorted(f.denominator) == ["a@A", "c@A"]


def test_a_fact_about_an_enrollment_that_never_came_counts_nowhere():
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.registered("a")
    h.ended("a", "A", "completed", "2026-03-31")  # no trainee-enrolled ever
    assert h.figures("2026-12-31") == {}  # no group has anyone in it
    h.enrolled("b", "A", "2026-01-05")
    got = h.figures("2026-12-31")
    assert got[("all", "enrolled.v1")].numerator == ("b@A",)
    assert got[("all", "completers.v1")].numerator == ()


def test_an_erased_trainee_stays_counted_and_is_marked_erased():
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    h.registered("a")
    h.enrolled("a", "A", "2026-01-05")
    h._add("trainee-erased", "a", "2026-05-01", {"trainee_id": "a"})
    population = known_on(h.facts, datetime(2026, 6, 1, tzinfo=UTC))
    assert population.enrollments["a@A"].person.erased
    assert h.figures("2026-06-01")[("all", "enrolled.v1")].value == 1


def test_the_funnel_counts_work_and_internships_from_the_cohorts_first_day():
    h = History()
    h.cohort("A", "2026-01-05", "2026-03-31")
    for t in "abcd":
        h.registered(t)
        h.enrolled(t, "A", "2026-01-05")
    h.report("a", "2026-02-01", starts_on="2026-01-05", employer="X", insured=True)
    h.report("b", "2026-02-01", starts_on="2026-01-04", employer="X", insured=True)
    h._add("internship-started", "c", "2026-01-05", {"trainee_id": "c", "started_on": "2026-01-05"})
    h._add("internship-started", "d", "2026-01-05", {"trainee_id": "d", "started_on": "2026-01-04"})
    steps = funnel(known_on(h.facts, datetime(2026, 6, 1, tzinfo=UTC)), "all")["all"]
    assert (steps["employed"], steps["internship"]) == (("a@A",), ("c@A",))
