"""`python -m traintrack.outcomes api|worker|replay [--into URL]`"""

import sys

from traintrack.outcomes.bootstrap import create_app, create_worker
from traintrack.outcomes.settings import OutcomesSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    if sys.argv[1:2] == ["replay"]:
        from traintrack.outcomes.entrypoints.replay import main

        sys.exit(main(sys.argv[2:]))
    run("outcomes", OutcomesSettings(), api=create_app, worker=create_worker)
