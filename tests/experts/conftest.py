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
