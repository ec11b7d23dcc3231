"""`python -m traintrack.evaluation api|worker`, or one of the signing-key commands
(`rotate-key`, `retire-key KID`, `list-keys`)."""

import sys

from traintrack.evaluation.bootstrap import create_app, create_keys, create_worker
from traintrack.evaluation.entrypoints import keys
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    settings = EvaluationSettings()
    if len(sys.argv) > 1 and sys.argv[1] in keys.COMMANDS:
        sys.exit(keys.main(sys.argv[1:], create_keys(settings)))
    run("evaluation", settings, api=create_app, worker=create_worker)
