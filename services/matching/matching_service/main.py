"""`python -m matching_service.main api|worker`"""

from matching_service.bootstrap import create_app
from matching_service.settings import MatchingSettings
from matching_service.worker import create_worker
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("matching", MatchingSettings(), api=create_app, worker=create_worker)
