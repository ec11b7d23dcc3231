"""`python -m traintrack.evaluation api|worker`"""

from traintrack.evaluation.bootstrap import create_app
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.evaluation.worker import create_worker
from traintrack.platform.service import run

if __name__ == "__main__":
    run("evaluation", EvaluationSettings(), api=create_app, worker=create_worker)
