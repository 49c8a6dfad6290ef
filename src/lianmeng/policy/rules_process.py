"""申报材料、申报通知和政策有效期的规则（时间一律按北京时间判断）。

Rules on materials, the call's window and focus areas, and the policy's validity.
"""

from __future__ import annotations

from typing import Any

from lianmeng.policy import catalogue as cat
from lianmeng.policy.models import RequiredMaterial
from lianmeng.policy.registry import Context, Outcome, rule
from lianmeng.policy.similarity import normalise
from lianmeng.policy.timeutil import closes_at, format_beijing, opens_at


def _required_materials(ctx: Context, year: int) -> tuple[list[RequiredMaterial], str]:
    call = ctx.call_terms()
    if call and call.materials:
        return [m.value for m in call.materials], f"{year} 年申报通知"
    return [m.value for m in ctx.profile.materials], "政策配置"


@rule("materials.complete")
def materials_complete(ctx: Context, _: cat.NoParams) -> Outcome:
    year = ctx.call_year
    required, source = _required_materials(ctx, year)
    given = {m.kind for m in ctx.proposal.materials or []}
    missing = [m for m in required if not m.kinds() & given]
    evidence = {
        "required": [m.kind for m in required],
        "missing": [m.kind for m in missing],
        "source": source,
    }
    if not missing:
        return Outcome("pass", f"所需 {len(required)} 种申报材料均已提供", evidence)
    titles = "、".join(f"《{m.title}》" for m in missing)
    return Outcome("fail", f"缺少申报材料：{titles}；请上传后再提交", evidence)


@rule("call.within_window")
def call_within_window(ctx: Context, _: cat.NoParams) -> Outcome:
    inferred = ctx.call is None and ctx.proposal.call_year is None
    year = ctx.call_year
    call = ctx.call_terms()
    evidence: dict[str, Any] = {
        "call_year": year,
        "call_year_inferred": inferred,
        "judged_at": format_beijing(ctx.at),
    }
    if call is None:
        return Outcome("manual", f"没有 {year} 年的申报通知，需人工确认申报时间", evidence)
    opens, closes = opens_at(call.online_opens.value), closes_at(call.online_closes.value)
    evidence |= {"opens": format_beijing(opens), "closes": format_beijing(closes)}
    window = f"{opens:%Y-%m-%d %H:%M} 至 {closes:%Y-%m-%d %H:%M:%S}（北京时间）"
    moment = f"{ctx.at:%Y-%m-%d %H:%M:%S}"
    if ctx.at < opens:
        return Outcome(
            "fail", f"{year} 年网上填报时间为 {window}，提交时间 {moment} 早于开始时间", evidence
        )
    if ctx.at > closes:
        return Outcome(
            "fail",
            f"{year} 年网上填报时间为 {window}，提交时间 {moment} 已过截止时间，逾期不予受理",
            evidence,
        )
    return Outcome("pass", f"提交时间 {moment} 在 {year} 年网上填报时间 {window} 内", evidence)


@rule("call.focus_area")
def call_focus_area(ctx: Context, _: cat.NoParams) -> Outcome:
    call = ctx.call_terms()
    cited = call.focus_areas if call and call.focus_areas else ctx.profile.focus_areas
    areas = cited.value if cited else []
    area = ctx.proposal.focus_area
    evidence = {"focus_area": area, "supported": areas}
    if not area:
        return Outcome("manual", "未填写“重点领域”，需人工判断是否属于支持范围", evidence)
    wanted = normalise(area)
    hits = [a for a in areas if normalise(a) in wanted or wanted in normalise(a)]
    if hits:
        return Outcome("pass", f"重点领域“{area}”属于支持范围（{hits[0]}）", evidence)
    return Outcome(
        "fail",
        f"重点领域“{area}”不在支持范围（{'、'.join(areas)}）内，建议说明与支持领域的关系",
        evidence,
    )


@rule("policy.in_force")
def policy_in_force(ctx: Context, _: cat.NoParams) -> Outcome:
    validity, day = ctx.profile.validity, ctx.at.date()
    start = validity.valid_from.value if validity.valid_from else None
    end = validity.valid_until.value if validity.valid_until else None
    doc = ctx.profile.documents[0]
    title = f"《{doc.title.value}》" + (f"（{doc.number.value}）" if doc.number else "")
    evidence = {
        "date": day.isoformat(),
        "valid_from": start and start.isoformat(),
        "valid_until": end and end.isoformat(),
    }
    if start and day < start:
        return Outcome(
            "fail", f"申报日期 {day} 早于{title}施行日期 {start}，请在施行后申报", evidence
        )
    if end and day > end:
        return Outcome(
            "fail",
            f"{title}有效期至 {end}，申报日期 {day} 已超出有效期，不能按该办法申报",
            evidence,
        )
    return Outcome("pass", f"申报日期 {day} 在{title}有效期内", evidence)
