"""Fixtures of the deployment tests: an S3-compatible endpoint (moto's server on a loopback
port, spoken to over HTTP like MinIO or a cloud's object store) and Redis."""

from __future__ import annotations

import json
import os
import socket
import subprocess  # noqa: S404 - our own interpreter, no shell
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.proposals.materials.conftest import (  # noqa: F401 - fixtures of the attachments
    henan_draft,
    lead_staff,
    pdf_bytes,
    uploaded,
)

BUCKET = "lianmeng-files"
#: the Redis database of these tests (the developers' own numbers are 11-15)
REDIS_DB = 9
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def redis_up(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="lianmeng-test",
        aws_secret_access_key="lianmeng-test-secret",  # noqa: S106 - moto accepts any
        region_name="us-east-1",
    )


def settings_from_env(env: dict[str, str], *names: str) -> dict[str, Any]:
    """``names`` of config/settings.py as a fresh process builds them with ``env`` added to
    the environment (LIANMENG_S3_* and REDIS_URL of the runner removed first)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("LIANMENG_S3_") and k != "REDIS_URL"
    }
    code = (
        "import json, sys; from lianmeng.config import settings as s;"
        "print(json.dumps({n: getattr(s, n) for n in sys.argv[1:]}))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *names],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def s3_env(endpoint: str, prefix: str) -> dict[str, str]:
    return {
        "LIANMENG_S3_BUCKET": BUCKET,
        "LIANMENG_S3_ENDPOINT_URL": endpoint,
        "LIANMENG_S3_ACCESS_KEY_ID": "lianmeng-test",
        "LIANMENG_S3_SECRET_ACCESS_KEY": "lianmeng-test-secret",
        "LIANMENG_S3_REGION": "us-east-1",
        "LIANMENG_S3_PREFIX": prefix,
    }


def s3_storages(endpoint: str, prefix: str) -> dict[str, Any]:
    """STORAGES as config/settings.py builds it from the LIANMENG_S3_* variables."""
    return settings_from_env(s3_env(endpoint, prefix), "STORAGES")["STORAGES"]


@pytest.fixture
def s3_storage(s3_endpoint, settings) -> Iterator[tuple[Any, str]]:
    """Django's default storage on the S3 endpoint, configured from the environment variables
    exactly as a deployment would; yields (boto3 client, the key prefix of this test)."""
    import uuid

    client = s3_client(s3_endpoint)
    try:
        client.create_bucket(Bucket=BUCKET)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.STORAGES = s3_storages(s3_endpoint, prefix)
    yield client, prefix
