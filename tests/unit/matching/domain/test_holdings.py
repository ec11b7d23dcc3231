"""What a candidate holds across their enrollments (matching's pool per enrollment)."""

from datetime import date

from traintrack.matching.domain.holdings import Course, Credential, Holdings, backing, holdings

AI_ENDS, CLOUD_ENDS = date(2026, 8, 28), date(2027, 2, 26)


def ai(**overrides):
    values = {
        "enrollment_id": "en-ai",
        "order": 1,
        "programme_id": "kdt-ai",
        "field": "AI",
        "skills": frozenset({"python", "ml"}),
        "ends_on": AI_ENDS,
        "status": "completed",
        "passed": frozenset({1, 2, 3, 4}),
        "score": 82.0,
        "credentials": (Credential("cred-ai", "kdt-ai", 1),),
    }
    return Course(**{**values, **overrides})


def cloud(**overrides):
    values = {
        "enrollment_id": "en-cloud",
        "order": 2,
        "programme_id": "kdt-cloud",
        "field": "Cloud",
        "skills": frozenset({"aws", "linux"}),
        "ends_on": CLOUD_ENDS,
        "status": "completed",
        "passed": frozenset({1, 2, 3, 4}),
        "score": 74.0,
        "credentials": (Credential("cred-cloud", "kdt-cloud", 2),),
    }
    return Course(**{**values, **overrides})


PLAGIARISM = Credential("cred-ai", "kdt-ai", 1, revoked=True, reason="plagiarism")


def test_two_certifications_one_revoked_still_certified_and_shown_at_the_others_stage():
    assert holdings([ai(credentials=(PLAGIARISM,)), cloud()]) == Holdings(
        stage_reached=4,
        certified=True,
        certifications=(Credential("cred-cloud", "kdt-cloud", 2),),
        lapsed=(PLAGIARISM,),
        skills=frozenset({"aws", "linux"}),  # the revoked course's skills are not shown
        fields=frozenset({"Cloud"}),
        field="Cloud",
        score=74.0,
        status="completed",
        available_from=CLOUD_ENDS,
    )


def test_two_standing_certifications_are_both_listed_with_both_courses_skills():
    held = holdings([ai(), cloud()])
    assert [c.credential_id for c in held.certifications] == ["cred-ai", "cred-cloud"]
    assert held.skills == frozenset({"python", "ml", "aws", "linux"})
    assert held.fields == frozenset({"AI", "Cloud"})
    assert held.field == "Cloud"  # both at stage 4: the later course leads
    assert held.score == 82.0  # the best project among the courses shown


def test_a_second_enrollment_at_stage_1_does_not_lower_a_certified_candidates_stage():
    second = cloud(passed=frozenset({1}), credentials=(), status="in_training", score=0.0)
    held = holdings([ai(), second])
    assert (held.stage_reached, held.certified) == (4, True)
    assert [c.credential_id for c in held.certifications] == ["cred-ai"]
    assert held.skills == frozenset({"python", "ml"})  # nothing shown of the new course yet
    assert (held.field, held.score) == ("AI", 82.0)
    # What the person is doing now: in the second course, available when it ends.
    assert (held.status, held.available_from) == ("in_training", CLOUD_ENDS)


def test_the_one_certification_revoked_leaves_nothing_shown_not_even_its_stages():
    held = holdings([ai(credentials=(PLAGIARISM,))])
    assert (held.stage_reached, held.certified, held.certifications) == (0, False, ())
    assert held.lapsed == (PLAGIARISM,)


def test_a_revoked_course_leaves_the_other_course_at_its_own_stage():
    held = holdings(
        [ai(credentials=(PLAGIARISM,)), cloud(passed=frozenset({1, 2}), credentials=())]
    )
    assert (held.stage_reached, held.certified) == (2, False)
    assert held.skills == frozenset({"aws", "linux"})


def test_a_certified_course_that_lost_a_stage_no_longer_stands_before_its_revocation_arrives():
    broken = Credential(
        "cred-ai", "kdt-ai", 1, basis_broken=True, reason="basis withdrawn: stage 4 no longer held"
    )
    held = holdings([ai(passed=frozenset({1, 2, 3}), credentials=(broken,))])
    assert (held.stage_reached, held.certified, held.lapsed) == (0, False, (broken,))


def test_a_credential_reissued_on_the_same_course_makes_it_stand_again():
    reissued = (PLAGIARISM, Credential("cred-ai-2", "kdt-ai", 2))
    held = holdings([ai(credentials=reissued)])
    assert (held.stage_reached, held.certified) == (4, True)
    assert [c.credential_id for c in held.certifications] == ["cred-ai-2"]


def test_courses_behind_the_profile_start_at_the_talent_pool_stage():
    at_2 = ai(passed=frozenset({1, 2}), credentials=(), status="in_training")
    at_1 = cloud(passed=frozenset({1}), credentials=(), status="in_training")
    assert [c.enrollment_id for c in backing([at_2, at_1])] == ["en-ai"]
    below = ai(passed=frozenset({1}), credentials=(), status="in_training")
    # Nobody at stage 2 yet: the latest course says what they train in (institutes' list).
    assert [c.enrollment_id for c in backing([below, at_1])] == ["en-cloud"]
    held = holdings([below, at_1])
    assert (held.stage_reached, held.skills) == (1, frozenset({"aws", "linux"}))


def test_a_dropped_course_stages_still_count_and_nobody_known_holds_nothing():
    dropped = cloud(passed=frozenset({1, 2, 3}), credentials=(), status="dropped")
    assert holdings([dropped]).stage_reached == 3
    assert holdings([]) == Holdings(stage_reached=0, certified=False, certifications=(), lapsed=())
