"""The matching unit of work in memory: each repository a few dicts behind the methods the
handlers call, so every handler runs without PostgreSQL. Rows are plain dicts with the
columns the real tables have."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from tests.utils.fakes import FakeUnitOfWork
from traintrack.matching.adapters.repository.candidates import ROUND_COLUMNS
from traintrack.matching.domain.access import Caller
from traintrack.matching.domain.candidates import Subscription
from traintrack.matching.domain.holdings import Course, Credential, Holdings

NOW = datetime(2026, 9, 1, tzinfo=UTC)


def candidate_row(trainee_id: str, **values: Any) -> dict[str, Any]:
    """A candidate as the table holds one: nothing known yet, unless `values` says."""
    return {
        "trainee_id": trainee_id,
        "institute_id": None,
        "region_code": None,
        "consent": False,
        "erased": False,
        "stage_reached": 0,
        "certified": False,
        "certifications": [],
        "lapsed": [],
        "skills": [],
        "fields": [],
        "field": None,
        "score": 0.0,
        "status": "in_training",
        "available_from": None,
        **values,
    }


class FakeCandidates:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.cohorts: dict[str, dict[str, Any]] = {}

    async def get(self, trainee_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        return self.rows.get(trainee_id)

    async def many(self, trainee_ids: list[str], *, lock: bool = False) -> list[dict[str, Any]]:
        return [self.rows[t] for t in sorted(trainee_ids) if t in self.rows]

    async def in_round(self, trainee_ids: list[str]) -> list[tuple[Any, ...]]:
        rows = await self.many(trainee_ids, lock=True)
        return [tuple(row[column] for column in ROUND_COLUMNS) for row in rows]

    async def pool_at(self, minimum_stage: int) -> list[dict[str, Any]]:
        return [
            r
            for r in self.rows.values()
            if r["consent"] and not r["erased"] and r["stage_reached"] >= minimum_stage
        ]

    async def listing(
        self, *, institute_id: str | None, minimum_stage: int, limit: int
    ) -> list[dict[str, Any]]:
        found = [
            r
            for r in self.rows.values()
            if institute_id in (None, r["institute_id"])
            and r["stage_reached"] >= minimum_stage
            and not r["erased"]
        ]
        return sorted(found, key=lambda r: (-r["stage_reached"], r["trainee_id"]))[:limit]

    async def upsert(self, trainee_id: str, **values: Any) -> None:
        self.rows.setdefault(trainee_id, candidate_row(trainee_id)).update(values)

    async def lock(self, trainee_id: str) -> None:
        self.rows.setdefault(trainee_id, candidate_row(trainee_id))

    async def set_holdings(self, trainee_id: str, held: Holdings) -> None:
        def shown(c: Credential, lapsed: bool) -> dict[str, Any]:
            plain = {"programme_id": c.programme_id, "credential_id": c.credential_id}
            return {**plain, "reason": c.reason} if lapsed else plain

        self.rows[trainee_id].update(
            stage_reached=held.stage_reached,
            certified=held.certified,
            certifications=[shown(c, False) for c in held.certifications],
            lapsed=[shown(c, True) for c in held.lapsed],
            skills=sorted(held.skills),
            fields=sorted(held.fields),
            field=held.field,
            score=held.score,
            status=held.status,
            available_from=held.available_from,
        )

    async def upsert_cohort(self, **cohort: Any) -> None:
        self.cohorts[cohort["cohort_id"]] = cohort


class FakeEnrollments:
    def __init__(self, candidates: FakeCandidates) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.credentials: dict[str, dict[str, Any]] = {}
        self._cohorts = candidates.cohorts
        self._order = itertools.count(1)

    async def ensure(self, *, trainee_id: str, enrollment_id: str, cohort_id: str | None) -> None:
        if enrollment_id not in self.rows:
            self.rows[enrollment_id] = {
                "trainee_id": trainee_id,
                "cohort_id": cohort_id,
                "order": next(self._order),
                "status": "in_training",
                "passed": set(),
                "rubric": {},
                "score": 0.0,
            }

    async def latest(self, trainee_id: str) -> str:
        mine = [(r["order"], e) for e, r in self.rows.items() if r["trainee_id"] == trainee_id]
        if mine:
            return max(mine)[1]
        await self.ensure(trainee_id=trainee_id, enrollment_id=f"v1:{trainee_id}", cohort_id=None)
        return f"v1:{trainee_id}"

    async def set_status(self, enrollment_id: str, status: str) -> None:
        self.rows[enrollment_id]["status"] = status

    async def set_stage(self, enrollment_id: str, stage: int, held: bool) -> None:
        passed = self.rows[enrollment_id]["passed"]
        passed.add(stage) if held else passed.discard(stage)

    async def record_rubric(self, enrollment_id: str, side: str, value: float) -> None:
        row = self.rows[enrollment_id]
        row["rubric"][side] = value
        row["score"] = sum(row["rubric"].values()) / len(row["rubric"])

    async def trainees_in(self, cohort_id: str) -> list[str]:
        return sorted({r["trainee_id"] for r in self.rows.values() if r["cohort_id"] == cohort_id})

    async def courses(self, trainee_id: str) -> list[Course]:
        found = []
        for enrollment_id, r in self.rows.items():
            if r["trainee_id"] != trainee_id:
                continue
            cohort = self._cohorts.get(r["cohort_id"], {})
            found.append(
                Course(
                    enrollment_id=enrollment_id,
                    order=r["order"],
                    programme_id=cohort.get("programme_id"),
                    field=cohort.get("field"),
                    skills=frozenset(cohort.get("skills", ())),
                    ends_on=cohort.get("ends_on"),
                    status=r["status"],
                    passed=frozenset(r["passed"]),
                    score=r["score"],
                    credentials=tuple(
                        Credential(
                            credential_id=k,
                            programme_id=c["programme_id"] or cohort.get("programme_id"),
                            scheme_version=c["scheme_version"],
                            revoked=c["revoked"],
                            basis_broken=c["basis_broken"],
                            reason=c["reason"],
                        )
                        for k, c in self.credentials.items()
                        if c["enrollment_id"] == enrollment_id
                    ),
                )
            )
        return sorted(found, key=lambda c: c.order)

    def _credential(self, credential_id: str, enrollment_id: str) -> dict[str, Any]:
        return self.credentials.setdefault(
            credential_id,
            {
                "enrollment_id": enrollment_id,
                "programme_id": None,
                "scheme_version": None,
                "revoked": False,
                "basis_broken": False,
                "cause": None,
                "reason": None,
            },
        )

    async def certify(self, *, credential_id: str, enrollment_id: str, **values: Any) -> None:
        credential = self._credential(credential_id, enrollment_id)
        credential.update(
            programme_id=values["programme_id"] or credential["programme_id"],
            scheme_version=values["scheme_version"],
        )

    async def revoke(
        self, *, credential_id: str, enrollment_id: str, cause: str | None, reason: str, **_: Any
    ) -> None:
        credential = self._credential(credential_id, enrollment_id)
        credential.update(revoked=True, cause=cause, reason=reason)

    async def reinstate(self, credential_id: str, enrollment_id: str) -> None:
        if credential_id in self.credentials:
            self.credentials[credential_id].update(
                revoked=False, basis_broken=False, cause=None, reason=None
            )

    async def break_basis(self, enrollment_id: str, stage: int) -> None:
        for c in self.credentials.values():
            if c["enrollment_id"] == enrollment_id and not c["revoked"] and not c["basis_broken"]:
                c.update(
                    basis_broken=True,
                    cause="basis_withdrawn",
                    reason=f"basis withdrawn: stage {stage} no longer held",
                )


class FakeFeed:
    """Disclosures by (firm, trainee), and each firm's feed as (kind, trainee, body)."""

    def __init__(self) -> None:
        self.disclosures: dict[tuple[str, str], dict[str, Any]] = {}
        self.entries_of: dict[str, list[dict[str, Any]]] = {}
        self.subscription_locks: list[str] = []

    def kinds(self, firm_id: str) -> list[tuple[str, str | None]]:
        return [(e["kind"], e["trainee_id"]) for e in self.entries_of.get(firm_id, [])]

    async def lock_subscriptions(self, *, exclusive: bool) -> None:
        self.subscription_locks.append("exclusive" if exclusive else "shared")

    async def disclosures_of(self, trainee_id: str) -> list[dict[str, Any]]:
        return [d for (_, t), d in sorted(self.disclosures.items()) if t == trainee_id]

    async def disclosure(self, firm_id: str, trainee_id: str) -> dict[str, Any] | None:
        return self.disclosures.get((firm_id, trainee_id))

    async def show(
        self,
        *,
        firm_id: str,
        trainee_id: str,
        stage: int,
        certified: bool,
        credentials: list[str],
        **why: Any,
    ) -> bool:
        found = self.disclosures.get((firm_id, trainee_id))
        if found is not None and found["shown"]:
            return False
        self.disclosures[firm_id, trainee_id] = {
            "firm_id": firm_id,
            "trainee_id": trainee_id,
            "shown": True,
            **why,
            "stage_shown": stage,
            "certified_shown": certified,
            "credentials_shown": credentials,
        }
        return True

    async def update_shown(
        self, firm_id: str, trainee_id: str, *, stage: int, certified: bool, credentials: list[str]
    ) -> None:
        self.disclosures[firm_id, trainee_id].update(
            stage_shown=stage, certified_shown=certified, credentials_shown=credentials
        )

    async def hide(self, firm_id: str, trainee_id: str) -> None:
        self.disclosures[firm_id, trainee_id]["shown"] = False

    async def lock_firm(self, firm_id: str) -> None:
        return None

    async def redact(self, firm_id: str, trainee_id: str, reason: str) -> None:
        for e in self.entries_of.get(firm_id, []):
            if e["trainee_id"] == trainee_id and e["kind"] in (
                "candidate-delivered",
                "candidate-updated",
            ):
                e["data"] = {"redacted": reason}

    async def append(self, firm_id: str, kind: str, trainee_id: str | None, body: Any) -> int:
        feed = self.entries_of.setdefault(firm_id, [])
        feed.append({"seq": len(feed) + 1, "kind": kind, "trainee_id": trainee_id, "data": body})
        return len(feed)

    async def append_across(self, items: list[tuple[str, str, str | None, Any]]) -> None:
        for firm_id, kind, trainee_id, body in items:
            await self.append(firm_id, kind, trainee_id, body)

    async def entries(self, firm_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        return [e for e in self.entries_of.get(firm_id, []) if e["seq"] > after][:limit]


class FakeFirms:
    def __init__(self, offers: FakeOffers) -> None:
        self.firms: dict[str, dict[str, Any]] = {}
        self.openings: dict[str, dict[str, Any]] = {}
        self.subscriptions_by_id: dict[str, Subscription] = {}
        self.cancelled: set[str] = set()
        self._offers = offers

    async def add_firm(self, firm_id: str, name: str, region_code: str) -> bool:
        if firm_id in self.firms:
            return False
        self.firms[firm_id] = {"firm_id": firm_id, "name": name, "region_code": region_code}
        return True

    async def get_firm(self, firm_id: str) -> dict[str, Any] | None:
        return self.firms.get(firm_id)

    async def add_opening(self, **opening: Any) -> bool:
        if opening["opening_id"] in self.openings:
            return False
        self.openings[opening["opening_id"]] = {**opening, "status": "open"}
        return True

    def _counted(self, row: dict[str, Any]) -> dict[str, Any]:
        statuses = [
            o["status"]
            for o in self._offers.offers.values()
            if o["opening_id"] == row["opening_id"]
        ]
        return {**row, "pending": statuses.count("pending"), "accepted": statuses.count("accepted")}

    async def get_opening(self, opening_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        row = self.openings.get(opening_id)
        return self._counted(row) if row else None

    async def lock_openings(self, opening_ids: list[str]) -> list[dict[str, Any]]:
        return [self._counted(self.openings[o]) for o in sorted(opening_ids) if o in self.openings]

    async def list_openings(self, *, firm_id: str | None, only_open: bool) -> list[dict[str, Any]]:
        return [
            self._counted(r)
            for _, r in sorted(self.openings.items())
            if firm_id in (None, r["firm_id"]) and (not only_open or r["status"] == "open")
        ]

    async def add_subscription(self, s: Subscription) -> bool:
        if s.subscription_id in self.subscriptions_by_id:
            return False
        self.subscriptions_by_id[s.subscription_id] = s
        return True

    async def subscriptions(self, *, firm_id: str | None = None) -> list[Subscription]:
        return [
            s
            for k, s in sorted(self.subscriptions_by_id.items())
            if k not in self.cancelled and firm_id in (None, s.firm_id)
        ]

    async def get_subscription(self, subscription_id: str) -> Subscription | None:
        if subscription_id in self.cancelled:
            return None
        return self.subscriptions_by_id.get(subscription_id)

    async def cancel_subscription(self, subscription_id: str) -> None:
        self.cancelled.add(subscription_id)


class FakeOffers:
    def __init__(self) -> None:
        self.offers: dict[str, dict[str, Any]] = {}
        self.internships: dict[str, dict[str, Any]] = {}
        self.openings: dict[str, dict[str, Any]] = {}  # the firms' (pending_of joins them)

    async def add_offer(self, **offer: Any) -> dict[str, Any]:
        row = {**offer, "status": "pending", "made_at": NOW, "settled_at": None}
        self.offers[offer["offer_id"]] = row
        return row

    async def add_offers(self, offers: list[dict[str, Any]]) -> None:
        for o in offers:
            self.offers[o["offer_id"]] = dict(o)

    async def get_offer(self, offer_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        return self.offers.get(offer_id)

    async def set_status(self, offer_id: str, status: str, at: datetime) -> dict[str, Any]:
        self.offers[offer_id].update(status=status, settled_at=at)
        return dict(self.offers[offer_id])

    async def holds_seat(self, opening_id: str, trainee_id: str) -> bool:
        return any(
            o["opening_id"] == opening_id
            and o["trainee_id"] == trainee_id
            and o["status"] in ("pending", "accepted")
            for o in self.offers.values()
        )

    async def pending_due(self, now: datetime) -> list[dict[str, Any]]:
        due = [
            o for o in self.offers.values() if o["status"] == "pending" and o["expires_at"] <= now
        ]
        return sorted(due, key=lambda o: o["expires_at"])

    async def pending_of(self, trainee_id: str) -> list[dict[str, Any]]:
        return [
            {**o, "minimum_stage": self.openings[o["opening_id"]]["minimum_stage"]}
            for _, o in sorted(self.offers.items())
            if o["trainee_id"] == trainee_id and o["status"] == "pending"
        ]

    async def add_internship(self, internship_id: str, offer: dict[str, Any]) -> None:
        self.internships[internship_id] = {
            "internship_id": internship_id,
            **{k: offer[k] for k in ("offer_id", "trainee_id", "firm_id", "opening_id")},
            "status": "agreed",
            "started_on": None,
            "completed_on": None,
            "converted": None,
        }

    async def get_internship(
        self, internship_id: str, *, lock: bool = False
    ) -> dict[str, Any] | None:
        return self.internships.get(internship_id)

    async def update_internship(
        self, internship_id: str, *, status: str, **dates: Any
    ) -> dict[str, Any]:
        row = self.internships[internship_id]
        row.update(status=status, **{k: v for k, v in dates.items() if v is not None})
        return dict(row)


class FakeRounds:
    def __init__(self, offers: FakeOffers) -> None:
        self.rounds: dict[str, dict[str, Any]] = {}
        self.candidate_prefs: dict[str, dict[str, list[str]]] = {}
        self.opening_prefs: dict[str, dict[str, list[str]]] = {}
        self.progress: dict[str, dict[str, Any]] = {}
        self._offers = offers

    async def add_round(
        self, *, round_id: str, proposing: str, offer_days: int, opening_ids: list[str]
    ) -> bool:
        if round_id in self.rounds:
            return False
        self.rounds[round_id] = {
            "round_id": round_id,
            "status": "open",
            "proposing": proposing,
            "offer_days": offer_days,
            "opening_ids": opening_ids,
            "game": None,
            "assignment": None,
            "result": None,
        }
        return True

    async def get_round(self, round_id: str, *, lock: str | None = None) -> dict[str, Any] | None:
        return self.rounds.get(round_id)

    async def set_candidate_preferences(
        self, round_id: str, trainee_id: str, opening_ids: list[str]
    ) -> None:
        self.candidate_prefs.setdefault(round_id, {})[trainee_id] = opening_ids

    async def set_opening_preferences(
        self, round_id: str, opening_id: str, trainee_ids: list[str]
    ) -> None:
        self.opening_prefs.setdefault(round_id, {})[opening_id] = trainee_ids

    async def candidate_preferences(self, round_id: str) -> dict[str, list[str]]:
        return dict(self.candidate_prefs.get(round_id, {}))

    async def opening_preferences(self, round_id: str) -> dict[str, list[str]]:
        return dict(self.opening_prefs.get(round_id, {}))

    async def applicants(self, round_id: str, opening_id: str) -> list[str]:
        return sorted(
            t for t, prefs in self.candidate_prefs.get(round_id, {}).items() if opening_id in prefs
        )

    async def placed_trainees(self) -> set[str]:
        return {
            o["trainee_id"]
            for o in self._offers.offers.values()
            if o["status"] in ("pending", "accepted")
        }

    async def public(self, round_id: str) -> dict[str, Any] | None:
        row = self.rounds.get(round_id)
        if row is None:
            return None
        shown = {k: v for k, v in row.items() if k not in ("game", "assignment")}
        return shown | {"progress": self.progress.get(round_id)}

    async def pairs(self, round_id: str) -> int:
        return sum(len(prefs) for prefs in self.candidate_prefs.get(round_id, {}).values())

    async def queue(self, round_id: str, *, pairs: int, steps: int) -> None:
        self.rounds[round_id]["status"] = "solving"
        await self.set_progress(round_id, "queued", step=0, steps=steps, pairs=pairs)

    async def next_queued(self) -> dict[str, Any] | None:
        return next((r for r in self.rounds.values() if r["status"] == "solving"), None)

    async def set_progress(
        self,
        round_id: str,
        phase: str,
        *,
        step: int,
        steps: int,
        pairs: int | None = None,
        error: str | None = None,
    ) -> None:
        before = self.progress.get(round_id, {"pairs": 0, "attempts": 0})
        self.progress[round_id] = {
            "phase": phase,
            "step": step,
            "steps": steps,
            "pairs": before["pairs"] if pairs is None else pairs,
            "attempts": before["attempts"] + (error is not None),
            "error": error,
        }

    async def complete(
        self,
        round_id: str,
        game: dict[str, Any],
        assignment: dict[str, Any],
        result: dict[str, Any],
    ) -> None:
        self.rounds[round_id].update(
            status="completed", game=game, assignment=assignment, result=result
        )


class FakeWebhooks:
    def __init__(self) -> None:
        self.hooks: dict[str, dict[str, Any]] = {}
        self.attempts: list[dict[str, Any]] = []
        self.due: list[str] = []  # what claim_due leases next

    async def add(
        self, *, webhook_id: str, firm_id: str, url: str, secret: str, after: int
    ) -> None:
        self.hooks[webhook_id] = {
            "webhook_id": webhook_id,
            "firm_id": firm_id,
            "url": url,
            "secret": secret,
            "previous_secret": None,
            "previous_until": None,
            "delivered_seq": after,
            "active": True,
            "failures": 0,
            "lease_until": None,
        }

    async def get(self, webhook_id: str) -> dict[str, Any] | None:
        return self.hooks.get(webhook_id)

    async def rotate(self, webhook_id: str, secret: str, previous_until: datetime) -> None:
        hook = self.hooks[webhook_id]
        hook.update(previous_secret=hook["secret"], secret=secret, previous_until=previous_until)

    async def deactivate(self, webhook_id: str) -> None:
        self.hooks[webhook_id]["active"] = False

    async def claim_due(self, limit: int) -> list[dict[str, Any]]:
        claimed = [self.hooks[w] for w in self.due[:limit]]
        for hook in claimed:
            hook["lease_until"] = NOW
        return claimed

    async def record_attempt(self, **attempt: Any) -> None:
        self.attempts.append(attempt)


class FakeMatchingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.candidates = FakeCandidates()
        self.enrollments = FakeEnrollments(self.candidates)
        self.feed = FakeFeed()
        self.offers = FakeOffers()
        self.firms = FakeFirms(self.offers)
        self.offers.openings = self.firms.openings
        self.rounds = FakeRounds(self.offers)
        self.webhooks = FakeWebhooks()
        self.reported: list[tuple[str, str, str | None]] = []  # (round, phase, error)

    async def report_progress(
        self, round_id: str, phase: str, *, step: int, steps: int, error: str | None = None
    ) -> None:
        """Outside the transaction: kept whether or not the unit of work commits."""
        self.reported.append((round_id, phase, error))
        await self.rounds.set_progress(round_id, phase, step=step, steps=steps, error=error)


# --- a small world to act in -------------------------------------------------------------

FIRM = Caller("firm", "firm-a")
OTHER_FIRM = Caller("firm", "firm-b")
INSTITUTE = Caller("institute", "inst-1")
OTHER_INSTITUTE = Caller("institute", "inst-2")
OPERATOR = Caller("operator", "ops")


def with_firm(uow: FakeMatchingUnitOfWork, firm_id: str = "firm-a") -> None:
    uow.firms.firms[firm_id] = {"firm_id": firm_id, "name": firm_id.upper(), "region_code": "30"}


def with_opening(
    uow: FakeMatchingUnitOfWork,
    opening_id: str = "op-1",
    *,
    firm_id: str = "firm-a",
    seats: int = 1,
    minimum_stage: int = 3,
    skills: tuple[str, ...] = ("python",),
) -> None:
    with_firm(uow, firm_id)
    uow.firms.openings[opening_id] = {
        "opening_id": opening_id,
        "firm_id": firm_id,
        "title": "intern",
        "skills": list(skills),
        "region_code": "30",
        "seats": seats,
        "minimum_stage": minimum_stage,
        "status": "open",
    }


def with_candidate(
    uow: FakeMatchingUnitOfWork, trainee_id: str, *, stage: int = 3, **values: Any
) -> dict[str, Any]:
    """A consenting candidate of institute inst-1 at `stage`, in region 30, knowing python."""
    defaults = {"institute_id": "inst-1", "region_code": "30", "consent": True}
    row = candidate_row(
        trainee_id, **{**defaults, "stage_reached": stage, "skills": ["python"], **values}
    )
    uow.candidates.rows[trainee_id] = row
    return row


def shown_to(uow: FakeMatchingUnitOfWork, firm_id: str, trainee_id: str, **values: Any) -> None:
    """The firm is being shown the candidate, as they were at `stage_shown`."""
    uow.feed.disclosures[firm_id, trainee_id] = {
        "firm_id": firm_id,
        "trainee_id": trainee_id,
        "shown": True,
        "minimum_stage": 2,
        "reason": "subscription",
        "subscription_id": None,
        "stage_shown": uow.candidates.rows[trainee_id]["stage_reached"],
        "certified_shown": False,
        "credentials_shown": [],
        **values,
    }
