"""The landing page says only what the platform does today (issue 11): since issues 13, 14 and 15
the alliance's construction, reports, evaluation, rectification and rewards are there and said so;
nothing is announced as coming later; the filter's "all" choice reads properly in English."""

from __future__ import annotations

import re

import pytest

NOT_YET = ("一站式", "上线后", "尚未上线", "即将")
NOT_YET_EN = ("coming soon", "not available yet", "one-stop")


def _visible(page: str) -> str:
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_landing_page_in_chinese_says_what_works(client, db):
    text = _visible(client.get("/").content.decode())
    for works in (
        "构建申报",
        "推荐与受理",
        "专家评审与决定",
        "名录与核验",
        "核验码",
        "筹建、验收与运行",
        "绩效评价与整改",
        "绩效评价结果公示",
        "扶持与奖补",
        "奖补决定公示",
        "公告公示与专利标准",
        "数据驾驶舱与重大项目",
        "专利池",
    ):
        assert works in text
    for missing in NOT_YET:
        assert missing not in text, missing


def test_landing_page_in_english_says_what_works(client, db):
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    text = _visible(page)
    assert "What you can do here today" in text
    assert "Registry and verification" in text
    # the section about the platform is English throughout (profile names are data)
    assert not re.search(r"[\u4e00-\u9fff]", text.split("What you can do here today", 1)[1])
    assert "Support and rewards" in text
    assert "Dashboards and key projects" in text and "Notices, patents and standards" in text
    for missing in NOT_YET_EN:
        assert missing not in text.lower(), missing
    for link in (
        'href="/calls/"',
        'href="/registry/"',
        'href="/verify/"',
        'href="/policies/"',
        'href="/notices/evaluations/"',
        'href="/notices/rewards/"',
        'href="/notices/"',
        'href="/ip/patents/"',
        'href="/ip/standards/"',
    ):
        assert link in page


@pytest.mark.parametrize("url", ["/proposals/", "/registry/"])
def test_the_status_filter_reads_any_status_in_english(client, db, make_user, url):
    client.force_login(make_user(["competent"], jurisdiction="410000"))
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert ">Any status</option>" in page
    assert "All statuse<" not in page
