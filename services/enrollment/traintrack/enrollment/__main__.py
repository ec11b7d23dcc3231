"""`python -m traintrack.enrollment api|worker`"""

from traintrack.enrollment.bootstrap import create_app
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.enrollment.worker import create_worker
from traintrack.platform.service import run

if __name__ == "__main__":
    run("enrollment", EnrollmentSettings(), api=create_app, worker=create_worker)
