"""Programme data at any scale from a seed, driven through the platform's own doors.

A plan (pure, deterministic for a seed): institutes in several regions, two programmes
each, cohorts of two training weeks, and journeys — a trainee registered and enrolled
over HTTP, ten days of attendance and the completion (or a drop-out) over the institute
Kafka topic, signed with the institute's key, and for most completers an outcome report
over HTTP. The driver plays journeys concurrently the way a careful client would: every
HTTP create carries an Idempotency-Key and every Kafka submission keeps its event id, so
whatever fails (a timeout, a refused connection, a broker away) is sent again until it is
accepted. The ledger records what was accepted; `bench.ledger` checks the stores
against it.

    .venv/bin/python -m bench.loadgen --journeys 2000 --seed 7    # against `make up`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka.errors import KafkaError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential_jitter

from traintrack.contracts.submissions import (
    CompleteEnrollment,
    DropEnrollment,
    RecordAttendance,
    Submission,
)
from traintrack.institute.sdk import signed_record
from traintrack.platform.messaging.connection import KafkaConnection
from traintrack.platform.messaging.outbox import new_producer
from traintrack.platform.messaging.signatures import load_master, signing_secret
from traintrack.platform.web.auth import Role, add_key

REGIONS = ["11", "26", "27", "28", "29", "30", "41", "44", "47", "51"]
FIELDS = ["AI", "data", "cloud", "web", "security", "semiconductor"]
COHORT_STARTS = [date(2026, 4, 6), date(2026, 4, 13)]  # two weeks each, no public holiday
APPLIED_ON = date(2026, 3, 20)
JOURNEYS_PER_INSTITUTE = 2_000
GIVE_UP_AFTER = 900.0  # seconds a single call may keep failing before the run fails


# ------------------------------------------------------------------ the plan (pure)


@dataclass(frozen=True)
class Journey:
    n: int
    institute: str
    cohort: str
    trainee: dict[str, Any]
    attendance: list[tuple[date, str]]
    ending: tuple[str, date, str | None]  # ("completed" | "dropped", on, drop reason)
    report: dict[str, Any] | None


@dataclass(frozen=True)
class Plan:
    seed: int
    run: str
    institutes: list[dict[str, Any]]
    programmes: list[dict[str, Any]]
    cohorts: list[dict[str, Any]]
    journeys: list[Journey]


def weekdays(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(1)
    return days


def _attendance_rate(statuses: list[str]) -> float:
    """As DOMAIN.md counts it: every third late arrival costs a day; excused days don't count."""
    late = statuses.count("late")
    attended = statuses.count("present") + late - late // 3
    countable = len(statuses) - statuses.count("excused")
    return attended / countable if countable else 1.0


def _day_status(rng: random.Random) -> str:
    return rng.choices(["present", "late", "absent", "excused"], [88, 6, 4, 2])[0]


def _report(rng: random.Random, ends_on: date) -> dict[str, Any] | None:
    kind = rng.choices(
        ["employed", "employed_uninsured", "further_study", "not_employed", None],
        [55, 8, 7, 15, 15],
    )[0]
    if kind is None:
        return None
    starts_on = (ends_on + timedelta(rng.randint(10, 120))).isoformat()
    if kind.startswith("employed"):
        return {
            "kind": "employed",
            "starts_on": starts_on,
            "employer": rng.choice(["클라우드나인", "한빛데이터", "대덕AI랩", "부산소프트"]),
            "insured": kind == "employed",
            "employment_type": rng.choice(["permanent", "fixed_term"]),
            "monthly_earnings": rng.randrange(2_200_000, 4_500_000, 10_000),
        }
    return {"kind": kind, "starts_on": starts_on}


