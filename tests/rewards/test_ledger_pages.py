"""The department's decision batches, budgets, ledger and facts pages, and the public notices of
published decisions (lianmeng.rewards.views_ledger): who sees what, the publish flow, payment
errors shown on the ledger with the values kept, fixed query counts on the lists."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.rewards.conftest import FUND

pytestmark = pytest.mark.django_db


def _page(client, name, *args, **query):
    return client.get(reverse(name, args=args), query or None)


@pytest.fixture
def staged(rw, make_claim):
    """A draft batch with two staged awards: 10 万元 (new alliance, one year) for the bearing
    alliance and 240 万元 (platform construction, 2019–2020) for the materials alliance."""
    from lianmeng.rewards import services

    batch = services.batch_create(
        actor=rw.department, profile_id="luoyang", title="2019 年度第一批"
    )
    first = make_claim(rw.applicant, rw.alliance, "new_alliance")
    second = make_claim(rw.other_applicant, rw.other_alliance, "platform_construction")
    services.award_stage(
        actor=rw.department, claim_id=first.pk, batch_id=batch.pk, amount="10", first_year=2019
    )
    services.award_stage(
        actor=rw.department,
        claim_id=second.pk,
        batch_id=batch.pk,
        amount="240",
        first_year=2019,
        years=2,
    )
    batch.refresh_from_db()
    return batch, first, second


def _publish(rw, batch):
    from lianmeng.rewards import services

    return services.batch_publish(
        actor=rw.department, batch_id=batch.pk, reference="洛科〔2019〕8号"
    )


# -- batches ----------------------------------------------------------------------------------------


def test_batches_list_and_create(client, login, rw, staged):
    batch, _first, _second = staged
    login(rw.department)
    page = _page(client, "rewards:batches")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2019 年度第一批" in text and "250.00" in text
    response = client.post(reverse("rewards:batches"), {"title": "", "profile": "luoyang"})
    assert response.status_code == 422
    assert "请填写批次名称" in response.content.decode()
    response = client.post(reverse("rewards:batches"), {"title": "2019 年度第二批"})
    from lianmeng.rewards.models import Batch

    created = Batch.objects.get(title="2019 年度第二批")
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards:batch", args=[created.pk])
    assert created.jurisdiction == rw.department.jurisdiction
    filtered = _page(client, "rewards:batches", status="published").content.decode()
    assert "2019 年度第一批" not in filtered


def test_batches_for_others(client, login, rw, staged):
    login(rw.henan)
    page = _page(client, "rewards:batches")
    assert page.status_code == 200
    assert 'data-testid="no-rewards"' in page.content.decode()
    assert "2019 年度第一批" not in page.content.decode()
    client.logout()
    login(rw.applicant)
    assert _page(client, "rewards:batches").status_code == 403
    client.logout()
    anonymous = _page(client, "rewards:batches")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_batches_query_count(client, login, rw, staged, django_assert_max_num_queries):
    from lianmeng.rewards import services

    for n in range(25):
        services.batch_create(actor=rw.department, profile_id="luoyang", title=f"批次 {n}")
    login(rw.department)
    with django_assert_max_num_queries(12):
        page = _page(client, "rewards:batches")
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        assert _page(client, "rewards:batches", page=2).status_code == 200


def test_batch_page_shows_awards_and_budget(
    client, login, rw, staged, django_assert_max_num_queries
):
    batch, first, second = staged
    login(rw.department)
    with django_assert_max_num_queries(20):
        page = _page(client, "rewards:batch", batch.pk)
    assert page.status_code == 200
    text = page.content.decode()
    assert rw.alliance.name in text and rw.other_alliance.name in text
    assert reverse("rewards:claim", args=[first.pk]) in text
    assert first.number in text and second.number in text
    assert "新获批联盟牵头单位奖励" in text and "公共服务平台建设补助" in text
    assert 'data-testid="batch-total">250.00<' in text
    # 2019: 10 + 120 of 1000 committed; 2020: 120
    assert "870.00" in text and "880.00" in text
    assert 'data-testid="batch-publish"' in text
    assert 'data-lm-confirm="confirm-publish"' in text


@pytest.mark.parametrize("who", ["baoding", "county", "henan"])
def test_batch_other_departments_404(client, login, rw, staged, who):
    batch, _first, _second = staged
    login(getattr(rw, who))
    assert _page(client, "rewards:batch", batch.pk).status_code == 404
    response = client.post(
        reverse("rewards:batch_publish", args=[batch.pk]), {"confirmed": "1", "reference": "x"}
    )
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_batch_applicant_refused(client, login, rw, staged):
    batch, _first, _second = staged
    login(rw.applicant)
    assert _page(client, "rewards:batch", batch.pk).status_code == 403


def test_publish_flow(client, login, rw, staged):
    from lianmeng.rewards.models import Claim

    batch, first, second = staged
    login(rw.department)
    url = reverse("rewards:batch_publish", args=[batch.pk])
    # without the confirmation: the consequence is spelt out, nothing happens
    ask = client.post(url, {"reference": "洛科〔2019〕8号", "revision": batch.revision})
    assert ask.status_code == 200
    assert "确认公布本批次的奖补决定" in ask.content.decode()
    batch.refresh_from_db()
    assert batch.status == "draft"
    done = client.post(
        url, {"reference": "洛科〔2019〕8号", "revision": batch.revision, "confirmed": "1"}
    )
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "published" and batch.reference == "洛科〔2019〕8号"
    assert batch.verification_code
    assert Claim.objects.get(pk=first.pk).status == "awarded"
    page = _page(client, "rewards:batch", batch.pk).content.decode()
    assert 'data-testid="batch-publish"' not in page
    assert reverse("rewards:batch_pdf", args=[batch.pk]) in page
    # a second submit (double click, stale tab) is harmless
    again = client.post(
        url, {"reference": "另一个文号", "revision": batch.revision - 1, "confirmed": "1"}
    )
    assert again.status_code == 302
    batch.refresh_from_db()
    assert batch.reference == "洛科〔2019〕8号"


def test_publish_errors_keep_the_reference(client, login, rw, staged):
    from lianmeng.alliances.models import Alliance
    from lianmeng.rewards import services

    batch, _first, _second = staged
    login(rw.department)
    # the bearing alliance lost its support after the decision was staged
    Alliance.objects.filter(pk=rw.alliance.pk).update(
        support_eligible=False, support_lost_reason="整改不合格"
    )
    response = client.post(
        reverse("rewards:batch_publish", args=[batch.pk]),
        {"reference": "洛科〔2019〕9号", "revision": batch.revision, "confirmed": "1"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "已丧失扶持资格" in text and rw.alliance.name in text
    assert 'value="洛科〔2019〕9号"' in text
    # an empty batch cannot be published
    empty = services.batch_create(actor=rw.department, profile_id="luoyang", title="空批次")
    response = client.post(
        reverse("rewards:batch_publish", args=[empty.pk]),
        {"reference": "洛科〔2019〕10号", "revision": empty.revision, "confirmed": "1"},
    )
    assert response.status_code == 422
    assert "批次中还没有拟定的决定" in response.content.decode()
    # a stale revision: told to reload, the reference kept
    response = client.post(
        reverse("rewards:batch_publish", args=[empty.pk]),
        {"reference": "洛科〔2019〕11号", "revision": "99", "confirmed": "1"},
    )
    assert response.status_code == 409
    assert 'value="洛科〔2019〕11号"' in response.content.decode()


# -- public notices ---------------------------------------------------------------------------------


def test_public_pages(client, rw, staged):
    from lianmeng.rewards import services

    batch, first, _second = staged
    assert _page(client, "rewards:public_batch", batch.pk).status_code == 404
    assert "2019 年度第一批" not in _page(client, "rewards:public_batches").content.decode()
    _publish(rw, batch)
    listing = _page(client, "rewards:public_batches")
    assert listing.status_code == 200
    assert "2019 年度第一批" in listing.content.decode()
    page = _page(client, "rewards:public_batch", batch.pk)
    assert page.status_code == 200
    text = page.content.decode()
    assert rw.alliance.name in text and rw.other_alliance.name in text
    assert "250.00" in text and "240.00" in text
    assert "第十一条" in text and "第十四条" in text
    # never the figures, the claim numbers or the reasons
    assert "1200" not in text
    assert first.number not in text
    # a draft batch of the same department stays private
    draft = services.batch_create(actor=rw.department, profile_id="luoyang", title="未公布批次")
    assert _page(client, "rewards:public_batch", draft.pk).status_code == 404


def test_public_query_count(client, rw, staged, django_assert_max_num_queries):
    batch, _first, _second = staged
    _publish(rw, batch)
    with django_assert_max_num_queries(8):
        assert _page(client, "rewards:public_batches").status_code == 200
    with django_assert_max_num_queries(8):
        assert _page(client, "rewards:public_batch", batch.pk).status_code == 200


def test_landing_page_links_the_notices(client):
    page = client.get("/")
    assert reverse("rewards:public_batches") in page.content.decode()


# -- budgets ----------------------------------------------------------------------------------------


def test_budgets_page(client, login, rw, staged, django_assert_max_num_queries):
    login(rw.department)
    with django_assert_max_num_queries(16):
        page = _page(client, "rewards:budgets")
    assert page.status_code == 200
    text = page.content.decode()
    assert FUND in text
    assert "1000.00" in text and "870.00" in text and "880.00" in text
    assert reverse("rewards:budgets_xlsx") in text and reverse("rewards:budgets_pdf") in text


def test_budget_create_and_edit(client, login, rw):
    from lianmeng.rewards.models import Budget

    login(rw.department)
    url = reverse("rewards:budgets")
    bad = client.post(
        url, {"profile": "luoyang", "year": "2021", "amount": "12.345", "note": "追加"}
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "最多两位小数" in text
    assert 'value="12.345"' in text and 'value="追加"' in text
    duplicate = client.post(url, {"profile": "luoyang", "year": "2019", "amount": "500"})
    assert duplicate.status_code == 409
    assert "2019 年度的预算已录入" in duplicate.content.decode()
    assert (
        client.post(url, {"profile": "luoyang", "year": "2021", "amount": "800"}).status_code == 302
    )
    created = Budget.objects.get(year=2021)
    assert created.amount == Decimal("800.00") and created.fund == FUND
    edit = _page(client, "rewards:budgets", edit=created.pk).content.decode()
    assert f'name="budget_id" value="{created.pk}"' in edit
    ok = client.post(
        url,
        {"budget_id": created.pk, "revision": created.revision, "amount": "900", "note": "调整"},
    )
    assert ok.status_code == 302
    created.refresh_from_db()
    assert created.amount == Decimal("900.00") and created.revision == 2
    stale = client.post(url, {"budget_id": created.pk, "revision": "1", "amount": "950"})
    assert stale.status_code == 409
    assert 'value="950"' in stale.content.decode()


def test_budget_cannot_go_below_committed(client, login, rw, staged):
    login(rw.department)
    response = client.post(
        reverse("rewards:budgets"),
        {"budget_id": rw.budget2019.pk, "revision": rw.budget2019.revision, "amount": "100"},
    )
    assert response.status_code == 422
    assert re.search(r"预算不能少于已安排的 130(\.00)? 万元", response.content.decode())


def test_budgets_for_others(client, login, rw):
    login(rw.baoding)
    page = _page(client, "rewards:budgets").content.decode()
    assert FUND not in page
    # Baoding's department keeps Baoding's budgets only, whatever profile it posts
    response = client.post(
        reverse("rewards:budgets"), {"profile": "luoyang", "year": "2021", "amount": "1"}
    )
    assert response.status_code == 302
    from lianmeng.rewards.models import Budget

    assert not Budget.objects.filter(year=2021, profile="luoyang").exists()
    assert Budget.objects.get(year=2021).profile == "baoding"
    # nor may it change Luoyang's
    response = client.post(
        reverse("rewards:budgets"),
        {"budget_id": rw.budget2019.pk, "revision": "1", "amount": "5"},
    )
    assert response.status_code in (403, 404)
    rw.budget2019.refresh_from_db()
    assert rw.budget2019.amount == Decimal("1000.00")
    client.logout()
    login(rw.applicant)
    assert _page(client, "rewards:budgets").status_code == 403


# -- the ledger -------------------------------------------------------------------------------------


@pytest.fixture
def published(rw, staged):
    batch, first, second = staged
    _publish(rw, batch)
    return batch, first, second


def _instalment(claim, year):
    from lianmeng.rewards.models import Instalment

    return Instalment.objects.get(award__claim=claim, year=year)


def _pay(client, instalment, **values):
    data = {"paid_on": "2019-11-01", "voucher": "记-2019-001", "amount": "10", "note": ""}
    data.update(values)
    return client.post(reverse("rewards:payment_record", args=[instalment.pk]), data)


def test_ledger_lists_instalments_due(client, login, rw, published):
    _batch, first, second = published
    login(rw.department)
    page = _page(client, "rewards:ledger")
    assert page.status_code == 200
    text = page.content.decode()
    for year in (2019, 2020):
        assert f'data-testid="pay-{_instalment(second, year).pk}"' in text
    assert f'data-testid="pay-{_instalment(first, 2019).pk}"' in text
    assert "120.00" in text
    assert reverse("rewards:ledger_xlsx") in text and reverse("rewards:ledger_pdf") in text


def test_payment_recorded(client, login, rw, published):
    _batch, first, _second = published
    login(rw.department)
    instalment = _instalment(first, 2019)
    response = _pay(client, instalment)
    assert response.status_code == 302 and response["Location"] == reverse("rewards:ledger")
    instalment.refresh_from_db()
    assert instalment.paid == Decimal("10.00")
    page = _page(client, "rewards:ledger").content.decode()
    assert "记-2019-001" in page
    assert f'data-testid="pay-{instalment.pk}"' not in page  # paid in full
    assert 'data-testid="ledger-total">10.00<' in page


def test_payment_over_instalment_shown_with_values(client, login, rw, published):
    _batch, _first, second = published
    login(rw.department)
    instalment = _instalment(second, 2019)
    response = _pay(client, instalment, amount="150", voucher="记-2019-009", note="第一笔")
    assert response.status_code == 422
    text = response.content.decode()
    assert "拨付金额超过该年度应拨未拨的 120.00 万元" in text
    assert 'data-testid="pay-error"' in text
    assert 'value="150"' in text and 'value="记-2019-009"' in text and 'value="第一笔"' in text
    instalment.refresh_from_db()
    assert instalment.paid == Decimal("0.00")


def test_payment_to_revoked_alliance_refused(client, login, rw, published):
    from lianmeng.alliances.models import Alliance

    _batch, first, _second = published
    Alliance.objects.filter(pk=rw.alliance.pk).update(
        support_eligible=False, support_lost_reason="整改不合格，取消扶持资格"
    )
    login(rw.department)
    response = _pay(client, _instalment(first, 2019), voucher="记-2019-002")
    assert response.status_code == 422
    text = response.content.decode()
    assert "已丧失扶持资格" in text and "整改不合格" in text
    assert 'value="记-2019-002"' in text


def test_payment_duplicate_voucher_refused(client, login, rw, published):
    _batch, first, second = published
    login(rw.department)
    assert _pay(client, _instalment(first, 2019), voucher="记-2019-003").status_code == 302
    response = _pay(client, _instalment(second, 2019), voucher="记-2019-003", amount="20")
    assert response.status_code == 409
    assert "凭证号 记-2019-003 已登记过" in response.content.decode()
    assert _instalment(second, 2019).paid == Decimal("0.00")


def test_payment_by_others_refused(client, login, rw, published):
    _batch, first, _second = published
    instalment = _instalment(first, 2019)
    for who, statuses in (("baoding", (403, 404)), ("applicant", (403,)), ("henan", (403, 404))):
        login(getattr(rw, who))
        assert _pay(client, instalment).status_code in statuses, who
        client.logout()
    instalment.refresh_from_db()
    assert instalment.paid == Decimal("0.00")


def test_ledger_filters(client, login, rw, published):
    from lianmeng.rewards import services

    _batch, first, second = published
    services.payment_record(
        actor=rw.department,
        instalment_id=_instalment(first, 2019).pk,
        paid_on="2019-10-01",
        voucher="记-A",
        amount="10",
    )
    services.payment_record(
        actor=rw.department,
        instalment_id=_instalment(second, 2019).pk,
        paid_on="2019-10-02",
        voucher="记-B",
        amount="100",
    )
    login(rw.department)
    text = _page(client, "rewards:ledger", q="新材料").content.decode()
    assert "记-B" in text and "记-A" not in text
    assert 'data-testid="ledger-total">100.00<' in text
    text = _page(client, "rewards:ledger", year="2020").content.decode()
    assert "记-A" not in text and "记-B" not in text
    text = _page(client, "rewards:ledger", fund=FUND).content.decode()
    assert "记-A" in text and "记-B" in text and 'data-testid="ledger-total">110.00<' in text


def test_ledger_for_the_lead_unit(client, login, rw, published):
    from lianmeng.rewards import services

    _batch, first, second = published
    services.payment_record(
        actor=rw.department,
        instalment_id=_instalment(first, 2019).pk,
        paid_on="2019-10-01",
        voucher="记-A",
        amount="10",
    )
    services.payment_record(
        actor=rw.department,
        instalment_id=_instalment(second, 2019).pk,
        paid_on="2019-10-02",
        voucher="记-B",
        amount="100",
    )
    login(rw.applicant)
    page = _page(client, "rewards:ledger")
    assert page.status_code == 200
    text = page.content.decode()
    assert "记-A" in text and "记-B" not in text
    assert "登记拨付" not in text
    assert reverse("rewards:ledger_xlsx") not in text
    client.logout()
    login(rw.expert.user)
    assert _page(client, "rewards:ledger").status_code == 403


def test_ledger_query_count(client, login, rw, make_claim, django_assert_max_num_queries):
    """The ledger's queries do not grow with the rows (30 instalments due, 30 payments)."""
    from lianmeng.alliances.models import Alliance
    from lianmeng.rewards import services
    from lianmeng.rewards.models import Instalment
    from tests.evaluation.conftest import make_alliance

    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="大批次")
    for n in range(30):
        alliance = make_alliance("luoyang", rw.lead, "410300", f"洛阳市第{n}产业技术创新战略联盟")
        claim = make_claim(rw.department, alliance, "new_alliance")
        services.award_stage(
            actor=rw.department,
            claim_id=claim.pk,
            batch_id=batch.pk,
            amount="10",
            years=2,
            first_year=2019,
        )
    _publish(rw, batch)
    for n, instalment in enumerate(Instalment.objects.filter(year=2019)):
        services.payment_record(
            actor=rw.department,
            instalment_id=instalment.pk,
            paid_on="2019-10-01",
            voucher=f"记-{n}",
            amount="5",
        )
    assert Alliance.objects.count() >= 30
    login(rw.department)
    with django_assert_max_num_queries(20):
        page = _page(client, "rewards:ledger")
    assert page.status_code == 200
    with django_assert_max_num_queries(20):
        assert _page(client, "rewards:ledger", page=2, due_page=2).status_code == 200


