"""`python -m traintrack.operations api`. Operations has no worker: it is in no consumer
group (it reads topics on demand, from their beginning) and it repairs dead letters only
when an operator asks, on the record."""

from traintrack.operations.bootstrap import create_app
from traintrack.operations.settings import OperationsSettings
from traintrack.platform.service import run

if __name__ == "__main__":
    run("operations", OperationsSettings(), api=create_app)
