"""Exports of the annual evaluation: results and score sheets as XLSX and PDF, the warning notice
as PDF with its verification code checked at /verify/<code>, and who may download each."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from .test_services import LY_INDICATORS, _open, _scores

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)


def _verifying(world):
    """A Luoyang campaign in 核定: bearing (pinggu is a member: only other_firm scores it)
    fails with 54, materials is excellent with 93."""
    from lianmeng.evaluation import services

    campaign = _open(world)
    for user in (world.pinggu, world.other_firm):
        services.evaluator_add(actor=world.luoyang, campaign_id=campaign.pk, user_id=user.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    values = {
        world.bearing.pk: {world.pinggu.pk: 50, world.other_firm.pk: 54},
        world.materials.pk: {world.pinggu.pk: 95, world.other_firm.pk: 91},
    }
    for row in campaign.evaluations.all():
        for task in row.assignments.all():
            services.score_save(
                actor=task.evaluator,
                evaluation_id=row.pk,
                scores=_scores(values[row.alliance_id][task.evaluator_id]),
                comments={"meetings": "理事会=全年未召开"}
                if row.alliance_id == world.bearing.pk
                else {},
                final=True,
            )
    return services.advance(actor=world.luoyang, campaign_id=campaign.pk)


def _published(world):
    from lianmeng.evaluation import services

    campaign = _verifying(world)
    bearing = campaign.evaluations.get(alliance=world.bearing)
    services.adjust(
        actor=world.luoyang, evaluation_id=bearing.pk, score="58", reason="复核会议纪要后加分"
    )
    return services.advance(actor=world.luoyang, campaign_id=campaign.pk)  # no notice: published


def _text(pdf: bytes, tmp_path, name: str = "doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


def _sheet(content: bytes):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return book.worksheets[0]


def test_results_xlsx_ranks_grades_and_adjustment(world, today, client, login):
    from lianmeng.evaluation.models import Campaign

    campaign = _published(world)
    login(world.luoyang)
    response = client.get(f"/staff/evaluations/{campaign.pk}/results.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = _sheet(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "名次",
        "联盟名称",
        "牵头单位",
        "所属地区",
        "评价人平均分",
        "核定得分",
        "调整理由",
        "最终得分",
        "等级",
    )
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 30
    first, second = rows[1], rows[2]
    assert (first[0], first[1], first[7], first[8]) == (1, world.materials.name, 93, "优秀")
    assert (second[0], second[1], second[4], second[5], second[6], second[8]) == (
        2,
        world.bearing.name,
        54,
        58,
        "复核会议纪要后加分",
        "不合格",
    )
    assert len(rows) == 3
    assert Campaign.objects.get(pk=campaign.pk).stage == "published"


def test_department_below_exports_its_area_only_after_results_are_out(world, today, client, login):
    from lianmeng.core.models import Unit

    campaign = _verifying(world)
    login(world.county)
    url = f"/staff/evaluations/{campaign.pk}/results.xlsx"
    refused = client.get(url)
    assert refused.status_code == 404
    assert "公示后" in refused.content.decode()
    from lianmeng.evaluation import services

    bearing = campaign.evaluations.get(alliance=world.bearing)
    services.adjust(actor=world.luoyang, evaluation_id=bearing.pk, score="58", reason="核定")
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    # both alliances' lead units are in 410305 (the county): move one out of its area
    other = Unit.objects.get(pk=world.materials.lead_unit_id)
    assert other.region.code == "410305"
    campaign.evaluations.filter(alliance=world.materials).update(region=world.baoding.jurisdiction)
    rows = list(_sheet(client.get(url).content).iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [world.bearing.name]


def test_results_pdf_public_after_publication_with_code(world, today, client, tmp_path):
    campaign = _verifying(world)
    url = f"/evaluations/campaigns/{campaign.pk}/results.pdf"
    assert client.get(url).status_code == 404  # the public: not before the notice
    from lianmeng.evaluation import services

    bearing = campaign.evaluations.get(alliance=world.bearing)
    services.adjust(actor=world.luoyang, evaluation_id=bearing.pk, score="58", reason="核定")
    campaign = services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    code = campaign.verification_code
    display = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    assert "洛阳市轴承产业技术创新战略联盟" in text and "洛阳市新材料产业技术创新战略联盟" in text
    assert "结果" in text and "不合格" in text and "优秀" in text
    assert display in text
    assert "洛阳市科学技术局" in text
    fonts = _fonts(response.content, tmp_path)
    assert "NotoSerifCJK" in fonts.replace(" ", "") or "Noto" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())
    # the results' verification code is found at /verify/<code>
    page = client.get(f"/verify/{display.lower()}", follow=True).content.decode()
    assert "绩效评价结果" in page and campaign.title in page
    assert "不合格" in page


def test_organiser_prints_draft_results_from_verifying(world, today, client, login, tmp_path):
    campaign = _open(world)
    login(world.luoyang)
    url = f"/evaluations/campaigns/{campaign.pk}/results.pdf"
    refused = client.get(url)
    assert refused.status_code == 404 and "核定阶段" in refused.content.decode()
    from lianmeng.evaluation import services

    for user in (world.pinggu, world.other_firm):
        services.evaluator_add(actor=world.luoyang, campaign_id=campaign.pk, user_id=user.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)  # → verifying, unscored
    text = _text(client.get(url).content, tmp_path)
    assert "核定稿" in text and "未公布" in text
    assert "核验码" not in text


def test_scores_xlsx_and_sheet_pdf_for_the_organiser_only(world, today, client, login, tmp_path):
    campaign = _published(world)
    bearing = campaign.evaluations.get(alliance=world.bearing)
    for who in (world.county, world.lead_user, world.pinggu, world.other_firm, world.henan):
        client.logout()
        login(who)
        assert client.get(f"/staff/evaluations/{campaign.pk}/scores.xlsx").status_code == 404
        assert client.get(f"/evaluations/{bearing.pk}/scores.pdf").status_code == 404
    client.logout()
    login(world.luoyang)
    sheet = _sheet(client.get(f"/staff/evaluations/{campaign.pk}/scores.xlsx").content)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("联盟名称", "牵头单位", "评价人", "评价主体")
    assert header[-2:] == ("加权总分", "提交时间")
    # three tasks: pinggu is a member of the bearing alliance and was skipped there
    assert len(rows) == 4
    assert sorted(r[0] for r in rows[1:]) == sorted(
        [world.bearing.name, world.materials.name, world.materials.name]
    )
    bearing_row = next(r for r in rows[1:] if r[0] == world.bearing.name)
    assert bearing_row[3] == "第三方评价机构"
    assert Decimal(str(bearing_row[-2])) == Decimal("54")
    comment = next(i for i, h in enumerate(header) if h.endswith("评语") and h.startswith("理事会"))
    assert bearing_row[comment] == "理事会=全年未召开"  # a comment is text, never a formula
    assert sheet.cell(row=2, column=1).data_type == "s"
    # one alliance's score sheet (PDF)
    response = client.get(f"/evaluations/{bearing.pk}/scores.pdf")
    assert response.status_code == 200
    text = "".join(_text(response.content, tmp_path).split())
    assert "评分表" in text and world.bearing.name in text
    assert "复核会议纪要后加分" in text and "58.00" in text and "不合格" in text
    assert "理事会=全年未召开" in text and "第三方评价机构" in text
    assert len(LY_INDICATORS) == 7


def test_warning_notice_pdf_and_verification(world, today, client, login, tmp_path):
    from lianmeng.evaluation.models import Rectification

    _published(world)
    rect = Rectification.objects.get(alliance=world.bearing)
    url = f"/rectifications/{rect.pk}/warning.pdf"
    for who in (world.lead2_user, world.hn_lead_user, world.baoding, world.pinggu):
        client.logout()
        login(who)
        assert client.get(url).status_code == 404, who
    client.logout()
    assert client.get(url).status_code in (302, 404)
    for who in (world.county, world.luoyang, world.lead_user):
        client.logout()
        login(who)
        assert client.get(url).status_code == 200, who
    pdf = client.get(url).content
    text = _text(pdf, tmp_path)
    flat = "".join(text.split())
    assert "关于对洛阳市轴承产业技术创新战略联盟予以警告并限期整改的通知" in flat
    assert "洛阳轴承研究所有限公司" in flat
    assert "不合格" in flat and "第九条" in flat
    assert "二〇二六年九月二日" in flat  # the deadline, six months after 2026-03-02
    assert "取消其享受扶持与奖励政策的资格" in flat
    assert "洛阳市科学技术局" in flat and "二〇二六年三月二日" in flat
    code = rect.warning_code
    display = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    assert display in text
    page = client.get(f"/verify/{code}", follow=True).content.decode()
    assert "警告并限期整改通知" in page and world.bearing.name in page
    assert "整改中" in page and date(2026, 9, 2).strftime("%Y年%-m月%-d日") in page


def test_warning_notice_henan_cites_its_article(world, today, tmp_path):
    from datetime import timedelta

    from lianmeng.evaluation import exports, services
    from lianmeng.evaluation.models import Rectification

    campaign = _open(world, "henan", world.henan)
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    for alliance, score in ((world.bio, "40"), (world.smart, "90")):
        row = campaign.evaluations.get(alliance=alliance)
        services.adjust(actor=world.henan, evaluation_id=row.pk, score=score, reason="核定")
    services.advance(actor=world.henan, campaign_id=campaign.pk)  # notice
    today[0] += timedelta(days=7)
    services.advance(actor=world.henan, campaign_id=campaign.pk)  # published
    rect = Rectification.objects.get(alliance=world.bio)
    flat = "".join(_text(exports.warning_pdf(rect), tmp_path).split())
    assert "河南省科学技术厅" in flat and "五(三)" in flat
    assert "取消其河南省产业技术创新战略联盟资格" in flat


def test_results_pdf_page_renders(world, today, tmp_path):
    """Render the first page of the results and the warning for a look (tests/…/*.png)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    from lianmeng.evaluation import exports
    from lianmeng.evaluation.models import Evaluation, Rectification

    campaign = _published(world)
    rows = Evaluation.objects.filter(campaign=campaign)
    for name, pdf in (
        ("results", exports.results_pdf(campaign, rows)),
        ("warning", exports.warning_pdf(Rectification.objects.get(alliance=world.bearing))),
        (
            "sheet",
            exports.score_sheet_pdf(
                rows.get(alliance=world.bearing),
                list(
                    rows.get(alliance=world.bearing).assignments.select_related("evaluator__unit")
                ),
            ),
        ),
    ):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path), str(tmp_path / name)],
            check=True,
        )
        assert list(tmp_path.glob(f"{name}*.png"))


def test_results_xlsx_reads_the_rows_in_one_query(world, today, django_assert_max_num_queries):
    """The export reads plain rows (no query per alliance), whatever the campaign's size."""
    from lianmeng.evaluation import exports, selectors

    campaign = _published(world)
    rows = selectors.evaluations(world.luoyang, campaign, selectors.ORGANISER)
    with django_assert_max_num_queries(1):
        content = exports.results_xlsx(campaign, rows)
    assert _sheet(content).max_row == 3
