"""`python -m traintrack.enrollment api|worker`"""

from traintrack.enrollment.bootstrap import create_app, create_worker
from traintrack.enrollment.settings import EnrollmentSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    run("enrollment", EnrollmentSettings(), api=create_app, worker=create_worker)
