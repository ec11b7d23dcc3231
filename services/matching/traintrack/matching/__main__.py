"""`python -m traintrack.matching api|worker`"""

from traintrack.matching.bootstrap import create_app, create_worker
from traintrack.matching.settings import MatchingSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    run("matching", MatchingSettings(), api=create_app, worker=create_worker)
