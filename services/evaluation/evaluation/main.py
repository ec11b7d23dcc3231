"""`python -m evaluation.main api`"""

from evaluation.bootstrap import create_app
from evaluation.settings import EvaluationSettings
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("evaluation", EvaluationSettings(), api=create_app)
