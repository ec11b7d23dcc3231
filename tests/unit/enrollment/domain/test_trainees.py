from datetime import UTC, datetime

import pytest

from traintrack.enrollment.domain import trainees as domain
from traintrack.platform.errors import Rejected

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
PERSON = domain.PersonalDetails("김민준", "minjun@example.org", None)


def register(**overrides):
    values = dict(
        trainee_id="tr-1",
        institute_id="inst-a",
        birth_year=1999,
        region_code="30",
        status="job_seeker",
        consent_share_with_firms=True,
        personal=PERSON,
        now=NOW,
    )
    return domain.register_trainee(**{**values, **overrides})


def test_a_valid_trainee_is_registered_at_the_given_time():
    trainee = register()
    assert trainee.registered_at == NOW
    assert trainee.personal == PERSON


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_year": 1929}, "birth_year"),
        ({"birth_year": 2012}, "birth_year"),
        ({"region_code": "99"}, "region_code"),
        ({"personal": domain.PersonalDetails("  ", None, None)}, "name"),
    ],
)
def test_registration_refuses_impossible_facts_naming_the_field(overrides, field):
    with pytest.raises(Rejected) as refused:
        register(**overrides)
    assert refused.value.field == field


def test_the_youngest_allowed_trainee_is_fifteen_this_year():
    assert register(birth_year=2011).birth_year == 2011


def test_a_cohort_runs_for_at_most_three_years_within_sensible_dates():
    from datetime import date

    import pytest

    from traintrack.enrollment.domain.catalogue import Track, define_programme, open_cohort
    from traintrack.platform.errors import Rejected

    programme = define_programme(
        programme_id="p-long",
        institute_id="i",
        name="P",
        track=Track.K_DIGITAL_CREDIT,
        field="AI",
        hours=40,
        capacity=20,
        project_work_share=0.1,
    )
    assert open_cohort(
        programme, cohort_id="c-ok", starts_on=date(2026, 1, 5), ends_on=date(2028, 12, 29)
    ).training_days()
    with pytest.raises(Rejected) as too_long:
        open_cohort(
            programme, cohort_id="c-long", starts_on=date(2026, 1, 5), ends_on=date(2030, 1, 4)
        )
    assert too_long.value.field == "ends_on"
    with pytest.raises(Rejected) as ancient:
        open_cohort(programme, cohort_id="c-old", starts_on=date(1, 1, 1), ends_on=date(1, 6, 1))
    assert ancient.value.field == "starts_on"
