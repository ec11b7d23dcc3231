"""`python -m traintrack.operations api`"""

from traintrack.operations.bootstrap import create_app
from traintrack.operations.settings import OperationsSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    run("operations", OperationsSettings(), api=create_app)
