"""Two submissions of one proposal at the same moment (a double click reaching two workers).

Each thread has its own database connection; the row lock makes the second wait for the
first to commit, find the proposal submitted, and store nothing. PostgreSQL only: the SQLite
test database is shared in-memory and does not model two writers.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lianmeng.proposals.models import ProposalVersion
from lianmeng.proposals.submission import AlreadySubmitted, proposal_submit

from .conftest import beijing

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two real connections (PostgreSQL)"
    ),
]


def test_two_concurrent_submissions_store_one_version(transactional_db, filed, pin_clock):
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 1, 10, 0, 0))
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def submit() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            outcomes.append(proposal_submit(actor=user, pk=proposal.pk))
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    versions = [o for o in outcomes if isinstance(o, ProposalVersion)]
    refused = [o for o in outcomes if isinstance(o, AlreadySubmitted)]
    assert len(versions) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 1
