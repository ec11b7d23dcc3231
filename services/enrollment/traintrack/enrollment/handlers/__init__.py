"""One function per command, `verb_noun(command, uow)`: the domain decides, the
repositories keep the state, `uow.emit` queues the events; the bus commits them together.

Who may touch what is decided here (and in domain.actors): another institute's trainee,
cohort or enrollment is not found, exactly as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from traintrack.enrollment.commands import (
    AdmitEnrollment,
    ApplyEnrollment,
    ChangeConsent,
    CloseCohort,
    CloseDueEnrollments,
    CompleteEnrollment,
    CreateInstitute,
    DefineProgramme,
    DropEnrollment,
    EraseTrainee,
    ImportAttendance,
    ImportTrainees,
    OpenCohort,
    RecordAttendance,
    RegisterTrainee,
    SubmitSurvey,
)
from traintrack.enrollment.handlers.attendance import record_attendance
from traintrack.enrollment.handlers.catalogue import create_institute, define_programme, open_cohort
from traintrack.enrollment.handlers.closing import close_cohort, close_due_enrollments
from traintrack.enrollment.handlers.enrollments import (
    admit_enrollment,
    apply_enrollment,
    complete_enrollment,
    drop_enrollment,
    submit_survey,
)
from traintrack.enrollment.handlers.imports import import_attendance, import_trainees
from traintrack.enrollment.handlers.trainees import (
    change_consent,
    erase_trainee,
    register_trainee,
)

Handler = Callable[..., Awaitable[Any]]

HANDLERS: dict[type, Handler] = {
    CreateInstitute: create_institute,
    DefineProgramme: define_programme,
    OpenCohort: open_cohort,
    CloseCohort: close_cohort,
    RegisterTrainee: register_trainee,
    ChangeConsent: change_consent,
    EraseTrainee: erase_trainee,
    ApplyEnrollment: apply_enrollment,
    AdmitEnrollment: admit_enrollment,
    CompleteEnrollment: complete_enrollment,
    DropEnrollment: drop_enrollment,
    SubmitSurvey: submit_survey,
    RecordAttendance: record_attendance,
    CloseDueEnrollments: close_due_enrollments,
    ImportTrainees: import_trainees,
    ImportAttendance: import_attendance,
}
