"""标牌：市科技主管部门向认定联盟的牵头单位发放的“洛阳市×××产业技术创新战略联盟”标牌
（seed 003 第七条(三)），A4 横版 PDF，字体嵌入（WeasyPrint, Noto Serif CJK SC）。"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from .models import Alliance

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–31 as written in a date: 十, 十一, 二十, 三十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: date) -> str:
    """2020-10-10 → 二〇二〇年十月十日 (as official documents date themselves)."""
    year = "".join(_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def plaque_html(alliance: Alliance, *, verify_url: str = "") -> str:
    name = alliance.name
    # the name stays on one line: the longer it is, the smaller the type (A4 landscape)
    size_mm = max(9.0, min(19.0, 235.0 / max(len(name), 1)))
    return render_to_string(
        "alliances/plaque.html",
        {
            "alliance": alliance,
            "name": name,
            "name_size": f"{size_mm:.1f}mm",
            "issuer": alliance.authority,
            "date": chinese_date(alliance.decided_on),
            "verify_url": verify_url,
        },
    )


def plaque_pdf(alliance: Alliance, *, verify_url: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(string=plaque_html(alliance, verify_url=verify_url)).write_pdf()
