"""The ``browser`` fixture of the browser tests (one chromium per test module)."""

from __future__ import annotations

import pytest

from .browser import launched


@pytest.fixture(scope="module")
def browser():
    with launched() as browser:
        yield browser
