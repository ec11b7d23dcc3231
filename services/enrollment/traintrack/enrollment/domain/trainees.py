"""Trainees: what may be registered, and their consent to be shown to partner firms."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from traintrack.contracts.vocabulary import REGIONS, RegionCode, TraineeStatus
from traintrack.platform.errors import Conflict, Rejected

YOUNGEST_TRAINEE_AGE = 15
OLDEST_BIRTH_YEAR = 1930


@dataclass(frozen=True)
class PersonalDetails:
    """Kept only in the enrollment store; never on Kafka."""

    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Person:
    """What an institute tells about someone it registers (its field names are part of a
    bulk import's fingerprint: see onboarding.fingerprint)."""

    birth_year: int
    region_code: str
    status: str
    consent_share_with_firms: bool
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Trainee:
    trainee_id: str
    institute_id: str
    birth_year: int
    region_code: RegionCode
    status: TraineeStatus
    consent_share_with_firms: bool
    registered_at: datetime
    personal: PersonalDetails
    erased: bool = False


def register_trainee(
    *,
    trainee_id: str,
    institute_id: str,
    birth_year: int,
    region_code: str,
    status: str,
    consent_share_with_firms: bool,
    personal: PersonalDetails,
    now: datetime,
) -> Trainee:
    if not OLDEST_BIRTH_YEAR <= birth_year <= now.year - YOUNGEST_TRAINEE_AGE:
        raise Rejected(
            f"birth year must lie between {OLDEST_BIRTH_YEAR} and "
            f"{now.year - YOUNGEST_TRAINEE_AGE}",
            field="birth_year",
        )
    if region_code not in REGIONS:
        raise Rejected(f"unknown region code {region_code!r}", field="region_code")
    if status not in set(TraineeStatus):
        raise Rejected(f"unknown trainee status {status!r}", field="status")
    if not personal.name.strip():
        raise Rejected("name must not be blank", field="name")
    return Trainee(
        trainee_id,
        institute_id,
        birth_year,
        RegionCode(region_code),
        TraineeStatus(status),
        consent_share_with_firms,
        now,
        personal,
    )


def register_person(
    person: Person, *, trainee_id: str, institute_id: str, now: datetime
) -> Trainee:
    return register_trainee(
        trainee_id=trainee_id,
        institute_id=institute_id,
        birth_year=person.birth_year,
        region_code=person.region_code,
        status=person.status,
        consent_share_with_firms=person.consent_share_with_firms,
        personal=PersonalDetails(person.name, person.email, person.phone),
        now=now,
    )


def change_consent(trainee: Trainee, *, share_with_firms: bool) -> Trainee | None:
    """The trainee with the new consent, or None when nothing changes. Nobody gives
    consent for an erased person: erasure took it, with their details."""
    if trainee.consent_share_with_firms == share_with_firms:
        return None
    if trainee.erased:
        raise Conflict(
            f"trainee {trainee.trainee_id} was erased: no consent can be given",
            field="share_with_firms",
        )
    return replace(trainee, consent_share_with_firms=share_with_firms)