# -- facts ------------------------------------------------------------------------------------------


def test_facts_page(client, login, rw):
    from lianmeng.rewards.models import SupportFacts

    login(rw.department)
    search = _page(client, "rewards:budgets", q="轴承").content.decode()
    assert reverse("rewards:facts", args=[rw.alliance.pk]) in search
    url = reverse("rewards:facts", args=[rw.alliance.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "享受扶持与奖励" in page.content.decode()
    bad = client.post(url, {"key_support": "1", "legal_entity_name": "洛阳轴承研究院"})
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "纳入重点支持须写明依据" in text and 'value="洛阳轴承研究院"' in text
    ok = client.post(
        url,
        {
            "key_support": "1",
            "key_support_reason": "2019 年第 3 次局务会纪要",
            "legal_entity_name": "洛阳轴承研究院有限公司",
            "legal_entity_uscc": "91410300mA12345678",
            "legal_entity_registered_on": "2019-03-01",
        },
    )
    assert ok.status_code == 302
    row = SupportFacts.objects.get(alliance=rw.alliance)
    assert row.key_support and row.legal_entity_uscc == "91410300MA12345678"
    page = client.get(url).content.decode()
    assert 'name="revision" value="1"' in page
    stale = client.post(url, {"key_support_reason": "改", "revision": "0"})
    assert stale.status_code == 409


def test_facts_shows_lost_support(client, login, rw):
    from lianmeng.alliances.models import Alliance

    Alliance.objects.filter(pk=rw.alliance.pk).update(
        support_eligible=False, support_lost_reason="整改不合格，取消扶持资格"
    )
    login(rw.department)
    text = client.get(reverse("rewards:facts", args=[rw.alliance.pk])).content.decode()
    assert "不享受扶持与奖励" in text and "整改不合格，取消扶持资格" in text


@pytest.mark.parametrize("who", ["baoding", "henan"])
def test_facts_other_departments(client, login, rw, who):
    from lianmeng.rewards.models import SupportFacts

    login(getattr(rw, who))
    url = reverse("rewards:facts", args=[rw.alliance.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"key_support": "1", "key_support_reason": "x"}).status_code == 404
    assert not SupportFacts.objects.exists()


def test_pages_in_english(client, login, rw, published):
    from django.conf import settings

    login(rw.department)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _page(client, "rewards:ledger").content.decode()
    assert "Payment ledger" in text and "Record payment" in text
    assert "资金台账" not in text.split("<main", 1)[-1]
    text = client.get(reverse("rewards:public_batches")).content.decode()
    assert "Reward decisions" in text
