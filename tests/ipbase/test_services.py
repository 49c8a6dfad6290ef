"""Reporting: the lead unit reports for its alliance; a number reported again (by another
alliance, another year, another spelling) is merged, never repeated; every report is kept."""

from __future__ import annotations

import pytest

from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.ipbase import selectors, services
from lianmeng.ipbase.models import Patent, PatentReport, Standard, StandardReport

from .conftest import P1


def test_a_report_creates_one_row_with_the_alliance_particulars(ip, report_patent):
    patent, created = report_patent(ip.applicant, ip.alliance, number="CN 2020 1 0123456.2")
    assert created
    assert patent.number == P1
    assert patent.kind == "invention"  # from the number's kind digit
    assert patent.alliance == ip.alliance
    assert patent.region == ip.lead.region
    assert patent.field == "industry"
    assert patent.holders == [{"name": ip.lead.name, "uscc": ip.lead.uscc}]
    assert patent.created_by == ip.applicant
    assert "耐火" in patent.search_text.split()
    assert AuditEntry.objects.filter(action="lianmeng.ipbase.patent_reported").count() == 1


def test_the_same_number_from_another_alliance_is_merged(ip, report_patent):
    first, _ = report_patent(ip.applicant, ip.alliance, year=2022, status="applied")
    again, created = report_patent(
        ip.other_applicant,
        ip.other_alliance,
        number="zl 2020 1012 3456",  # another spelling, no check character
        year=2023,
        status="granted",
        licences_inside=5,
        licences_outside=0,
        holders=[ip.shared.uscc],
    )
    assert not created
    assert again.pk == first.pk
    assert Patent.objects.count() == 1
    again.refresh_from_db()
    assert again.status == "granted"  # the latest year's
    assert (again.licences_inside, again.licences_outside) == (5, 0)
    assert again.year == 2023
    assert again.alliance == ip.alliance  # who reported it first
    assert {h["uscc"] for h in again.holders} == {ip.lead.uscc, ip.shared.uscc}
    assert PatentReport.objects.filter(patent=again).count() == 2
    # each alliance's own list shows it
    assert list(selectors.alliance_patents(ip.alliance)) == [again]
    assert list(selectors.alliance_patents(ip.other_alliance)) == [again]
    assert AuditEntry.objects.filter(action="lianmeng.ipbase.patent_merged").count() == 1


def test_an_older_report_merges_holders_but_keeps_the_latest_status(ip, report_patent):
    report_patent(ip.applicant, ip.alliance, year=2023, status="granted", licences_inside=4)
    patent, _ = report_patent(
        ip.other_applicant,
        ip.other_alliance,
        year=2021,
        status="applied",
        licences_inside=0,
        holders=[ip.robotics.uscc],
    )
    patent.refresh_from_db()
    assert patent.status == "granted"
    assert patent.licences_inside == 4
    assert patent.year == 2023
    assert ip.robotics.uscc in {h["uscc"] for h in patent.holders}


def test_holders_are_the_alliance_members_by_uscc_or_name(ip, report_patent):
    patent, _ = report_patent(
        ip.applicant, ip.alliance, holders=["河南科技大学", ip.shared.uscc, ip.shared.uscc]
    )
    assert [h["name"] for h in patent.holders] == ["河南科技大学", "洛阳理工学院"]
    with pytest.raises(ValidationFailed) as info:
        report_patent(ip.applicant, ip.alliance, holders=[ip.robotics.uscc])
    assert "不是本联盟成员" in info.value.details["fields"]["holders"]
    with pytest.raises(ValidationFailed) as info:
        report_patent(ip.applicant, ip.alliance, holders=[])
    assert "请至少选择一个专利权人" in info.value.details["fields"]["holders"]


def test_a_member_who_left_is_no_longer_a_holder_choice(ip, report_patent):
    from datetime import date

    from lianmeng.running.models import Member

    Member.objects.filter(unit=ip.university).update(left_on=date(2023, 1, 1))
    assert "河南科技大学" not in {m["name"] for m in selectors.members_of(ip.alliance)}
    with pytest.raises(ValidationFailed):
        report_patent(ip.applicant, ip.alliance, holders=[ip.university.uscc])


def test_invalid_input_says_what_to_fix_and_saves_nothing(ip, report_patent):
    with pytest.raises(ValidationFailed) as info:
        report_patent(
            ip.applicant,
            ip.alliance,
            number="ZL202010123456.7",
            title="",
            status="授权了",
            licences_inside=-1,
            year=1900,
        )
    fields = info.value.details["fields"]
    assert "校验位应为 2" in fields["number"]
    assert "请填写专利名称" in fields["title"]
    assert "已申请" in fields["status"]
    assert "0 至" in fields["licences_inside"]
    assert "年度应为" in fields["year"]
    assert Patent.objects.count() == 0
    assert PatentReport.objects.count() == 0


