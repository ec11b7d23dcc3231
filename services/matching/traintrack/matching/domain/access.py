"""Who may see or act on what. Callers are (role, tenant) pairs: a firm, an institute or
an operator; tenants are the firm's or the institute's id. A refusal to a stranger is
told as "not found", never as "forbidden", so that it reveals nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["firm", "institute", "operator"]


@dataclass(frozen=True)
class Caller:
    role: Role
    tenant: str

    @property
    def firm(self) -> str | None:
        """The firm this caller acts for, if it is one."""
        return self.tenant if self.role == "firm" else None

    @property
    def institute(self) -> str | None:
        return self.tenant if self.role == "institute" else None


def may_see_candidate(caller: Caller, institute_id: str | None, shown_to_firm: bool) -> bool:
    """Operators see everyone; institutes their own trainees; a firm only a candidate it
    is being shown (consent, stage and disclosure: see `candidates.visible`)."""
    if caller.role == "operator":
        return True
    if caller.role == "institute":
        return institute_id == caller.tenant
    return shown_to_firm


def owns(caller: Caller, firm_id: str) -> bool:
    """A firm sees and acts on its own openings, subscriptions, webhooks and interns."""
    return caller.role == "firm" and firm_id == caller.tenant


def may_read_firm_record(caller: Caller, firm_id: str) -> bool:
    """Operators read every firm's records; a firm only its own."""
    return caller.role != "firm" or firm_id == caller.tenant


def speaks_for(caller: Caller, institute_id: str | None) -> bool:
    """An institute acts for its own trainees (trainees hold no keys)."""
    return caller.role == "institute" and institute_id == caller.tenant


def may_explain(caller: Caller, institute_id: str | None) -> bool:
    """Operators may ask about anyone's round; institutes about their own trainees."""
    return caller.role != "institute" or institute_id == caller.tenant
