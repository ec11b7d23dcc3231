"""`python -m matching.main api`"""

from matching.bootstrap import create_app
from matching.settings import MatchingSettings
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("matching", MatchingSettings(), api=create_app)
