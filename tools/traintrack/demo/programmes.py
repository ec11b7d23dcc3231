"""Demo data for `make run` / `make up`, loaded through the services' public APIs.

A programme year as of late November 2026: a university K-Digital Platform, a regional
ICT innovation square and an AI academy run intensive, credit and upskilling courses; the
polytechnic's 59 learning factories (../shared/data/learning_factories.csv) are training
sites of its campuses. Trainees are onboarded in bulk, one CSV per cohort. Intensive
cohorts started on 31 August and have twelve weeks of attendance over Chuseok and the
other autumn holidays (no attendance on those, nor on a cohort's closed day), with a few
trainees at risk of missing 80 % and a few who dropped out; the October credit course and
last year's cohorts have ended, with completions, satisfaction surveys and, in each, one
trainee who stayed below 80 % and did not complete. A completer of the 2025 data course
came back for the 2026 one (a repeat participant); the MLOps course trains employed
workers upskilling.
"""

from __future__ import annotations

import csv
import logging
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from traintrack.demo.urls import ENROLLMENT_URL

log = logging.getLogger(__name__)

# A copy of the steering folder's shared/data/learning_factories.csv (59 rows).
LEARNING_FACTORIES = Path(__file__).resolve().parent / "data" / "learning_factories.csv"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "지우",
    "하준",
    "서윤",
    "시우",
    "하은",
    "주원",
    "지민",
    "예준",
    "수아",
    "지호",
    "지유",
    "준우",
    "채원",
    "현우",
    "다은",
    "건우",
    "소율",
]
FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신"]

# Korea Polytechnics campuses: slug and the national portal's region code.
CAMPUSES: dict[str, tuple[str, str]] = {
    "강릉": ("gangneung", "51"),
    "광주": ("gwangju", "29"),
    "구미": ("gumi", "47"),
    "남대구": ("namdaegu", "27"),
    "남인천": ("namincheon", "28"),
    "대구": ("daegu", "27"),
    "대전": ("daejeon", "30"),
    "동부산": ("dongbusan", "26"),
    "로봇": ("robot", "47"),
    "바이오": ("bio", "44"),
    "반도체융합": ("semiconductor", "41"),
    "부산": ("busan", "26"),
    "서울강서": ("seoul-gangseo", "11"),
    "서울정수": ("seoul-jeongsu", "11"),
    "성남": ("seongnam", "41"),
    "순천": ("suncheon", "46"),
    "신기술": ("new-tech", "28"),
    "아산": ("asan", "44"),
    "영남융합기술": ("yeongnam", "27"),
    "영주": ("yeongju", "47"),
    "울산": ("ulsan", "31"),
    "원주": ("wonju", "51"),
    "익산": ("iksan", "45"),
    "인천": ("incheon", "28"),
    "전남": ("jeonnam", "46"),
    "전북": ("jeonbuk", "45"),
    "제주": ("jeju", "50"),
    "진주": ("jinju", "48"),
    "창원": ("changwon", "48"),
    "청주": ("cheongju", "43"),
    "춘천": ("chuncheon", "51"),
    "충주": ("chungju", "43"),
    "포항": ("pohang", "47"),
    "항공": ("aviation", "48"),
    "홍성": ("hongseong", "44"),
    "화성": ("hwaseong", "41"),
}
INSTITUTES = {
    "cnu-kdp": ("충남대학교 K-Digital Platform", "30"),
    "daejeon-ict-square": ("대전 ICT 이노베이션 스퀘어", "30"),
    "seoul-ai-academy": ("서울 AI 아카데미", "11"),
} | {
    f"kopo-{slug}": (f"한국폴리텍대학 {name}캠퍼스", region)
    for name, (slug, region) in CAMPUSES.items()
}

TODAY = date(2026, 11, 20)  # the last recorded training day of the demo
AUTUMN = (date(2026, 8, 31), date(2027, 2, 26))  # over Chuseok and four more holidays
# Days a cohort declares closed besides public holidays (the Friday between Chuseok and
# the National Foundation Day weekend).
CLOSED_DAYS = {"dis-data-2026-2": [date(2026, 10, 2)]}
# A completer of the first cohort comes back for the second: a repeat participant.
REPEATS = {"dis-data-2026-1": "dis-data-2025-2"}


@dataclass(frozen=True)
class CohortPlan:
    institute: str
    programme: dict[str, Any]
    cohort_id: str
    starts_on: date
    ends_on: date
    trainees: int


