import pytest

from tests.unit.matching.fakes import FakeMatchingUnitOfWork
from traintrack.matching.handlers import HANDLERS
from traintrack.platform.bus import MessageBus


@pytest.fixture
def uow():
    return FakeMatchingUnitOfWork()


@pytest.fixture
def handle(uow):
    """Run a command as the API or the worker does: through the bus, in the fake unit of
    work, committed only if its handler returns."""
    return MessageBus(HANDLERS, lambda: uow).handle
