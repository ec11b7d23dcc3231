"""One function per command, each in one unit of work. Evidence, assessments, enrollment
facts and scheme moves end by re-deciding the enrollments they touch (`re_decide`)."""

from __future__ import annotations

from traintrack.evaluation import commands as c
from traintrack.evaluation.adapters.uow import EvaluationUnitOfWork as Uow
from traintrack.evaluation.handlers.credentials import reinstate_credential, revoke_credential
from traintrack.evaluation.handlers.evidence import (
    create_project,
    record_assessment,
    record_evidence,
)
from traintrack.evaluation.handlers.facts import (
    add_enrollment,
    end_enrollment,
    open_cohort,
    record_attendance,
    record_attendances,
)
from traintrack.evaluation.handlers.schemes import (
    assign_scheme,
    move_cohort_scheme,
    publish_scheme,
    ship_default_scheme,
)
from traintrack.platform.bus import Handler

HANDLERS: dict[type, Handler[Uow]] = {
    c.RecordEvidence: record_evidence,
    c.CreateProject: create_project,
    c.RecordAssessment: record_assessment,
    c.RevokeCredential: revoke_credential,
    c.ReinstateCredential: reinstate_credential,
    c.PublishScheme: publish_scheme,
    c.AssignScheme: assign_scheme,
    c.MoveCohortScheme: move_cohort_scheme,
    c.ShipDefaultScheme: ship_default_scheme,
    c.OpenCohort: open_cohort,
    c.AddEnrollment: add_enrollment,
    c.RecordAttendance: record_attendance,
    c.RecordAttendances: record_attendances,
    c.EndEnrollment: end_enrollment,
}
