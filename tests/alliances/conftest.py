import pytest

from tests.api.conftest import token_for  # noqa: F401
from tests.experts.fixtures import (  # noqa: F401
    _fast_passwords,
    baoding_staff,
    henan_staff,
    login,
    luoyang_staff,
    make_expert,
    make_review_proposal,
)


@pytest.fixture(autouse=True)
def _checklist_guard_passes():
    """These tests are about the alliance's states on the engine; the construction checklist
    that ``apply_acceptance`` waits for (guard ``checklist_complete``) is tested in
    tests/construction. Here every checklist counts as complete."""
    from lianmeng.construction.guards import checklist_complete
    from lianmeng.workflow.guards import register

    register("alliance", "checklist_complete")(lambda ctx: None)
    yield
    register("alliance", "checklist_complete")(checklist_complete)
