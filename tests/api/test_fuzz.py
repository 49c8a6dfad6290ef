"""Schemathesis over the whole OpenAPI document, in-process, on the demo data.

Every operation of ``/api/v1/openapi.json`` is called with the document's own examples, the
boundary and out-of-range values of its parameters and bodies (schemathesis' coverage cases)
and a bounded number of generated requests, once with the API token of a demo department
account (``henan``, 河南省科技厅) and once without a token. Each request runs in a savepoint
that is rolled back, so every request sees the same demo data; generation is derandomised, so a
run makes the same requests every time. The test fails on any 5xx, any status code the document
does not list for the operation, a content type it does not list, or a body its schema refuses.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import hypothesis
import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase

pytestmark = pytest.mark.django_db

#: generated requests per operation and mode; the examples and boundary cases come on top
MAX_EXAMPLES = 8
#: operations whose body is the whole interchange document: its boundary cases alone are
#: thousands of requests that all end in the one validator ``api.documents.read_document``
#: (tested on its own in test_checks.py / test_proposals.py); they get examples and generated
#: requests only
NO_COVERAGE = {"POST /api/v1/checks", "POST /api/v1/proposals"}


class _Rollback(Exception):
    """Leaves the request's savepoint, undoing whatever the request wrote."""


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def fuzz(headers: dict[str, str]) -> tuple[Counter[str], list[str]]:
    """Call every operation; answer the requests made (by kind of case) and the failures."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.generation.hypothesis.builder import (
        HypothesisTestConfig,
        HypothesisTestMode,
        create_test,
    )

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    checks = _checks()
    settings = hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    requests: Counter[str] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        def call(case: Any) -> None:
            requests[str(case.meta.phase.name) if case.meta else "other"] += 1
            try:
                with transaction.atomic():
                    case.call_and_validate(headers=headers, checks=checks)
                    raise _Rollback
            except _Rollback:
                pass

        modes = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.FUZZING]
        if operation.label not in NO_COVERAGE:
            modes.append(HypothesisTestMode.COVERAGE)
        test = create_test(
            operation=operation,
            test_func=call,
            config=HypothesisTestConfig(project=schema.config, modes=modes, settings=settings),
        )
        try:
            test()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's, reported together
            failures.append(f"{operation.label}: {exc}")
    return requests, failures


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo data; requests go straight to the WSGI application, in this test's transaction.

    Like Django's test client, the requests must not close the database connection at their
    end (``close_old_connections`` would, inside the test's transaction, on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from lianmeng.demo import load_demo

    settings.MEDIA_ROOT = str(tmp_path / "media")
    list(load_demo())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    log = logging.getLogger("django.request")  # thousands of expected 4xx warnings
    level = log.level
    log.setLevel(logging.ERROR)
    yield
    log.setLevel(level)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _report(label: str, requests: Counter[str], started: float, failures: list[str]) -> None:
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(requests.items()))
    print(
        f"\nschemathesis {label}: {sum(requests.values())} requests ({kinds}) "
        f"in {time.monotonic() - started:.0f} s"
    )
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_fuzz_without_a_token(demo):
    started = time.monotonic()
    requests, failures = fuzz({})
    _report("without a token", requests, started, failures)
    assert sum(requests.values()) > 1000  # every operation was called, not skipped


def test_fuzz_with_a_department_token(demo):
    from lianmeng.core.models import User
    from lianmeng.core.tokens import token_create

    _token, key = token_create(actor=User.objects.get(username="henan"), name="schemathesis")
    started = time.monotonic()
    requests, failures = fuzz({"Authorization": f"Bearer {key}"})
    _report("with the token of henan", requests, started, failures)
    assert sum(requests.values()) > 1000
