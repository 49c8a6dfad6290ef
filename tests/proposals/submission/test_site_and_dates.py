"""The site's own address (setting SITE_URL) on the printed PDF, and submission times on the
pages in the reader's language (the PDF stays Chinese)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.test import override_settings

from lianmeng.proposals.submission import proposal_submit

from .conftest import beijing

pytestmark = pytest.mark.django_db

ON_TIME = beijing(2020, 9, 1, 10, 0, 0)
SITE = "https://lianmeng.kjt.example.gov.cn"


def _pdf_text(path) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_pdf_qr_and_address_use_the_configured_site_not_the_request(
    filed, pin_clock, real_pdf, signed_in, monkeypatch, settings
):
    from lianmeng.documents import pdf

    encoded: list[str] = []
    original = pdf._qr_data_uri
    monkeypatch.setattr(pdf, "_qr_data_uri", lambda text: encoded.append(text) or original(text))
    settings.SITE_URL = SITE + "/"
    proposal, user = filed()
    pin_clock(ON_TIME)
    # submitted from the browser at the internal address a reverse proxy forwards to
    response = signed_in(user).post(
        f"/proposals/{proposal.pk}/submit/",
        {"revision": proposal.revision},
        HTTP_HOST="127.0.0.1:8000",
    )
    assert response.status_code == 302
    version = proposal.versions.get()
    expected = f"{SITE}/verify/{version.verification_code}"
    assert encoded == [expected]  # the QR code's payload
    text = _pdf_text(version.pdf.path)
    assert expected in text  # printed beside the QR code
    assert "127.0.0.1" not in text


def test_without_setting_the_default_address_is_used(filed, pin_clock, monkeypatch):
    from lianmeng.proposals import submission

    seen = {}
    monkeypatch.setattr(
        submission,
        "render_proposal_pdf",
        lambda document, **kwargs: seen.update(url=kwargs["version"].verify_url) or b"%PDF-1.7",
    )
    proposal, user = filed()
    pin_clock(ON_TIME)
    with override_settings(SITE_URL="http://127.0.0.1:8000"):
        version = proposal_submit(actor=user, pk=proposal.pk, site_url="http://other.example/")
    assert seen["url"] == f"http://127.0.0.1:8000/verify/{version.verification_code}"


def test_submission_times_follow_the_readers_language(filed, pin_clock, signed_in, client):
    proposal, user = filed()
    pin_clock(ON_TIME)
    version = proposal_submit(actor=user, pk=proposal.pk)
    signed_in(user)
    pages = [
        f"/proposals/{proposal.pk}/versions/",
        f"/proposals/{proposal.pk}/versions/1/",
        f"/proposals/{proposal.pk}/submit/",
        f"/verify/{version.verification_code}",
    ]
    for url in pages:
        chinese = client.get(url).content.decode()
        assert "2020年9月1日 10:00:00" in chinese, url
    client.cookies["django_language"] = "en"
    for url in pages:
        english = client.get(url).content.decode()
        assert "1 September 2020 10:00:00" in english, url
        assert "2020年9月1日" not in english, url


def test_the_window_on_the_submit_page_reads_in_english(filed, pin_clock, signed_in, client):
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 18, 12, 0, 0))
    signed_in(user)
    client.cookies["django_language"] = "en"
    page = client.get(f"/proposals/{proposal.pk}/submit/").content.decode()
    assert "10 August 2020 00:00:00" in page and "20 September 2020 23:59:59" in page
    assert "2020年8月10日" not in page and "2020年9月20日" not in page
