import pytest

from .helpers import connect


@pytest.fixture(autouse=True)
def _supplier_dependencies():
    connect()
