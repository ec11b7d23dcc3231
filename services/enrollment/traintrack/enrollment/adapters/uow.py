"""The enrollment service's unit of work: its repositories on one transaction."""

from __future__ import annotations

from traintrack.enrollment.adapters.attendance import AttendanceRepository
from traintrack.enrollment.adapters.catalogue import CatalogueRepository
from traintrack.enrollment.adapters.enrollments import EnrollmentRepository
from traintrack.enrollment.adapters.mapping import SOURCE
from traintrack.enrollment.adapters.trainees import TraineeRepository
from traintrack.platform.db import Connection
from traintrack.platform.db.uow import PostgresUnitOfWork


class EnrollmentUnitOfWork(PostgresUnitOfWork):
    source = SOURCE
    catalogue: CatalogueRepository
    trainees: TraineeRepository
    enrollments: EnrollmentRepository
    attendance: AttendanceRepository

    def bind(self, connection: Connection) -> None:
        self.catalogue = CatalogueRepository(connection)
        self.trainees = TraineeRepository(connection)
        self.enrollments = EnrollmentRepository(connection)
        self.attendance = AttendanceRepository(connection)