def plans() -> list[CohortPlan]:
    kdt = {"track": "k_digital_training", "hours": 960, "capacity": 30, "project_work_share": 0.4}
    found = [
        CohortPlan(
            "cnu-kdp",
            {
                **kdt,
                "programme_id": "cnu-ai-service",
                "name": "AI 서비스 개발자 과정",
                "field": "AI",
                "training_site": "충남대학교 K-Digital Platform",
                "skills": ["python", "machine learning", "deep learning"],
            },
            "cnu-ai-2026-2",
            *AUTUMN,
            28,
        ),
        CohortPlan(
            "cnu-kdp",
            {
                "programme_id": "cnu-cloud-credit",
                "name": "클라우드 기초 크레딧",
                "track": "k_digital_credit",
                "field": "클라우드",
                "hours": 40,
                "capacity": 60,
                "project_work_share": 0.1,
                "skills": ["cloud", "aws", "linux"],
            },
            "cnu-cloud-2026-10",
            date(2026, 10, 5),
            date(2026, 10, 30),
            40,
        ),
        CohortPlan(
            "daejeon-ict-square",
            {
                **kdt,
                "programme_id": "dis-data",
                "hours": 840,
                "name": "빅데이터 분석 실무 과정",
                "field": "데이터",
                "capacity": 25,
                "project_work_share": 0.35,
                "skills": ["python", "sql", "data analysis"],
            },
            "dis-data-2026-2",
            *AUTUMN,
            24,
        ),
        CohortPlan(
            "seoul-ai-academy",
            {
                "programme_id": "saa-mlops",
                "name": "재직자 MLOps",
                "track": "employed_upskilling",
                "field": "AI",
                "hours": 120,
                "capacity": 20,
                "project_work_share": 0.3,
                "skills": ["mlops", "kubernetes", "python"],
            },
            "saa-mlops-2026-2",
            date(2026, 9, 7),
            date(2026, 12, 18),
            16,
        ),
    ]
    return found + earlier_cohorts(found)


def earlier_cohorts(current: list[CohortPlan]) -> list[CohortPlan]:
    """The programme year before the running cohorts: these have ended, so their
    completers' employment can be counted at 3 and 6 months, and quarters after exit."""
    by_programme = {p.programme["programme_id"]: p for p in current}
    return [
        replace(
            by_programme["dis-data"],
            cohort_id="dis-data-2025-2",
            starts_on=date(2025, 8, 25),
            ends_on=date(2025, 12, 19),
        ),
        replace(
            by_programme["dis-data"],
            cohort_id="dis-data-2026-1",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 5, 15),
        ),
        replace(
            by_programme["cnu-ai-service"],
            cohort_id="cnu-ai-2026-1",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 7, 31),
        ),
    ]


def learning_factory_programmes() -> list[tuple[str, dict[str, Any]]]:
    with LEARNING_FACTORIES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    programmes = []
    for row in rows:
        slug, _ = CAMPUSES[row["campus"]]
        site = f"{row['campus']}캠퍼스 {row['learning_factory']}"
        programmes.append(
            (
                f"kopo-{slug}",
                {
                    "programme_id": f"kopo-lf-{int(row['no']):02d}",
                    "name": f"{site} 실무 과정",
                    "track": "learning_factory",
                    "field": row["field"],
                    "hours": 320,
                    "capacity": 20,
                    "project_work_share": 0.5,
                    "training_site": site,
                },
            )
        )
    return programmes


def demo_institute_ids() -> list[str]:
    return list(INSTITUTES)


