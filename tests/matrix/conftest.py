"""Run the role matrix's cells grouped by the stage of their world, so that a worker builds
each stage's shared world once (test_role_matrix.py's shared_worlds), not once per switch."""

import pytest


def _stage(item) -> str:
    from .test_role_matrix import EXPECTATIONS

    return EXPECTATIONS[item.callspec.params["key"]].stage


def _is_cell(item) -> bool:
    return getattr(item, "originalname", None) == "test_cell" and item.module.__name__.endswith(
        "matrix.test_role_matrix"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """A stable sort of the cells by stage, in the places the cells already hold (other tests
    keep theirs; within a stage the cells keep the table's order)."""
    places = [i for i, item in enumerate(items) if _is_cell(item)]
    cells = sorted((items[i] for i in places), key=_stage)
    for place, cell in zip(places, cells, strict=True):
        items[place] = cell