def test_a_kind_that_contradicts_the_number_is_refused(ip, report_patent):
    with pytest.raises(ValidationFailed) as info:
        report_patent(ip.applicant, ip.alliance, kind="design")
    assert "发明专利" in info.value.details["fields"]["kind"]


def test_labels_are_read_as_well_as_ids(ip, report_patent):
    patent, _ = report_patent(ip.applicant, ip.alliance, kind="发明专利", status="已授权")
    assert (patent.kind, patent.status) == ("invention", "granted")


@pytest.mark.parametrize("who", ["other_applicant", "member_user", "department"])
def test_only_the_lead_units_applicants_report(ip, report_patent, who):
    with pytest.raises(PermissionDenied) as info:
        report_patent(getattr(ip, who), ip.alliance)
    assert "牵头单位的申报人" in info.value.message
    assert Patent.objects.count() == 0


def test_a_revoked_alliance_reports_nothing(ip, report_patent):
    from lianmeng.alliances.models import Alliance

    Alliance.objects.filter(pk=ip.alliance.pk).update(status="revoked")
    with pytest.raises(PermissionDenied, match="撤销或解散"):
        report_patent(ip.applicant, ip.alliance)


def test_a_report_of_the_year_can_be_attached(ip, report_patent):
    from lianmeng.core import clock
    from lianmeng.reporting.models import Report

    report = Report.objects.create(
        alliance=ip.alliance,
        profile="luoyang",
        kind="self_evaluation",
        year=2023,
        region=ip.lead.region,
        lead_unit=ip.lead,
        created_at=clock.now(),
    )
    patent, _ = services.patent_report(
        actor=ip.applicant,
        alliance_id=ip.alliance.pk,
        data={
            "number": P1,
            "title": "一种耐火材料",
            "status": "granted",
            "holders": [ip.lead.uscc],
        },
        year=2023,
        report_id=report.pk,
    )
    assert PatentReport.objects.get(patent=patent).report == report
    with pytest.raises(ValidationFailed) as info:
        services.patent_report(
            actor=ip.applicant,
            alliance_id=ip.alliance.pk,
            data={
                "number": P1,
                "title": "一种耐火材料",
                "status": "granted",
                "holders": [ip.lead.uscc],
            },
            year=2022,
            report_id=report.pk,
        )
    assert "与填写的年度不符" in info.value.details["fields"]["report"]


def test_standards_merge_by_number_and_drafters_by_uscc(ip, report_standard):
    first, created = report_standard(
        ip.applicant, ip.alliance, number="gb/t12345—2020", status="drafting", year=2021
    )
    assert created and first.number == "GB/T 12345-2020" and first.level == "national"
    again, created = report_standard(
        ip.other_applicant,
        ip.other_alliance,
        number="ＧＢ／Ｔ　１２３４５－２０２０",
        drafters=[ip.shared.uscc],
        year=2022,
    )
    assert not created and again.pk == first.pk
    again.refresh_from_db()
    assert again.status == "published"
    assert {d["name"] for d in again.drafters} == {ip.lead.name, "洛阳理工学院"}
    assert Standard.objects.count() == 1
    assert StandardReport.objects.count() == 2
    with pytest.raises(ValidationFailed) as info:
        report_standard(ip.applicant, ip.alliance, number="T/CAS 1-2021", level="national")
    assert "团体标准" in info.value.details["fields"]["level"]


def test_an_edit_may_drop_own_members_but_keeps_other_alliances_holders(ip, report_patent):
    report_patent(ip.applicant, ip.alliance, holders=[ip.lead.uscc, ip.university.uscc])
    report_patent(ip.other_applicant, ip.other_alliance, holders=[ip.robotics.uscc])
    patent, _ = services.patent_report(
        actor=ip.applicant,
        alliance_id=ip.alliance.pk,
        data={
            "number": P1,
            "title": "一种耐火材料的制备方法（修改）",
            "status": "granted",
            "holders": [ip.lead.uscc],
        },
        year=2023,
        edit=True,
    )
    assert {h["uscc"] for h in patent.holders} == {ip.lead.uscc, ip.robotics.uscc}
    assert patent.title == "一种耐火材料的制备方法（修改）"
