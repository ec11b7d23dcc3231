"""`python -m enrollment.main api|worker`"""

from enrollment.bootstrap import create_app
from enrollment.settings import EnrollmentSettings
from enrollment.worker import create_worker
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("enrollment", EnrollmentSettings(), api=create_app, worker=create_worker)
