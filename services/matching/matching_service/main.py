"""`python -m matching_service.main api`"""

from matching_service.bootstrap import create_app
from matching_service.settings import MatchingSettings
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("matching", MatchingSettings(), api=create_app)
