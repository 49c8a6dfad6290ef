"""牵头单位、成员单位、研发平台和同领域联盟的规则。

Rules on the lead unit, the member roster, R&D platforms and duplicate alliances.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lianmeng.policy import catalogue as cat
from lianmeng.policy.interchange import Member
from lianmeng.policy.regions import lead_region, member_region
from lianmeng.policy.registry import KIND_NAMES, POSITION_NAMES, Context, Outcome, rule
from lianmeng.policy.results import ExistingAlliance
from lianmeng.policy.similarity import SIMILARITY_THRESHOLD, alliance_core, normalise, similarity
from lianmeng.policy.uscc import IdentityError, validate_org_code, validate_uscc


def _names(items: Sequence[str], limit: int = 5) -> str:
    shown = "、".join(items[:limit])
    return f"{shown}等 {len(items)} 家" if len(items) > limit else shown


def _same_name(left: str, right: str) -> bool:
    return normalise(left) == normalise(right)


@rule("lead.registered_locally")
def lead_registered_locally(ctx: Context, _: cat.NoParams) -> Outcome:
    region, source = lead_region(ctx.proposal)
    prefix = ctx.profile.jurisdiction_prefix()
    evidence = {
        "region_code": region,
        "source": source,
        "jurisdiction": ctx.profile.jurisdiction.value,
    }
    if region is None:
        return Outcome(
            "manual",
            "无法从统一社会信用代码或成员名单中的“所在地”判断牵头单位注册地，请补充牵头单位的统一社会信用代码",
            evidence,
        )
    if region.startswith(prefix):
        return Outcome("pass", f"牵头单位注册地 {region} 在{ctx.area}内", evidence)
    return Outcome(
        "fail",
        f"牵头单位注册地为 {region}，不在{ctx.area}内；牵头单位须为在{ctx.profile.name.value}内注册的独立法人单位",
        evidence,
    )


@rule("lead.is_member")
def lead_is_member(ctx: Context, _: cat.NoParams) -> Outcome:
    proposal = ctx.proposal
    leads = [i for i, m in enumerate(proposal.members) if m.role == "lead"]
    evidence: dict[str, Any] = {"lead_unit": proposal.lead_unit.name, "lead_members": leads}
    if not leads:
        return Outcome(
            "fail",
            "成员名单中没有牵头单位，请把“二、牵头单位基本情况”中的牵头单位列入成员名单",
            evidence,
        )
    if len(leads) > 1:
        return Outcome(
            "fail", f"成员名单中有 {len(leads)} 家单位标为牵头单位，牵头单位只能有一家", evidence
        )
    member, lead = proposal.members[leads[0]], proposal.lead_unit
    evidence["member"] = member.name
    mismatches = []
    if not _same_name(member.name, lead.name):
        mismatches.append(f"名称“{lead.name}”与“{member.name}”")
    for attr, label in (("uscc", "统一社会信用代码"), ("org_code", "组织机构代码")):
        mine, theirs = getattr(lead, attr), getattr(member, attr)
        if mine and theirs and normalise(mine) != normalise(theirs):
            mismatches.append(f"{label} {mine} 与 {theirs}")
    if mismatches:
        return Outcome(
            "fail",
            f"牵头单位基本情况与成员名单中的牵头单位不一致：{'；'.join(mismatches)}，请统一",
            evidence,
        )
    return Outcome("pass", f"牵头单位“{lead.name}”已列入成员名单", evidence)


def _problem(path: str, name: str, problem: str) -> dict[str, str]:
    return {"path": path, "name": name, "problem": problem}


_CODE_NAMES = {"uscc": "统一社会信用代码", "org_code": "组织机构代码"}


def _where(path: str) -> str:
    """A problem's JSON path as the form names the place: ``$.members[2].org_code`` →
    ``成员名单第 3 行的组织机构代码`` (the path itself stays in the evidence)."""
    match = re.fullmatch(r"\$\.(?:members\[(\d+)\]|(lead_unit))(?:\.(\w+))?", path)
    if not match:
        return path
    row, _lead, attr = match.groups()
    where = f"成员名单第 {int(row) + 1} 行" if row is not None else "牵头单位基本情况"
    return where + (f"的{_CODE_NAMES.get(attr, attr)}" if attr else "")


def _member_identity(member: Member, path: str) -> tuple[list[str], list[dict[str, str]]]:
    """Identity keys (codes first, then name) and the problems of one member's codes."""
    if not member.uscc and not member.org_code:
        problem = "未填写统一社会信用代码或组织机构代码，请补充"
        return [f"名称 {normalise(member.name)}"], [_problem(path, member.name, problem)]
    problems, keys = [], []
    uscc = org = None
    try:
        uscc = validate_uscc(member.uscc) if member.uscc else None
        org = validate_org_code(member.org_code) if member.org_code else None
    except IdentityError as exc:
        where = "org_code" if uscc or not member.uscc else "uscc"
        problems.append(_problem(f"{path}.{where}", member.name, str(exc)))
    if uscc and org and uscc[8:17] != org.replace("-", ""):
        mismatch = "统一社会信用代码第 9–17 位与组织机构代码不一致，请核对"
        problems.append(_problem(f"{path}.org_code", member.name, mismatch))
    if uscc:
        keys += [f"统一社会信用代码 {uscc}", f"组织机构代码 {uscc[8:17]}"]
    elif org:
        keys.append(f"组织机构代码 {org.replace('-', '')}")
    return [*keys, f"名称 {normalise(member.name)}"], problems


