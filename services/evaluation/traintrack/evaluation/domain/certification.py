"""When an enrollment's credential is issued, revoked or may be reinstated.

A credential belongs to one enrollment. Passing every stage issues one, unless the
enrollment's latest credential is active already or was revoked by hand: a manual
revocation is final until an operator reinstates it. When the basis of an active
credential no longer holds, it is revoked with the failing stage named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from traintrack.evaluation.domain.decisions import StageDecision, Status
from traintrack.platform.errors import Conflict

Cause = Literal["manual", "basis_withdrawn"]


@dataclass(frozen=True)
class CredentialState:
    """The enrollment's latest credential."""

    credential_id: str
    revoked_cause: Cause | None = None  # None while active


@dataclass(frozen=True)
class Credential:
    """A credential as stored: whose enrollment, and whether, why and when it was revoked."""

    credential_id: str
    enrollment_id: str | None
    revoked_at: datetime | None = None
    revocation_cause: Cause | None = None
    revocation_reason: str | None = None

    @property
    def state(self) -> CredentialState:
        return CredentialState(
            self.credential_id, self.revocation_cause if self.revoked_at is not None else None
        )


@dataclass(frozen=True)
class Issued:
    """A credential issued for an enrollment, signed (`jwt`) under a scheme version, with
    its revocation bit: index `status_index` of status list `status_list`."""

    credential_id: str
    trainee_id: str
    enrollment_id: str
    programme_id: str
    scheme_id: str
    scheme_version: int
    jwt: str
    issued_at: datetime
    valid_until: datetime
    status_list: int
    status_index: int


@dataclass(frozen=True)
class Issue:
    pass


@dataclass(frozen=True)
class RevokeForBasis:
    credential_id: str
    reason: str


def certified(decisions: Sequence[StageDecision]) -> bool:
    return bool(decisions) and all(d.status is Status.PASSED for d in decisions)


def basis_reason(decisions: Sequence[StageDecision]) -> str:
    failing = next(d for d in decisions if d.status is not Status.PASSED)
    return f"basis withdrawn: stage {failing.stage} is {failing.status.value}"


def certification_step(
    decisions: Sequence[StageDecision], latest: CredentialState | None
) -> Issue | RevokeForBasis | None:
    if latest is not None and latest.revoked_cause == "manual":
        return None  # final until an operator reinstates it
    active = latest is not None and latest.revoked_cause is None
    if certified(decisions) and not active:
        return Issue()
    if not certified(decisions) and active and latest is not None:
        return RevokeForBasis(latest.credential_id, basis_reason(decisions))
    return None


def check_reinstatement(
    credential: CredentialState, latest_id: str, decisions: Sequence[StageDecision]
) -> None:
    """Only the enrollment's latest credential, revoked by hand, with its basis holding."""
    if credential.revoked_cause != "manual":
        state = "active" if credential.revoked_cause is None else "revoked as its basis broke"
        raise Conflict(f"credential {credential.credential_id} is {state}: nothing to reinstate")
    if credential.credential_id != latest_id:
        raise Conflict(f"a later credential {latest_id} replaced {credential.credential_id}")
    if not certified(decisions):
        raise Conflict(f"cannot reinstate: {basis_reason(decisions)}")
