"""`python -m evaluation.main api|worker`"""

from evaluation.bootstrap import create_app
from evaluation.settings import EvaluationSettings
from evaluation.worker import create_worker
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("evaluation", EvaluationSettings(), api=create_app, worker=create_worker)