def _identity_problems(ctx: Context) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    lead = ctx.proposal.lead_unit
    for attr, validate in (("uscc", validate_uscc), ("org_code", validate_org_code)):
        if code := getattr(lead, attr):
            try:
                validate(code)
            except IdentityError as exc:
                problems.append(_problem(f"$.lead_unit.{attr}", lead.name, str(exc)))
    seen: dict[str, str] = {}
    for index, member in enumerate(ctx.proposal.members):
        path = f"$.members[{index}]"
        keys, found = _member_identity(member, path)
        problems += found
        duplicate = next((key for key in keys if key in seen), None)
        if duplicate:
            kind = duplicate.split(" ")[0]
            text = f"与 {seen[duplicate]} 重复（{kind}相同），请删除重复的成员"
            problems.append(_problem(path, member.name, text))
        for key in keys:
            seen.setdefault(key, f"{_where(path)}“{member.name}”")
    return problems


@rule("members.identity_valid")
def members_identity_valid(ctx: Context, _: cat.NoParams) -> Outcome:
    problems = _identity_problems(ctx)
    evidence = {"checked": len(ctx.proposal.members), "problems": problems}
    if not problems:
        return Outcome(
            "pass", f"{len(ctx.proposal.members)} 家成员单位的代码均有效且不重复", evidence
        )
    listed = "；".join(f"{_where(p['path'])}“{p['name']}”：{p['problem']}" for p in problems[:3])
    more = f"；另有 {len(problems) - 3} 处" if len(problems) > 3 else ""
    return Outcome("fail", f"单位身份代码有误：{listed}{more}", evidence)


@rule("members.min_count")
def members_min_count(ctx: Context, params: cat.MinCount) -> Outcome:
    count, needed = len(ctx.proposal.members), params.min_count
    evidence = {"count": count, "min_count": needed}
    if count >= needed:
        return Outcome("pass", f"成员单位 {count} 家，不少于 {needed} 家", evidence)
    return Outcome(
        "fail", f"成员单位 {count} 家，少于 {needed} 家，请补充成员单位或说明理由", evidence
    )


@rule("members.composition")
def members_composition(ctx: Context, params: cat.Composition) -> Outcome:
    kinds = Counter(m.kind for m in ctx.proposal.members)
    evidence = {"kinds": dict(kinds)}
    missing = [
        "、".join(KIND_NAMES[k] for k in group)
        for group in (params.industry_kinds, params.academic_kinds)
        if not any(kinds[k] for k in group)
    ]
    if not missing:
        summary = "，".join(f"{KIND_NAMES[k]} {n} 家" for k, n in kinds.items())
        return Outcome("pass", f"成员构成：{summary}", evidence)
    return Outcome(
        "fail",
        f"成员单位中没有{'，也没有'.join(missing)}；联盟应由企业和高校、科研机构等共同组成，请补充",
        evidence,
    )


@rule("members.mostly_local")
def members_mostly_local(ctx: Context, params: cat.MostlyLocal) -> Outcome:
    prefix, members = ctx.profile.jurisdiction_prefix(), ctx.proposal.members
    regions = [member_region(m) for m in members]
    local = sum(1 for r in regions if r and r.startswith(prefix))
    unknown = [m.name for m, r in zip(members, regions, strict=True) if r is None]
    total, share = len(members), params.more_than_share
    evidence = {"local": local, "unknown": unknown, "total": total, "more_than_share": share}
    if not total:
        return Outcome(
            "fail",
            f"成员名单中还没有成员单位；成员单位应以{ctx.profile.name.value}的法人单位为主，请先登记成员",
            evidence,
        )
    if local > share * total:
        return Outcome(
            "pass", f"在{ctx.area}注册的成员单位 {local} 家，占 {total} 家的多数", evidence
        )
    if local + len(unknown) > share * total:
        return Outcome(
            "manual",
            f"在{ctx.area}注册的成员单位 {local} 家；{_names(unknown)} 的注册地无法判断，请补充其统一社会信用代码或“所在地”",
            evidence,
        )
    return Outcome(
        "fail",
        f"在{ctx.area}注册的成员单位 {local} 家，占 {total} 家的 {local * 100 // total}%，未超过半数；"
        f"成员单位应以{ctx.profile.name.value}的法人单位为主，请调整成员构成",
        evidence,
    )


