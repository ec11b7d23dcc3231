"""Every module of every traintrack package imports: `make test-lowest` runs this against
the lowest versions the packages declare, where a missing API shows first at import."""

import importlib
import pkgutil

import pytest

import traintrack

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(traintrack.__path__, "traintrack.")
    if ".migrations" not in m.name
)


def test_the_walk_finds_every_package() -> None:
    packages = {name.split(".")[1] for name in MODULES}
    assert {"contracts", "platform", "institute", "demo", "devstack", "enrollment"} <= packages


@pytest.mark.parametrize("module", MODULES)
def test_the_module_imports(module: str) -> None:
    importlib.import_module(module)
