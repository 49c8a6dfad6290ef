"""Policy what-if as Luoyang's department (B-6, issue 16 point 6): ``luoyang`` opens 政策推演,
starts a draft from the profile in force, switches on a minimum member count of 9 (the measures
set none), runs it and sees the pending 洛阳市精密轴承产业技术创新战略联盟 (7 members) fail
``members.min_count`` — rule, article and both findings —; a value out of range is refused with
the parameter named; the demo's draft is listed; the XLSX and the TOML snippet download; nothing
else changed. Screenshots in artefacts/ (journey-whatif-luoyang-*)."""

from __future__ import annotations

import io
import tomllib
from datetime import datetime

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

PROPOSAL = "洛阳市精密轴承产业技术创新战略联盟"


def test_luoyang_raises_the_minimum_member_count(live_server, monkeypatch, settings, tmp_path):
    from openpyxl import load_workbook

    from lianmeng.core import clock
    from lianmeng.policy.loader import get_profile
    from lianmeng.proposals.models import Proposal
    from lianmeng.whatif.demo import DEMO_NAME, load_demo_whatif
    from lianmeng.whatif.models import PolicyDraft

    demo_at(monkeypatch, settings, tmp_path, datetime(2026, 12, 7, 10, 0, tzinfo=clock.BEIJING))
    list(load_demo_whatif())  # idempotent: the demo hook may have added it already
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    errors: list[str] = []

    with browser_page() as page:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        j = Journey(page, live_server.url, "whatif-luoyang")
        j.sign_in("luoyang")
        j.open("/staff/whatif/")
        assert DEMO_NAME in page.get_by_test_id("drafts").inner_text()
        j.shot("drafts")

        page.get_by_label("新草案名称").fill("成员单位不少于 9 家")
        page.get_by_role("button", name="复制现行参数，新建草案").click()
        page.get_by_role("heading", name="成员单位不少于 9 家", level=1).wait_for()
        row = page.get_by_test_id("param-members-mostly_local-more_than_share")
        assert "50 %" in row.inner_text() and "第六条(一)" in row.inner_text()

        # out of range first: refused, the parameter named
        page.locator("#members-mostly_local-more_than_share").fill("120")
        page.get_by_test_id("run").click()
        page.wait_for_load_state()
        error = page.get_by_test_id("form-error").inner_text()
        assert "本辖区成员占比须超过" in error and "1–99 %" in error
        j.shot("refused")

        page.locator("#members-mostly_local-more_than_share").fill("50")
        # Luoyang's measures set no minimum: the rule is among those the profile does not apply
        page.get_by_test_id("other-rules").locator("summary").click()
        page.locator("#members-min_count-severity").select_option("required")
        page.locator("#members-min_count-min_count").fill("9")
        j.shot("parameters")
        page.get_by_test_id("run").click()
        page.get_by_test_id("results").wait_for()
        counts = page.get_by_test_id("counts-proposals").inner_text()
        assert counts.split()[1:4] == ["1", "1", "0"], counts
        assert "table-warning" in (
            page.get_by_test_id("param-members-min_count-min_count").get_attribute("class") or ""
        )
        draft = PolicyDraft.objects.get(name="成员单位不少于 9 家")
        proposal = Proposal.objects.get(name=PROPOSAL)
        subject = page.get_by_test_id(f"subject-proposal-{proposal.pk}")
        text = subject.inner_text()
        assert PROPOSAL in text and "现符合 → 草案下不符合" in text
        assert "members.min_count" in text and "成员单位数量不低于规定" in text
        assert "推演草案（待引用新文件条款）" in text  # the article: none yet in Luoyang's measures
        assert "成员单位 7 家，少于 9 家" in text and "未适用" in text
        subject.scroll_into_view_if_needed()
        j.shot("results")

        workbook = load_workbook(
            io.BytesIO(j.get(f"/staff/whatif/{draft.pk}/comparison.xlsx").body())
        )
        rows = list(workbook["结论变化的申报"].values)
        assert rows[1][0] == PROPOSAL and rows[1][3] == "members.min_count"
        snippet = j.get(f"/staff/whatif/{draft.pk}/overrides.toml").text()
        assert (
            tomllib.loads(snippet)["rules"]["members"]["min_count"]["params"]["min_count"]["value"]
            == 9
        )

        # the demo draft, run when the demo was loaded
        j.open("/staff/whatif/")
        page.get_by_role("link", name=DEMO_NAME).click()
        page.get_by_test_id("results").wait_for()
        assert PROPOSAL in page.get_by_test_id("results").inner_text()
        j.shot("demo-draft")

    # the refused value is answered 422 on purpose; no other console error
    assert [e for e in errors if "status of 422" not in e] == [], errors
    # nothing else changed: the profile in force and the proposals' statuses
    assert not get_profile("luoyang").applies("members.min_count")
    assert dict(Proposal.objects.values_list("pk", "status")) == statuses