class Loader:
    def __init__(self, credentials: dict[str, Any], rng: random.Random) -> None:
        self.rng = rng
        self.operator = {"X-API-Key": credentials["operator"]["key"]}
        self.keys = credentials["institutes"]
        self.http = httpx.Client(base_url=ENROLLMENT_URL, timeout=60)
        self.programmes: set[str] = set()
        # Each onboarded person's CSV fields by trainee id (a repeat participant is sent
        # again with the same ref and details), and the completers of each cohort.
        self.people: dict[str, dict[str, str]] = {}
        self.completers: dict[str, list[dict[str, Any]]] = {}

    def post(self, path: str, institute: str | None, **kwargs: Any) -> Any:
        headers = self.operator if institute is None else {"X-API-Key": self.keys[institute]}
        response = self.http.post(path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"demo: POST {path} -> {response.status_code} {response.text}")
        return response.json()

    def catalogue(self) -> None:
        for institute_id, (name, region) in INSTITUTES.items():
            self.post(
                "/v1/institutes",
                None,
                json={"institute_id": institute_id, "name": name, "region_code": region},
            )
        for institute_id, programme in learning_factory_programmes():
            self.post("/v1/programmes", institute_id, json=programme)

    def cohort(self, plan: CohortPlan) -> list[dict[str, Any]]:
        """Open the cohort and play it until TODAY; the enrollments still running or done."""
        programme_id = plan.programme["programme_id"]
        if not programme_id.startswith("kopo-lf-") and programme_id not in self.programmes:
            self.post("/v1/programmes", plan.institute, json=plan.programme)
            self.programmes.add(programme_id)
        opened = self.post(
            "/v1/cohorts",
            plan.institute,
            json={
                "cohort_id": plan.cohort_id,
                "programme_id": plan.programme["programme_id"],
                "starts_on": plan.starts_on.isoformat(),
                "ends_on": plan.ends_on.isoformat(),
                "closed_days": [d.isoformat() for d in CLOSED_DAYS.get(plan.cohort_id, [])],
            },
        )
        off = {date.fromisoformat(d) for d in opened["public_holidays"] + opened["closed_days"]}
        enrollments = self.onboard(plan)
        ended = plan.ends_on <= TODAY
        # In an ended cohort, its last planned trainee attends too little to complete, and
        # stays to the end (a returning participant, if any, comes after them).
        struggling = enrollments[plan.trainees - 1]["enrollment_id"] if ended else None
        # A returning participant attends well.
        steady = {e["enrollment_id"] for e in enrollments[plan.trainees :]}
        left = self.attendance(plan, enrollments, off, struggling, steady)
        staying = [e for e in enrollments if e["enrollment_id"] not in left]
        if ended:
            self.finish(plan, staying)
        return staying

    def person(self, plan: CohortPlan, ref: str) -> dict[str, str]:
        rng = self.rng
        region = INSTITUTES[plan.institute][1]
        upskilling = plan.programme["track"] == "employed_upskilling"
        return {
            "ref": ref,
            "name": rng.choice(FAMILY) + rng.choice(GIVEN),
            "birth_year": str(rng.randint(1984, 2004)),
            "region_code": region
            if rng.random() < 0.8
            else rng.choice(["11", "41", "44", "43", "30"]),
            "status": "employed_worker"
            if upskilling
            else rng.choice(["job_seeker"] * 9 + ["resident"]),
            "consent_share_with_firms": "true" if rng.random() < 0.85 else "false",
        }

    def onboard(self, plan: CohortPlan) -> list[dict[str, Any]]:
        """The cohort's trainees registered and enrolled with one CSV (bulk onboarding);
        a completer of the programme's previous cohort comes back as a repeat participant."""
        people = [self.person(plan, f"{plan.cohort_id}-{n:03d}") for n in range(plan.trainees)]
        earlier = self.completers.get(REPEATS.get(plan.cohort_id, ""), [])
        if earlier:
            people.append(self.people[earlier[0]["trainee_id"]])
        columns = [*people[0], "cohort_id", "applied_on"]
        rows = [",".join(columns)]
        for fields in people:
            applied_on = plan.starts_on - timedelta(days=self.rng.randint(5, 30))
            rows.append(",".join([*fields.values(), plan.cohort_id, applied_on.isoformat()]))
        report = self.post(
            "/v1/imports/trainees",
            plan.institute,
            content="\n".join(rows),
            headers={"content-type": "text/csv"},
        )
        if report["errors"]:
            raise RuntimeError(f"demo: onboarding {plan.cohort_id}: {report['errors'][:3]}")
        enrollments = []
        for made, fields in zip(report["trainees"], people, strict=True):
            self.people[made["trainee_id"]] = fields
            enrollments.append(
                {
                    "trainee_id": made["trainee_id"],
                    "enrollment_id": made["enrollment_id"],
                    "status": fields["status"],
                }
            )
        return enrollments

    def attendance(
        self,
        plan: CohortPlan,
        enrollments: list[dict[str, Any]],
        off: set[date],
        struggling: str | None,
        steady: set[str],
    ) -> set[str]:
        """Attendance on the training days up to TODAY (public holidays and the cohort's
        closed days left out); the ids of enrollments that dropped out."""
        rng = self.rng
        span = (min(plan.ends_on, TODAY) - plan.starts_on).days + 1
        days = [
            d
            for d in (plan.starts_on + timedelta(n) for n in range(span))
            if d.weekday() < 5 and d not in off
        ]
        rows = ["trainee_id,enrollment_id,day,status,check_in,check_out"]
        leavers: list[tuple[dict[str, Any], date]] = []
        for enrollment in enrollments:
            # Most attend well; about one in eight struggles; a few leave.
            p_absent = rng.choice([0.02] * 6 + [0.06] * 3 + [0.3])
            leaves_on = days[rng.randrange(15, len(days))] if rng.random() < 0.08 else None
            if enrollment["enrollment_id"] in steady:
                p_absent = 0.02
            if enrollment["enrollment_id"] in steady or enrollment["enrollment_id"] == struggling:
                leaves_on = None
            for n, day in enumerate(days):
                if leaves_on and day >= leaves_on:
                    leavers.append((enrollment, day))
                    break
                roll = rng.random()
                status = (
                    "absent"
                    if roll < p_absent or (enrollment["enrollment_id"] == struggling and n % 3 == 0)
                    else "excused"
                    if roll < p_absent + 0.01
                    else "late"
                    if roll < p_absent + 0.06
                    else "present"
                )
                times = {
                    "present": f"08:{rng.randint(30, 59)},18:0{rng.randint(0, 9)}",
                    "late": f"09:{rng.randint(10, 50)},18:05",
                }.get(status, ",")
                rows.append(
                    f"{enrollment['trainee_id']},{enrollment['enrollment_id']},{day},"
                    f"{status},{times}"
                )
        self.post(
            "/v1/imports/attendance",
            plan.institute,
            content="\n".join(rows),
            headers={"content-type": "text/csv"},
        )
        for enrollment, day in leavers:
            self.post(
                "/v1/drop-outs",
                plan.institute,
                json={
                    "trainee_id": enrollment["trainee_id"],
                    "enrollment_id": enrollment["enrollment_id"],
                    "dropped_on": day.isoformat(),
                    "reason": rng.choice(["employment_before_completion", "personal", "health"]),
                },
            )
        return {e["enrollment_id"] for e, _ in leavers}

    def finish(self, plan: CohortPlan, enrollments: list[dict[str, Any]]) -> None:
        """Completions and surveys; then the institute closes the cohort, so that whoever
        stayed below 80 % is not completed (미수료) rather than in training for ever."""
        completed = self.completers.setdefault(plan.cohort_id, [])
        for enrollment in enrollments:
            ids = {
                "trainee_id": enrollment["trainee_id"],
                "enrollment_id": enrollment["enrollment_id"],
            }
            response = self.http.post(
                "/v1/completions",
                headers={"X-API-Key": self.keys[plan.institute]},
                json={**ids, "completed_on": plan.ends_on.isoformat()},
            )
            if response.status_code != 200:
                continue
            completed.append(enrollment)
            self.post(
                "/v1/surveys",
                plan.institute,
                json={
                    **ids,
                    "score": max(40, min(100, round(self.rng.gauss(92, 7)))),
                    "submitted_on": plan.ends_on.isoformat(),
                },
            )
        closed = self.http.post(
            f"/v1/cohorts/{plan.cohort_id}/close", headers={"X-API-Key": self.keys[plan.institute]}
        )
        if closed.status_code == 200:
            log.info("demo: %s closed: %s", plan.cohort_id, closed.json())


def load_demo(credentials: dict[str, Any], *, seed: int = 2026) -> None:
    loader = Loader(credentials, random.Random(seed))
    probe = loader.http.get("/v1/institutes", headers=loader.operator)
    if probe.status_code == 200 and probe.json():
        log.info("demo data already loaded")
        return
    loader.catalogue()
    played = {plan.cohort_id: (plan, loader.cohort(plan)) for plan in plans()}
    lf_cohorts = [
        CohortPlan(
            institute,
            programme,
            f"{programme['programme_id']}-2026-2",
            date(2026, 9, 14),
            date(2026, 12, 11),
            12,
        )
        for institute, programme in learning_factory_programmes()
        if programme["field"] in ("스마트융합SW", "반도체")
    ]
    for plan in lf_cohorts:
        loader.cohort(plan)
    log.info(
        "demo data loaded: %d institutes, %d cohorts",
        len(INSTITUTES),
        len(plans()) + len(lf_cohorts),
    )
    from traintrack.demo.evaluation import play_evaluation

    play_evaluation(credentials, played, loader.rng)
    from traintrack.demo.matching import play_matching
    from traintrack.demo.outcomes import play_outcomes

    play_matching(credentials, loader.rng)
    play_outcomes(credentials, played, loader.rng)