def _journey(rng: random.Random, n: int, cohort: dict[str, Any]) -> Journey:
    days = weekdays(date.fromisoformat(cohort["starts_on"]), 10)
    statuses = [_day_status(rng) for _ in days]
    quits = rng.random() < 0.06
    ending: tuple[str, date, str | None]
    if quits:
        kept = rng.randint(1, 9)
        attendance = list(zip(days[:kept], statuses[:kept], strict=True))
        ending = ("dropped", days[kept - 1], rng.choice(["personal", "health", "other"]))
    elif _attendance_rate(statuses) < 0.8:
        attendance = list(zip(days, statuses, strict=True))
        ending = ("dropped", days[-1], "attendance")
    else:
        attendance = list(zip(days, statuses, strict=True))
        ending = ("completed", days[-1], None)
    trainee = {
        "birth_year": rng.randint(1975, 2006),
        "region_code": cohort["region_code"],
        "status": rng.choices(["job_seeker", "employed_worker", "resident"], [80, 12, 8])[0],
        "consent_share_with_firms": rng.random() < 0.8,
        "name": f"부하{n:06d}",
    }
    report = _report(rng, days[-1]) if ending[0] == "completed" else None
    return Journey(
        n, cohort["institute_id"], cohort["cohort_id"], trainee, attendance, ending, report
    )


def make_plan(seed: int, journeys: int, run: str | None = None) -> Plan:
    """Everything the run will send; the same seed and size give the same plan."""
    rng = random.Random(seed)
    run = run or f"lg{seed}"
    count = max(1, -(-journeys // JOURNEYS_PER_INSTITUTE))
    institutes = [
        {
            "institute_id": f"{run}-inst-{i}",
            "name": f"부하시험 교육기관 {i}",
            "region_code": REGIONS[i % len(REGIONS)],
        }
        for i in range(count)
    ]
    programmes, cohorts = [], []
    for institute in institutes:
        for p in range(2):
            programme = {
                "programme_id": f"{institute['institute_id']}-p{p}",
                "name": f"디지털 실무 과정 {p}",
                "track": rng.choice(["k_digital_training", "k_digital_credit"]),
                "field": rng.choice(FIELDS),
                "hours": 80,
                "capacity": JOURNEYS_PER_INSTITUTE,
                "project_work_share": 0.3,
                "_institute": institute["institute_id"],
            }
            programmes.append(programme)
            for starts_on in COHORT_STARTS:
                cohorts.append(
                    {
                        "cohort_id": f"{programme['programme_id']}-{starts_on:%m%d}",
                        "programme_id": programme["programme_id"],
                        "starts_on": starts_on.isoformat(),
                        "ends_on": weekdays(starts_on, 10)[-1].isoformat(),
                        "institute_id": institute["institute_id"],
                        "region_code": institute["region_code"],
                    }
                )
    plan_journeys = [_journey(rng, n, cohorts[n % len(cohorts)]) for n in range(journeys)]
    return Plan(seed, run, institutes, programmes, cohorts, plan_journeys)


# ------------------------------------------------------------------ the ledger


@dataclass
class Entry:
    """What the platform accepted for one journey."""

    n: int
    institute: str
    trainee_id: str = ""
    enrollment_id: str = ""
    attendance: list[str] = field(default_factory=list)  # days
    ending: str = ""  # completed | dropped
    report_id: str | None = None


@dataclass
class Ledger:
    seed: int
    run: str
    entries: dict[int, Entry] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)

    def retried(self, what: str) -> None:
        self.retries[what] = self.retries.get(what, 0) + 1

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "seed": self.seed,
            "run": self.run,
            "retries": self.retries,
            "entries": [asdict(e) for e in self.entries.values()],
        }
        path.write_text(json.dumps(data))

    @classmethod
    def load(cls, path: Path) -> Ledger:
        data = json.loads(path.read_text())
        ledger = cls(data["seed"], data["run"], retries=data["retries"])
        ledger.entries = {e["n"]: Entry(**e) for e in data["entries"]}
        return ledger


# ------------------------------------------------------------------ the driver


class Unsettled(Exception):
    """The platform could not take it yet (5xx, 429, not known there yet): ask again."""


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, (Unsettled, httpx.TransportError, KafkaError, OSError, TimeoutError))


