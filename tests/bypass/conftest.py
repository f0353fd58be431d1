"""Fixtures shared by the bypass batteries: a component and a dataset of the ``system``
fixture, recorded by its owner while the system is still before its intake gate."""

import pytest

from inventory import services
from inventory.models import Component, Dataset


@pytest.fixture
def component(system, owner):
    return services.child_save(
        actor=owner,
        record=Component(system=system),
        data={"name": "Ranker", "provider": "Acme", "model_identifier": "acme-rank-1"},
    )


@pytest.fixture
def dataset(system, owner):
    return services.child_save(
        actor=owner,
        record=Dataset(system=system),
        data={"name": "CVs", "source": "ATS export", "personal_data": "personal"},
    )
