"""`python -m traintrack.outcomes api|worker`"""

from traintrack.outcomes.bootstrap import create_app
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.outcomes.worker import create_worker
from traintrack.platform.service import run

if __name__ == "__main__":
    run("outcomes", OutcomesSettings(), api=create_app, worker=create_worker)
