"""`python -m operations.main api`"""

from operations.bootstrap import create_app
from operations.settings import OperationsSettings
from traintrack_shared.entrypoint import run

if __name__ == "__main__":
    run("operations", OperationsSettings(), api=create_app)