@dataclass
class Doors:
    enrollment: str
    outcomes: str
    bootstrap: str
    operator_key: str
    signing_master: Path  # the enrollment service's: institutes' signing secrets derive from it


class Driver:
    def __init__(self, doors: Doors, plan: Plan, keys: dict[str, str], concurrency: int = 24):
        self.doors, self.plan, self.keys = doors, plan, keys
        self._master = load_master(doors.signing_master, create=False)
        self.ledger = Ledger(plan.seed, plan.run)
        self._slots = asyncio.Semaphore(concurrency)
        self._producer = new_producer(
            KafkaConnection.plaintext(doors.bootstrap), request_timeout_ms=10_000
        )
        self._http: dict[str, httpx.AsyncClient] = {}
        self.sent_events = 0

    async def __aenter__(self) -> Driver:
        await self._producer.start()
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        for name, url in (("enrollment", self.doors.enrollment), ("outcomes", self.doors.outcomes)):
            self._http[name] = httpx.AsyncClient(base_url=url, timeout=20, limits=limits)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._producer.stop()
        for client in self._http.values():
            await client.aclose()

    async def _again(self, what: str, act: Callable[[], Awaitable[Any]]) -> Any:
        retrying = AsyncRetrying(
            retry=retry_if_exception(_worth_retrying),
            wait=wait_exponential_jitter(multiplier=0.2, max=5),
            stop=stop_after_delay(GIVE_UP_AFTER),
            before_sleep=lambda _: self.ledger.retried(what),
            reraise=True,
        )
        return await retrying(act)

    async def post(
        self,
        service: str,
        path: str,
        key: str,
        body: dict[str, Any],
        *,
        idem: str | None = None,
        pending: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """POST until answered; `pending`: statuses meaning "not yet" (asked again)."""
        headers = {"X-API-Key": key} | ({"Idempotency-Key": idem} if idem else {})

        async def once() -> dict[str, Any]:
            response = await self._http[service].post(path, json=body, headers=headers)
            if response.status_code >= 500 or response.status_code in (429, *pending):
                raise Unsettled(f"{path}: {response.status_code}")
            if response.status_code >= 400 and not (response.status_code == 409 and not idem):
                raise RuntimeError(f"{path} refused {body}: {response.text}")
            return dict(response.json())

        return dict(await self._again(f"POST {path}", once))

    async def submit(self, key: str, submissions: list[Submission]) -> None:
        """Onto the institute topic until acknowledged, each under one event id throughout."""
        secret = signing_secret(self._master, key.split("_", 2)[1])
        records = [
            (s.topic.name, signed_record(s, secret, event_id=str(uuid.uuid4())))
            for s in submissions
        ]

        async def once() -> None:
            sent = [
                await self._producer.send(topic, r.value, key=r.key, headers=r.headers)
                for topic, r in records
            ]
            await asyncio.gather(*sent)

        await self._again("kafka send", once)
        self.sent_events += len(records)

    # -------------------------------------------------------------- phases

    async def set_up(self) -> None:
        op = self.doors.operator_key
        for institute in self.plan.institutes:
            await self.post("enrollment", "/v1/institutes", op, institute)
        for programme in self.plan.programmes:
            body = {k: v for k, v in programme.items() if not k.startswith("_")}
            await self.post(
                "enrollment", "/v1/programmes", self.keys[programme["_institute"]], body
            )
        for cohort in self.plan.cohorts:
            body = {k: cohort[k] for k in ("cohort_id", "programme_id", "starts_on", "ends_on")}
            await self.post("enrollment", "/v1/cohorts", self.keys[cohort["institute_id"]], body)

    async def journey(self, journey: Journey) -> None:
        async with self._slots:
            key, run = self.keys[journey.institute], self.plan.run
            entry = Entry(journey.n, journey.institute)
            trainee = await self.post(
                "enrollment", "/v1/trainees", key, journey.trainee, idem=f"{run}-t{journey.n}"
            )
            entry.trainee_id = trainee["trainee_id"]
            enrollment = await self.post(
                "enrollment",
                "/v1/enrollments",
                key,
                {
                    "trainee_id": entry.trainee_id,
                    "cohort_id": journey.cohort,
                    "applied_on": APPLIED_ON.isoformat(),
                },
                idem=f"{run}-e{journey.n}",
            )
            entry.enrollment_id = enrollment["enrollment_id"]
            self.ledger.entries[journey.n] = entry
            ids = {"trainee_id": entry.trainee_id, "enrollment_id": entry.enrollment_id}
            await self.submit(
                key,
                [
                    RecordAttendance.model_validate(
                        {
                            **ids,
                            "day": day,
                            "status": status,
                            "check_in": "09:00" if status in ("present", "late") else None,
                        }
                    )
                    for day, status in journey.attendance
                ],
            )
            entry.attendance = [day.isoformat() for day, _ in journey.attendance]
            # Only once the days are acknowledged: the completion must follow them.
            kind, on, reason = journey.ending
            ending: Submission = (
                CompleteEnrollment.model_validate({**ids, "completed_on": on})
                if kind == "completed"
                else DropEnrollment.model_validate({**ids, "dropped_on": on, "reason": reason})
            )
            await self.submit(key, [ending])
            entry.ending = kind

    async def report(self, journey: Journey) -> None:
        """Outcome reports come after the course; the outcomes service learns of the
        trainee from the enrollment topic, so until then it answers 404: ask again."""
        if journey.report is None:
            return
        async with self._slots:
            entry = self.ledger.entries[journey.n]
            answer = await self.post(
                "outcomes",
                "/v1/outcome-reports",
                self.keys[journey.institute],
                {"trainee_id": entry.trainee_id, **journey.report},
                idem=f"{self.plan.run}-r{journey.n}",
                pending=(404,),
            )
            entry.report_id = answer["report_id"]

    async def run(self, progress: Callable[[str], None] = lambda _: None) -> Ledger:
        started = time.perf_counter()
        await self.set_up()
        await _all(self.journey, self.plan.journeys, "journeys", progress)
        await _all(self.report, self.plan.journeys, "outcome reports", progress)
        progress(f"driven in {time.perf_counter() - started:.0f} s")
        return self.ledger


async def _all(
    act: Callable[[Journey], Awaitable[None]],
    journeys: list[Journey],
    what: str,
    progress: Callable[[str], None],
) -> None:
    done = 0
    step = max(1, len(journeys) // 10)

    async def one(journey: Journey) -> None:
        nonlocal done
        await act(journey)
        done += 1
        if done % step == 0:
            progress(f"{what}: {done:,}/{len(journeys):,}")

    await asyncio.gather(*(one(j) for j in journeys))


def issue_keys(keyring: Path, plan: Plan) -> dict[str, str]:
    """An institute key per planned institute, added to the keyring the services read."""
    return {
        i["institute_id"]: add_key(keyring, Role.INSTITUTE, i["institute_id"])[0]
        for i in plan.institutes
    }


# ------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--run", help="id prefix (default: lg<seed>-<random>)")
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--ledger", type=Path, default=Path("test-artifacts/loadgen-ledger.json"))
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    credentials = json.loads((root / ".run/credentials.json").read_text())
    plan = make_plan(args.seed, args.journeys, args.run or f"lg{args.seed}-{uuid.uuid4().hex[:4]}")
    keys = issue_keys(root / ".run/keyring.json", plan)
    doors = Doors(
        "http://127.0.0.1:8001",
        "http://127.0.0.1:8004",
        "127.0.0.1:9092",
        credentials["operator"]["key"],
        root / ".run/submission-signing-master",
    )

    async def drive() -> Ledger:
        async with Driver(doors, plan, keys, args.concurrency) as driver:
            return await driver.run(lambda line: print(line, flush=True))

    ledger = asyncio.run(drive())
    ledger.save(args.ledger)
    print(f"ledger: {args.ledger} ({len(ledger.entries):,} journeys; retries {ledger.retries})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
