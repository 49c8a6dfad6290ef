"""Writes of the patent and standard base (M-61): report one patent or standard (form, API),
import a workbook of them (all rows or none).

A number is one row of the base whatever the spelling (lianmeng.ipbase.numbers). Reporting a
number that exists **merges**: the title, kind/level, status and licence counts of the latest
report (by year; the same year: the later report) replace the row's, the holders (drafters)
are merged by USCC, ``year`` is the latest year; the row's ``alliance`` (who reported it first)
stays. Every report is kept (:class:`PatentReport`, :class:`StandardReport`), so an alliance's
own list shows what it reported even when another alliance reported the number first.

Only the applicants of the alliance's lead unit report for it; holders and drafters are its
current members (chosen by USCC or by name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.reporting.models import Report

from . import numbers, search, selectors
from .models import Patent, PatentReport, Standard, StandardReport

MAX_LICENCES = 1_000_000
MIN_YEAR = 1985
SOURCES = ("form", "xlsx", "api")


# -- who reports -------------------------------------------------------------------------------


def _alliance_for(actor: User, alliance_id: Any) -> Alliance:
    try:
        alliance = Alliance.objects.select_related("lead_unit", "proposal__region").get(
            pk=alliance_id
        )
    except (Alliance.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("名录中没有该联盟。")) from None
    if not selectors.may_report(actor, alliance):
        if alliance.status in selectors.CLOSED_STATES:
            raise PermissionDenied(_("该联盟已撤销或解散，不能再报送专利和标准。"))
        raise PermissionDenied(
            _("只有联盟牵头单位的申报人可以为联盟报送专利和标准。请用牵头单位的账号登录后再报送。")
        )
    return alliance


# -- cleaning ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _count(value: Any, label: str, errors: dict[str, str], key: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value)
    if text == "":
        return 0
    if not isinstance(value, bool) and text.isdigit() and int(text) <= MAX_LICENCES:
        return int(text)
    errors[key] = _("%(label)s应为 0 至 %(max)s 的整数。") % {"label": label, "max": MAX_LICENCES}
    return 0


def _year(value: Any, errors: dict[str, str]) -> int:
    this_year = clock.beijing_now().year
    try:
        year = int(_text(value))
    except ValueError:
        year = 0
    if not MIN_YEAR <= year <= this_year:
        errors["year"] = _("年度应为 %(low)s 至 %(high)s 年之间的年份，如 %(high)s。") % {
            "low": MIN_YEAR,
            "high": this_year,
        }
    return year


def _choice(value: Any, choices: Any, label: str, errors: dict[str, str], key: str) -> str:
    """An id of ``choices`` from its id or its Chinese label; blank gives ""."""
    text = _text(value)
    if not text:
        return ""
    for choice_id, choice_label in choices.choices:
        if text in (choice_id, str(choice_label)):
            return choice_id
    allowed = "、".join(str(lbl) for _id, lbl in choices.choices)
    errors[key] = _("%(label)s应为：%(allowed)s。") % {"label": label, "allowed": allowed}
    return ""


def _people(
    chosen: Iterable[Any],
    members: list[dict[str, str]],
    label: str,
    errors: dict[str, str],
    key: str,
) -> list[dict[str, str]]:
    """The members chosen (by USCC or by exact name), each once."""
    by_uscc = {m["uscc"].upper(): m for m in members if m["uscc"]}
    by_name = {m["name"]: m for m in members}
    found: dict[str, dict[str, str]] = {}
    unknown: list[str] = []
    for item in chosen:
        text = _text(item)
        if not text:
            continue
        member = by_uscc.get(text.upper()) or by_name.get(text)
        if member is None:
            unknown.append(text)
            continue
        found[member["uscc"] or member["name"]] = {"name": member["name"], "uscc": member["uscc"]}
    if unknown:
        errors[key] = _(
            "%(label)s应为联盟现有成员单位（填写单位名称或统一社会信用代码）；"
            "不是本联盟成员的：%(names)s。"
        ) % {"label": label, "names": "、".join(unknown[:5])}
    return list(found.values())


def _merge_people(
    old: list[dict[str, str]],
    new: list[dict[str, str]],
    *,
    replace_among: list[dict[str, str]] | None = None,
) -> list[dict[str, str]]:
    """``old`` ∪ ``new`` by USCC (by name when a member has none); with ``replace_among`` (an
    edit), ``old`` entries that are among those members and not chosen again are dropped."""

    def key(person: dict[str, str]) -> str:
        return (person.get("uscc") or "").upper() or person.get("name", "")

    dropped = {key(m) for m in replace_among or []} - {key(p) for p in new}
    merged: dict[str, dict[str, str]] = {}
    for person in [*old, *new]:
        if not isinstance(person, dict) or key(person) in dropped:
            continue
        merged[key(person)] = {"name": person.get("name", ""), "uscc": person.get("uscc", "")}
    return list(merged.values())


def _report_of(alliance: Alliance, report_id: Any, year: int, errors: dict[str, str]) -> Any:
    if report_id in (None, ""):
        return None
    try:
        report = Report.objects.get(pk=int(report_id), alliance=alliance)
    except (Report.DoesNotExist, ValueError, TypeError):
        errors["report"] = _("所选年度报告不是本联盟的报告。")
        return None
    if report.year != year:
        errors["report"] = _("所选年度报告是 %(y)s 年度的，与填写的年度不符。") % {
            "y": report.year or "—"
        }
        return None
    return report


@dataclass
class PatentData:
    number: str
    title: str
    kind: str
    status: str
    holders: list[dict[str, str]]
    licences_inside: int
    licences_outside: int


@dataclass
class StandardData:
    number: str
    title: str
    level: str
    status: str
    drafters: list[dict[str, str]]


def clean_patent(data: dict[str, Any], members: list[dict[str, str]]) -> tuple[PatentData, dict]:
    """The patent as typed, cleaned, and {field: message} for what to fix."""
    errors: dict[str, str] = {}
    number_text = _text(data.get("number"))
    number = ""
    guessed_kind: str | None = None
    try:
        parsed = numbers.parse_patent(number_text)
        number, guessed_kind = parsed.canonical, parsed.kind
    except numbers.NumberError as exc:
        errors["number"] = exc.message
    title = _text(data.get("title"))
    if not title:
        errors["title"] = _("请填写专利名称，如“一种耐火材料的制备方法”。")
    elif len(title) > 200:
        errors["title"] = _("专利名称不超过 200 字。")
    kind = _choice(data.get("kind"), Patent.Kind, _("专利类型"), errors, "kind") or (
        guessed_kind or ""
    )
    if not kind and "kind" not in errors and "number" not in errors:
        errors["kind"] = _("请选择专利类型。")
    elif guessed_kind and kind and kind != guessed_kind and "number" not in errors:
        errors["kind"] = _("专利号的类型位表示%(guess)s，与所选“%(kind)s”不符。") % {
            "guess": Patent.Kind(guessed_kind).label,
            "kind": Patent.Kind(kind).label,
        }
    status = _choice(data.get("status"), Patent.Status, _("法律状态"), errors, "status")
    if not status and "status" not in errors:
        errors["status"] = _("请选择法律状态：已申请、已授权或已失效。")
    holders = _people(data.get("holders") or [], members, _("专利权人"), errors, "holders")
    if not holders and "holders" not in errors:
        errors["holders"] = _("请至少选择一个专利权人（联盟成员单位）。")
    inside = _count(data.get("licences_inside"), _("联盟内许可数"), errors, "licences_inside")
    outside = _count(data.get("licences_outside"), _("联盟外许可数"), errors, "licences_outside")
    return PatentData(number, title, kind, status, holders, inside, outside), errors


def clean_standard(
    data: dict[str, Any], members: list[dict[str, str]]
) -> tuple[StandardData, dict]:
    errors: dict[str, str] = {}
    number = ""
    guessed_level: str | None = None
    try:
        parsed = numbers.parse_standard(_text(data.get("number")))
        number, guessed_level = parsed.canonical, parsed.level
    except numbers.NumberError as exc:
        errors["number"] = exc.message
    title = _text(data.get("title"))
    if not title:
        errors["title"] = _("请填写标准名称。")
    elif len(title) > 200:
        errors["title"] = _("标准名称不超过 200 字。")
    level = _choice(data.get("level"), Standard.Level, _("标准层级"), errors, "level") or (
        guessed_level or ""
    )
    if not level and "level" not in errors and "number" not in errors:
        errors["level"] = _("请选择标准层级。")
    elif guessed_level and level and level != guessed_level and "number" not in errors:
        errors["level"] = _("标准号“%(number)s”是%(guess)s，与所选“%(level)s”不符。") % {
            "number": number,
            "guess": Standard.Level(guessed_level).label,
            "level": Standard.Level(level).label,
        }
    status = _choice(data.get("status"), Standard.Status, _("状态"), errors, "status")
    if not status and "status" not in errors:
        errors["status"] = _("请选择状态：制定中、已发布或已废止。")
    drafters = _people(data.get("drafters") or [], members, _("起草单位"), errors, "drafters")
    if not drafters and "drafters" not in errors:
        errors["drafters"] = _("请至少选择一个起草单位（联盟成员单位）。")
    return StandardData(number, title, level, status, drafters), errors


# -- saving ------------------------------------------------------------------------------------


def _names(people: list[dict[str, str]]) -> list[str]:
    return [p.get("name", "") for p in people if isinstance(p, dict)]


def _save_patent(
    *,
    actor: User,
    alliance: Alliance,
    clean: PatentData,
    year: int,
    report: Report | None,
    source: str,
    replace_among: list[dict[str, str]] | None = None,
) -> tuple[Patent, bool]:
    now = clock.now()
    existing = Patent.objects.select_for_update().filter(number=clean.number).first()
    created = existing is None
    if existing is None:
        patent = Patent(
            number=clean.number,
            alliance=alliance,
            region=alliance.region,
            field=alliance.domain,
            created_by=actor,
            created_at=now,
            holders=[],
            year=year,
        )
    else:
        patent = existing
    before = None if created else _patent_dict(patent)
    patent.holders = _merge_people(patent.holders or [], clean.holders, replace_among=replace_among)
    if created or year >= patent.year:
        patent.title = clean.title
        patent.kind = clean.kind
        patent.status = clean.status
        patent.licences_inside = clean.licences_inside
        patent.licences_outside = clean.licences_outside
        patent.year = year
    patent.search_text = search.search_text_for(patent.title, patent.number, _names(patent.holders))
    patent.updated_at = now
    patent.save()
    PatentReport.objects.create(
        patent=patent,
        alliance=alliance,
        year=year,
        report=report,
        status=clean.status,
        licences_inside=clean.licences_inside,
        licences_outside=clean.licences_outside,
        source=source,
        reported_by=actor,
        reported_at=now,
    )
    audit_record(
        actor=actor,
        action="lianmeng.ipbase.patent_reported" if created else "lianmeng.ipbase.patent_merged",
        obj=patent,
        before=before,
        after={**_patent_dict(patent), "by_alliance": alliance.pk, "source": source},
    )
    return patent, created


def _save_standard(
    *,
    actor: User,
    alliance: Alliance,
    clean: StandardData,
    year: int,
    report: Report | None,
    source: str,
    replace_among: list[dict[str, str]] | None = None,
) -> tuple[Standard, bool]:
    now = clock.now()
    existing = Standard.objects.select_for_update().filter(number=clean.number).first()
    created = existing is None
    if existing is None:
        standard = Standard(
            number=clean.number,
            alliance=alliance,
            region=alliance.region,
            field=alliance.domain,
            created_by=actor,
            created_at=now,
            drafters=[],
            year=year,
        )
    else:
        standard = existing
    before = None if created else _standard_dict(standard)
    standard.drafters = _merge_people(
        standard.drafters or [], clean.drafters, replace_among=replace_among
    )
    if created or year >= standard.year:
        standard.title = clean.title
        standard.level = clean.level
        standard.status = clean.status
        standard.year = year
    standard.search_text = search.search_text_for(
        standard.title, standard.number, _names(standard.drafters)
    )
    standard.updated_at = now
    standard.save()
    StandardReport.objects.create(
        standard=standard,
        alliance=alliance,
        year=year,
        report=report,
        status=clean.status,
        source=source,
        reported_by=actor,
        reported_at=now,
    )
    audit_record(
        actor=actor,
        action="lianmeng.ipbase.standard_reported"
        if created
        else "lianmeng.ipbase.standard_merged",
        obj=standard,
        before=before,
        after={**_standard_dict(standard), "by_alliance": alliance.pk, "source": source},
    )
    return standard, created


def _patent_dict(p: Patent) -> dict[str, Any]:
    return {
        "number": p.number,
        "title": p.title,
        "kind": p.kind,
        "status": p.status,
        "holders": p.holders,
        "licences_inside": p.licences_inside,
        "licences_outside": p.licences_outside,
        "year": p.year,
    }


def _standard_dict(s: Standard) -> dict[str, Any]:
    return {
        "number": s.number,
        "title": s.title,
        "level": s.level,
        "status": s.status,
        "drafters": s.drafters,
        "year": s.year,
    }


def _retrying(func: Any) -> Any:
    """Run ``func`` in a transaction; a racing first report of the same number (unique
    violation) is retried once, then it merges."""
    try:
        with transaction.atomic():
            return func()
    except IntegrityError:
        with transaction.atomic():
            return func()


def _refuse(errors: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        _("请修改标出的 %(n)s 处后再保存：") % {"n": len(errors)} + " ".join(errors.values()),
        details={"fields": errors},
    )


def patent_report(
    *,
    actor: User,
    alliance_id: Any,
    data: dict[str, Any],
    year: Any,
    report_id: Any = None,
    source: str = "form",
    edit: bool = False,
) -> tuple[Patent, bool]:
    """Report one patent for the alliance (or merge it into the row of its number); returns
    the row and whether it is new. With ``edit``, holders among the alliance's members that are
    not chosen again are removed (the edit form); otherwise holders are only added.
    ValidationFailed with ``details["fields"]`` = {field: what to fix}."""
    alliance = _alliance_for(actor, alliance_id)
    members = selectors.members_of(alliance)
    clean, errors = clean_patent(data, members)
    year_value = _year(year, errors)
    report = _report_of(alliance, report_id, year_value, errors) if "year" not in errors else None
    if errors:
        raise _refuse(errors)
    return _retrying(
        lambda: _save_patent(
            actor=actor,
            alliance=alliance,
            clean=clean,
            year=year_value,
            report=report,
            source=source if source in SOURCES else "form",
            replace_among=members if edit else None,
        )
    )


def standard_report(
    *,
    actor: User,
    alliance_id: Any,
    data: dict[str, Any],
    year: Any,
    report_id: Any = None,
    source: str = "form",
    edit: bool = False,
) -> tuple[Standard, bool]:
    """Report one standard for the alliance (as :func:`patent_report`)."""
    alliance = _alliance_for(actor, alliance_id)
    members = selectors.members_of(alliance)
    clean, errors = clean_standard(data, members)
    year_value = _year(year, errors)
    report = _report_of(alliance, report_id, year_value, errors) if "year" not in errors else None
    if errors:
        raise _refuse(errors)
    return _retrying(
        lambda: _save_standard(
            actor=actor,
            alliance=alliance,
            clean=clean,
            year=year_value,
            report=report,
            source=source if source in SOURCES else "form",
            replace_among=members if edit else None,
        )
    )


# -- import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    merged: int = 0
    #: [{"row": 3, "errors": ["专利号……", …]}] — when not empty nothing was saved
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: (row number, number, "created" | "merged") of every saved row, in the workbook's order
    outcomes: list[tuple[int, str, str]] = field(default_factory=list)


#: ``progress(percent, message)``: how far an import is (a background job's progress bar)
Progress = Callable[..., None]
#: the rows between two progress reports
PROGRESS_EVERY = 250


def _every(
    progress: Progress | None, done: int, total: int, start: int, end: int, text: str
) -> None:
    if progress is not None and done % PROGRESS_EVERY == 0:
        progress(
            start + (end - start) * done / max(total, 1), text % {"done": done, "total": total}
        )


def import_workbook(
    *,
    actor: User,
    alliance_id: Any,
    kind: str,
    content: bytes,
    year: Any,
    report_id: Any = None,
    progress: Progress | None = None,
    max_rows: int | None = None,
    max_seconds: float | None = None,
) -> ImportResult:
    """Import a filled template (``kind`` ``patents`` or ``standards``): every row is checked
    first; when any row is wrong ValidationFailed lists each row and what to fix
    (``details["rows"]``; ``details["checked"]`` = [(row number, number)] of every row read)
    and nothing is saved.

    A background job (lianmeng.ipbase.imports) passes ``progress`` and the reader's larger
    bounds (``max_rows``, ``max_seconds``); the checks and the writes are the same."""
    from . import xlsx

    alliance = _alliance_for(actor, alliance_id)
    errors: dict[str, str] = {}
    year_value = _year(year, errors)
    report = _report_of(alliance, report_id, year_value, errors) if "year" not in errors else None
    if errors:
        raise _refuse(errors)
    if progress is not None:
        progress(5, _("正在读取工作簿…"))
    rows = xlsx.read(content, kind, max_rows=max_rows, max_seconds=max_seconds)
    if progress is not None:
        progress(20, _("已读取 %(total)s 行，正在检查…") % {"total": len(rows)})
    members = selectors.members_of(alliance)
    cleaner = clean_patent if kind == "patents" else clean_standard
    cleaned: list[Any] = []
    problems: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    for number, values in rows:
        clean, row_errors = cleaner(values, members)
        messages = list(row_errors.values())
        if clean.number and clean.number in first_row:
            messages.append(
                _("专利号（标准号）%(n)s 与第 %(row)s 行重复，请只保留一行。")
                % {"n": clean.number, "row": first_row[clean.number]}
            )
        elif clean.number:
            first_row[clean.number] = number
        if messages:
            problems.append({"row": number, "errors": messages})
        cleaned.append(clean)
        _every(progress, len(cleaned), len(rows), 20, 50, _("已检查 %(done)s / %(total)s 行"))
    if not rows:
        raise ValidationFailed(_("工作簿中没有数据行。请在模板第 2 行起填写，每行一项。"))
    if problems:
        raise ValidationFailed(
            _("有 %(n)s 行需要修改，未导入任何一行。请按提示改正后重新导入。")
            % {"n": len(problems)},
            details={
                "rows": problems,
                "checked": [
                    (number, clean.number or str(values.get("number") or ""))
                    for (number, values), clean in zip(rows, cleaned, strict=True)
                ],
            },
        )
    result = ImportResult()

    def save_all() -> None:
        for (number, _values), clean in zip(rows, cleaned, strict=True):
            save = _save_patent if kind == "patents" else _save_standard
            saved, created = save(
                actor=actor,
                alliance=alliance,
                clean=clean,
                year=year_value,
                report=report,
                source="xlsx",
            )
            if created:
                result.created += 1
            else:
                result.merged += 1
            result.outcomes.append((number, saved.number, "created" if created else "merged"))
            _every(
                progress,
                len(result.outcomes),
                len(rows),
                50,
                95,
                _("已导入 %(done)s / %(total)s 行"),
            )

    with transaction.atomic():
        save_all()
    return result
