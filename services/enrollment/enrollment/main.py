"""`python -m enrollment.main api`"""

from enrollment.bootstrap import create_app
from enrollment.settings import EnrollmentSettings
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("enrollment", EnrollmentSettings(), api=create_app)
