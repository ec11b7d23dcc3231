"""`python -m outcomes.main api|worker`"""

from outcomes.bootstrap import create_app
from outcomes.settings import OutcomesSettings
from outcomes.worker import create_worker
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("outcomes", OutcomesSettings(), api=create_app, worker=create_worker)
