"""The public base's pages, the export, the alliance's page and the lead unit's forms."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lianmeng.ipbase.models import Patent, PatentReport, Standard

from .conftest import P1, P2


@pytest.fixture
def base(ip, report_patent, report_standard):
    report_patent(ip.applicant, ip.alliance, holders=[ip.lead.uscc, ip.university.uscc])
    report_patent(
        ip.other_applicant,
        ip.other_alliance,
        number=P2,
        title="一种工业机器人关节减速器",
        holders=[ip.robotics.uscc],
        year=2022,
    )
    report_standard(ip.applicant, ip.alliance)
    return ip


def test_the_public_list_searches_by_partial_chinese_title(client, base):
    response = client.get(reverse("ipbase:patents"), {"q": "耐火"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "一种耐火材料的制备方法" in page
    assert "一种工业机器人关节减速器" not in page
    assert "共 1 条" in page
    assert "河南科技大学" in page  # the holders


def test_filters_on_the_page(client, base):
    page = client.get(reverse("ipbase:patents"), {"year": "2022"}).content.decode()
    assert "关节减速器" in page and "耐火材料的制备方法" not in page
    page = client.get(
        reverse("ipbase:patents"), {"alliance": base.other_alliance.pk}
    ).content.decode()
    assert "关节减速器" in page and "耐火材料的制备方法" not in page
    assert base.other_alliance.name in page  # the alliance filter is shown by name
    page = client.get(reverse("ipbase:patents"), {"field": "agriculture"}).content.decode()
    assert "没有符合检索条件的条目" in page
    page = client.get(reverse("ipbase:standards"), {"kind": "national"}).content.decode()
    assert "GB/T 12345-2020" in page
    # unknown filter values are ignored, not errors
    assert client.get(reverse("ipbase:patents"), {"year": "abc", "kind": "x"}).status_code == 200


def test_the_list_pages_keep_a_constant_query_count(client, base, django_assert_max_num_queries):
    from django.utils import timezone

    from lianmeng.ipbase import search

    now = timezone.now()
    Patent.objects.bulk_create(
        [
            Patent(
                number=f"ZL2019101{i:05d}.0",
                title=f"耐火制品{i}",
                kind="invention",
                status="granted",
                holders=[{"name": f"单位{i}", "uscc": ""}],
                alliance=base.alliance if i % 2 else base.other_alliance,
                region=base.lead.region,
                field="industry",
                year=2019,
                search_text=search.search_text_for(f"耐火制品{i}", f"ZL2019101{i:05d}.0"),
                created_at=now,
                updated_at=now,
            )
            for i in range(60)
        ]
    )
    client.get(reverse("ipbase:patents"))  # warm the session and caches
    for params in (
        {},
        {"q": "耐火"},
        {"q": "耐火", "field": "industry", "alliance": base.alliance.pk},
    ):
        with django_assert_max_num_queries(6):
            response = client.get(reverse("ipbase:patents"), params)
        assert response.status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("ipbase:standards"), {"q": "耐火"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("ipbase:alliance", args=[base.alliance.pk])).status_code == 200


def test_the_export_has_the_filtered_rows(client, base):
    response = client.get(reverse("ipbase:patents_xlsx"), {"q": "耐火"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("专利号", "专利名称")
    assert [r[0] for r in rows[1:]] == [P1]
    assert rows[1][4] == "洛阳耐火材料集团有限公司；河南科技大学"
    assert rows[1][7] == base.alliance.name
    response = client.get(reverse("ipbase:standards_xlsx"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["GB/T 12345-2020"]


def test_the_export_cap_is_said_on_the_page(client, base, monkeypatch):
    from lianmeng.ipbase import selectors

    monkeypatch.setattr(selectors, "EXPORT_CAP", 1)
    page = client.get(reverse("ipbase:patents")).content.decode()
    assert 'data-testid="ip-export-capped"' in page
    response = client.get(reverse("ipbase:patents_xlsx"))
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 2


def test_the_detail_page_shows_every_report(client, base, report_patent):
    report_patent(base.other_applicant, base.other_alliance, holders=[base.shared.uscc], year=2024)
    patent = Patent.objects.get(number=P1)
    page = client.get(reverse("ipbase:patent", args=[patent.pk])).content.decode()
    assert "洛阳理工学院" in page
    assert base.alliance.name in page and base.other_alliance.name in page
    assert 'data-testid="ip-edit"' not in page  # the public does not edit
    assert client.get(reverse("ipbase:patent", args=[999999])).status_code == 404


def test_the_registry_page_links_to_the_alliances_patents(client, base):
    page = client.get(
        reverse("alliances:registry_detail", args=[base.alliance.pk])
    ).content.decode()
    assert 'data-testid="alliance-link-ipbase"' in page
    assert reverse("ipbase:alliance", args=[base.alliance.pk]) in page


def test_the_alliance_page_lists_what_it_reported(client, login, base, report_patent):
    # the other alliance reports the patent the refractory alliance reported first
    report_patent(base.other_applicant, base.other_alliance, holders=[base.shared.uscc])
    page = client.get(reverse("ipbase:alliance", args=[base.other_alliance.pk])).content.decode()
    assert "一种耐火材料的制备方法" in page and "关节减速器" in page
    assert f"{base.alliance.name}先报送" in page
    assert 'data-testid="ip-patent-new"' not in page
    login(base.other_applicant)
    page = client.get(reverse("ipbase:alliance", args=[base.other_alliance.pk])).content.decode()
    assert 'data-testid="ip-patent-new"' in page
    page = client.get(
        reverse("ipbase:alliance", args=[base.alliance.pk]), {"tab": "standards"}
    ).content.decode()
    assert "GB/T 12345-2020" in page
    assert 'data-testid="ip-patent-new"' not in page  # not his alliance


def test_the_form_reports_and_merges(client, login, ip):
    login(ip.applicant)
    url = reverse("ipbase:patent_new", args=[ip.alliance.pk])
    page = client.get(url).content.decode()
    assert "河南科技大学" in page and "洛阳理工学院" in page  # the members to choose from
    data = {
        "number": "CN 2020 1 0123456.2",
        "title": "一种耐火材料的制备方法",
        "status": "granted",
        "year": "2023",
        "holders": [ip.lead.uscc, ip.university.uscc],
        "licences_inside": "1",
        "licences_outside": "0",
    }
    response = client.post(url, data)
    patent = Patent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ipbase:patent", args=[patent.pk])
    assert patent.number == P1
    # the same number again (double click, or a later report): merged, not repeated
    response = client.post(url, {**data, "number": "zl202010123456", "status": "lapsed"})
    assert response.status_code == 302
    assert Patent.objects.count() == 1
    assert Patent.objects.get().status == "lapsed"


def test_a_refused_form_says_what_to_fix_and_keeps_what_was_typed(client, login, ip):
    login(ip.applicant)
    url = reverse("ipbase:patent_new", args=[ip.alliance.pk])
    response = client.post(
        url, {"number": "ZL202010123456.7", "title": "一种耐火砖", "year": "2023"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "校验位应为 2" in page
    assert "请至少选择一个专利权人" in page
    assert 'value="一种耐火砖"' in page
    assert Patent.objects.count() == 0


def test_another_units_applicant_is_refused(client, login, ip):
    login(ip.other_applicant)
    response = client.get(reverse("ipbase:patent_new", args=[ip.alliance.pk]))
    assert response.status_code == 404
    assert "只有联盟牵头单位的申报人" in response.content.decode()
    response = client.post(
        reverse("ipbase:standard_new", args=[ip.alliance.pk]),
        {"number": "GB/T 1-2020", "title": "x", "status": "published", "year": "2023"},
    )
    assert response.status_code == 404
    assert Standard.objects.count() == 0
    client.logout()
    login(ip.department)
    assert client.get(reverse("ipbase:patent_new", args=[ip.alliance.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, ip):
    response = client.get(reverse("ipbase:patent_new", args=[ip.alliance.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_edit_form(client, login, base):
    patent = Patent.objects.get(number=P1)
    login(base.applicant)
    url = reverse("ipbase:patent_edit", args=[patent.pk])
    page = client.get(url).content.decode()
    assert 'value="一种耐火材料的制备方法"' in page
    response = client.post(
        url,
        {
            "number": P1,
            "title": "一种低导热耐火材料的制备方法",
            "status": "granted",
            "year": "2023",
            "holders": [base.lead.uscc],
        },
    )
    assert response.status_code == 302
    patent.refresh_from_db()
    assert patent.title == "一种低导热耐火材料的制备方法"
    assert [h["uscc"] for h in patent.holders] == [base.lead.uscc]  # 河南科技大学 removed
    # an alliance that never reported it cannot edit it
    client.logout()
    login(base.farm_applicant)
    assert client.get(url).status_code == 404


def _workbook(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "专利"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["专利号", "专利名称", "专利类型", "法律状态", "专利权人", "联盟内许可数", "联盟外许可数"]


def _upload(content: bytes, name: str = "专利.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_template_downloads(client, ip):
    response = client.get(reverse("ipbase:patents_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["专利"][1]] == HEADER
    response = client.get(reverse("ipbase:standards_template"))
    assert [c.value for c in load_workbook(io.BytesIO(response.content))["标准"][1]][0] == "标准号"


def test_an_import_of_good_rows(client, login, ip, report_patent):
    report_patent(ip.other_applicant, ip.other_alliance, holders=[ip.shared.uscc])
    login(ip.applicant)
    content = _workbook(
        HEADER,
        [
            ["zl 2020 1012 3456", "一种耐火材料的制备方法", "", "已授权", "洛阳理工学院", 2, None],
            [
                P2,
                "一种耐火砖成型模具",
                "实用新型专利",
                "已申请",
                f"{ip.lead.uscc}；河南科技大学",
                None,
                None,
            ],
        ],
    )
    response = client.post(
        reverse("ipbase:import", args=[ip.alliance.pk]),
        {"kind": "patents", "year": "2023", "file": _upload(content)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Patent.objects.count() == 2  # one new, one merged
    assert PatentReport.objects.filter(alliance=ip.alliance, source="xlsx").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "新增 1 项，合并 1 项" in page


def test_an_import_with_a_bad_row_saves_nothing_and_lists_each_row(client, login, ip):
    login(ip.applicant)
    content = _workbook(
        HEADER,
        [
            [P1, "一种耐火材料的制备方法", "", "已授权", "河南科技大学", 1, 0],
            ["ZL202010123456.7", "", "", "授权", "不存在的单位", -1, None],
            [P2, "一种耐火砖成型模具", "", "已申请", "洛阳理工学院", None, None],
            ["zl202010123456", "重复的一行", "", "已授权", "河南科技大学", None, None],
        ],
    )
    response = client.post(
        reverse("ipbase:import", args=[ip.alliance.pk]),
        {"kind": "patents", "year": "2023", "file": _upload(content)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "有 2 行需要修改，未导入任何一行" in page
    assert "第 3 行" in page and "校验位应为 2" in page and "不存在的单位" in page
    assert "第 5 行" in page and "与第 2 行重复" in page
    assert "第 2 行</td>" not in page and "第 4 行</td>" not in page
    assert Patent.objects.count() == 0
    assert PatentReport.objects.count() == 0


def test_an_import_of_something_else_is_refused(client, login, ip):
    login(ip.applicant)
    url = reverse("ipbase:import", args=[ip.alliance.pk])
    response = client.post(
        url, {"kind": "patents", "year": "2023", "file": _upload(b"not a workbook", "x.xlsx")}
    )
    assert response.status_code == 422
    assert "不是 Excel 工作簿" in response.content.decode()
    response = client.post(
        url, {"kind": "patents", "year": "2023", "file": _upload(_workbook(["名称"], [["x"]]))}
    )
    assert "缺少“专利号”" in response.content.decode()
    response = client.post(url, {"kind": "patents", "year": "2023"})
    assert "请选择要导入的 Excel 文件" in response.content.decode()
    client.logout()
    login(ip.other_applicant)
    assert client.get(url).status_code == 404
