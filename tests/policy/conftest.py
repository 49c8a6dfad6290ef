"""Department accounts and proposals at a given state, for tests/policy/test_validity_everywhere.py."""

from tests.api.conftest import token_for  # noqa: F401
from tests.experts.fixtures import (  # noqa: F401
    _fast_passwords,
    baoding_staff,
    luoyang_staff,
    make_review_proposal,
)