@rule("members.chain_coverage")
def members_chain_coverage(ctx: Context, params: cat.ChainCoverage) -> Outcome:
    enterprises = [m for m in ctx.proposal.members if m.kind == "enterprise"]
    covered = {m.chain_position for m in enterprises if m.chain_position}
    missing = [p for p in params.positions if p not in covered]
    evidence = {"covered": sorted(covered), "missing": missing, "enterprises": len(enterprises)}
    if not missing:
        return Outcome("pass", "成员企业涵盖产业链上、中、下游", evidence)
    names = "、".join(POSITION_NAMES[p] for p in missing)
    return Outcome(
        "fail",
        f"成员企业未覆盖产业链{names}；请补充相应企业，或在成员名单中为各成员企业填写“产业链位置”",
        evidence,
    )


@rule("members.cross_region")
def members_cross_region(ctx: Context, _: cat.NoParams) -> Outcome:
    prefix = ctx.profile.jurisdiction_prefix()
    regions = [member_region(m) for m in ctx.proposal.members]
    outside = sorted({r for r in regions if r and not r.startswith(prefix)})
    counties = sorted({r for r in regions if r and r.startswith(prefix) and not r.endswith("00")})
    unknown = sum(1 for r in regions if r is None or (r.startswith(prefix) and r.endswith("00")))
    evidence = {"counties": counties, "outside": outside, "undetermined": unknown}
    if outside or len(counties) > 1:
        return Outcome(
            "pass",
            f"成员单位分布于{ctx.profile.name.value}内 {len(counties)} 个县（市、区）和 {len(outside)} 个市外地区",
            evidence,
        )
    if unknown:
        return Outcome(
            "manual",
            f"有 {unknown} 家成员单位只能确定在{ctx.profile.name.value}（或无法确定注册地），需人工核实是否跨行政区域",
            evidence,
        )
    return Outcome(
        "fail",
        f"全部成员单位均在 {counties[0] if counties else ctx.profile.jurisdiction.value} 注册，未跨行政区域；"
        "创新联盟应为跨行政区域的开放型联盟，请吸收其他县（市、区）或市外的成员单位",
        evidence,
    )


@rule("platforms.min_provincial")
def platforms_min_provincial(ctx: Context, params: cat.MinProvincial) -> Outcome:
    found: dict[str, dict[str, str]] = {}
    for member in ctx.proposal.members:
        for platform in member.platforms or []:
            if platform.level in params.levels:
                found.setdefault(
                    normalise(platform.name),
                    {"member": member.name, "name": platform.name, "level": platform.level},
                )
    count, needed = len(found), params.min_provincial
    evidence = {"count": count, "min_provincial": needed, "platforms": list(found.values())}
    if count >= needed:
        return Outcome(
            "pass", f"成员单位建有省级及以上研发平台 {count} 个，不少于 {needed} 个", evidence
        )
    return Outcome(
        "fail",
        f"成员单位建有省级及以上研发平台 {count} 个，少于 {needed} 个；请在成员名单中补充“研发平台”或说明理由",
        evidence,
    )


def _similar(ctx: Context, other: ExistingAlliance) -> dict[str, Any] | None:
    proposal, regions = ctx.proposal, (ctx.profile.name.value, ctx.profile.name.value[:-1])
    pairs = {
        "name": (alliance_core(proposal.name, regions), alliance_core(other.name, regions)),
        "industry": (proposal.industry, other.industry),
        "product": (proposal.product, other.product),
    }
    scores = {key: similarity(a, b) for key, (a, b) in pairs.items() if a and b}
    matched = {key: score for key, score in scores.items() if score >= SIMILARITY_THRESHOLD}
    if not matched:
        return None
    return {
        "name": other.name,
        "status": other.status,
        "reference": other.reference,
        "matched": matched,
    }


@rule("alliance.unique_in_field")
def alliance_unique_in_field(ctx: Context, _: cat.NoParams) -> Outcome:
    if ctx.existing is None:
        return Outcome(
            "pass",
            "未连接数据库，未与已有联盟比对；受理时由主管部门核查是否已有同一领域、产业或产品的联盟",
            {"compared_with": 0, "note": "未连接数据库，未与已有联盟比对"},
        )
    similar = [hit for other in ctx.existing if (hit := _similar(ctx, other))]
    # the caller may pass only those that can be similar, saying how many there are
    compared = getattr(ctx.existing, "compared_with", len(ctx.existing))
    evidence = {
        "compared_with": compared,
        "similar": similar,
        "threshold": SIMILARITY_THRESHOLD,
    }
    if not similar:
        return Outcome(
            "pass", f"未发现同一领域、产业或产品的已有联盟（比对 {compared} 家）", evidence
        )
    names = "、".join(f"“{hit['name']}”" for hit in similar[:3])
    return Outcome(
        "fail",
        f"与已有联盟{names}可能属于同一领域、产业或产品，原则上只构建一家；请说明区别或与已有联盟整合",
        evidence,
    )
