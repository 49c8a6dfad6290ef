"""The expert pool and the review rounds as XLSX (the rows the pages list, every row)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core.access import permission
from lianmeng.core.reauth import recent_auth
from lianmeng.documents.xlsx import write_table, xlsx_response

from . import selectors


def _profile(user: Any) -> Any:
    try:
        return user.expert_profile
    except ObjectDoesNotExist:
        return None


@permission("experts.manage_rounds")
@recent_auth  # experts' phones and e-mails (issue 12)
def pool_xlsx(request: HttpRequest) -> HttpResponse:
    headers = [
        _("姓名"),
        _("职称/职务"),
        _("所在单位"),
        _("专业领域"),
        _("所在地区"),
        _("联系电话"),
        _("电子邮箱"),
        _("可接受任务"),
        _("回避单位"),
    ]
    separator = pgettext("list separator", "、")

    paths = selectors.contact_paths(request.user)
    hidden = _("（非本辖区专家，不显示）")

    def rows() -> Any:
        for user in selectors.pool_users(viewer=request.user).iterator(chunk_size=1000):
            contact = selectors.contact_visible(request.user, user, paths)
            profile = _profile(user)
            region = profile.region if profile is not None and profile.region_id else None
            if region is None and user.unit_id and user.unit.region_id:
                region = user.unit.region
            yield [
                str(user),
                profile.title if profile else "",
                user.unit.name if user.unit_id else "",
                separator.join(profile.fields) if profile else "",
                region.name if region else "",
                (profile.phone if profile else "") if contact else hidden,
                ((profile.email if profile else "") or user.email) if contact else hidden,
                (_("是") if profile.available else _("否")) if profile else _("未完善"),
                len(profile.declared_conflicts) if profile else 0,
            ]

    return xlsx_response(write_table(headers, rows(), sheet_title=_("专家库")), "专家库.xlsx")


@permission("experts.manage_rounds")
def rounds_xlsx(request: HttpRequest) -> HttpResponse:
    headers = [
        _("名称"),
        _("年度"),
        _("申报数"),
        _("任务数"),
        _("已提交"),
        _("评审截止"),
        _("状态"),
    ]
    rows = (
        [
            r.title,
            r.call_year,
            r.proposal_count,
            r.assignment_count,
            r.submitted_count,
            r.closes_at,
            r.get_status_display(),
        ]
        for r in selectors.round_list(viewer=request.user)
    )
    return xlsx_response(write_table(headers, rows, sheet_title=_("评审轮次")), "评审轮次.xlsx")
