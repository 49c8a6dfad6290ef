"""Public pages: landing, policy profiles with their rules and citations, language switch."""

from __future__ import annotations

import pytest

from lianmeng.policy.loader import load_profiles


def test_landing_page_explains_and_links(client, db):
    page = client.get("/").content.decode()
    assert "产业技术创新战略联盟管理平台" in page
    assert 'href="/policies/"' in page
    assert 'href="/accounts/login/"' in page
    assert 'href="/api/v1/docs"' in page
    assert "主办：科技主管部门" in page
    assert "vendor/bootstrap/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()


def test_policy_list_shows_every_profile(client, db):
    page = client.get("/policies/").content.decode()
    profiles = load_profiles()
    assert profiles
    for profile in profiles.values():
        assert f'href="/policies/{profile.id}/"' in page
        assert profile.name.value in page
        assert f'<td class="text-end">{len(profile.applied_rules)}</td>' in page
    assert "洛阳市" in page and "2018-07-10 — 2020-12-31" in page
    assert "长期有效" in page


@pytest.mark.parametrize("profile_id", sorted(load_profiles()))
def test_policy_page_lists_every_rule_with_severity_and_citation(client, db, profile_id):
    profile = load_profiles()[profile_id]
    page = client.get(f"/policies/{profile_id}/").content.decode()
    for rule in profile.applied_rules.values():
        assert f'id="rule-{rule.id}"' in page
        row = page.split(f'id="rule-{rule.id}"', 1)[1].split("</tr>", 1)[0]
        label = {"required": "必须", "principle": "原则上", "advisory": "提示"}[rule.severity]
        assert f">{label}</span>" in row
        assert rule.citation.article in row
        assert rule.citation.seed in row


def test_henan_page_shows_parameters_materials_and_call_window(client, db):
    page = client.get("/policies/henan/").content.decode()
    assert "成员单位至少" in page and "10" in page
    assert "河南省产业技术创新战略联盟构建可行性研究报告" in page
    assert "2020-08-10 00:00 — 2020-09-20 23:59:59" in page
    assert "已截止" in page


def test_unknown_profile_is_a_chinese_404(client, db):
    response = client.get("/policies/atlantis/")
    assert response.status_code == 404
    assert "未找到政策档案" in response.content.decode()


def test_language_switch_to_english(client, make_user, make_unit, login):
    login(make_user(["applicant"], unit=make_unit()))
    assert "本单位的申报" in client.get("/home/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    assert response.status_code == 302
    page = client.get("/home/").content.decode()
    assert '<html lang="en">' in page
    assert "Our unit's proposals" in page
    assert "Sign out" in page
    assert "Alliance Management Platform" in page
    assert "本单位的申报" not in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "本单位的申报" in client.get("/home/").content.decode()


def test_english_landing_and_login_pages(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Policy profiles" in client.get("/").content.decode()
    page = client.post("/accounts/login/", {"username": "x", "password": "y"}).content.decode()
    assert "Incorrect user name or password. Please try again." in page
