"""`python -m traintrack.evaluation api|worker`"""

from traintrack.evaluation.bootstrap import create_app, create_worker
from traintrack.evaluation.settings import EvaluationSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    run("evaluation", EvaluationSettings(), api=create_app, worker=create_worker)
