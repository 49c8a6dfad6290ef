"""专利号与标准号的规范化 (pure Python, no Django).

One canonical spelling per number, so that a patent or a standard reported twice — by two
alliances, in two years, typed with or without spaces, in full-width characters, with "ZL" or
"CN" — is one row of the base.

**Patents.** A Chinese patent number is ``ZL`` followed by the application number (申请号):
since 1 October 2003 twelve digits — the filing year (4), the kind (1: 发明, 2: 实用新型,
3: 外观设计, 8: 进入中国国家阶段的 PCT 发明, 9: PCT 实用新型) and a serial (7) — then a dot
and a check character; before that eight digits (year 2, kind 1, serial 5). The check
character is the sum of the digits multiplied in turn by 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5,
modulo 11, with 10 written ``X`` (国家知识产权局《专利申请号标准》ZC 0006—2003). The canonical
form is ``ZL202010123456.2``. Input may start with ``ZL``, ``CN`` or nothing, may have spaces,
full-width characters and a full-width dot; the check character may be omitted (it is then
computed) but when given it must be right.

**Standards.** ``<prefix> <number>-<year>``: ``GB``/``GB/T``/``GB/Z`` (国家标准), a two-letter
industry code with ``/T`` or ``/Z`` (行业标准, e.g. ``JB/T``), ``DB41`` / ``DB4103`` with an
optional ``/T`` (地方标准), ``T/`` and the body's code (团体标准, e.g. ``T/CAS``); the number
may have parts (``1.1``); the year four digits (two in old numbers). The canonical form is
``GB/T 12345-2020``: upper case, one space, an ASCII hyphen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "NumberError",
    "PatentNumber",
    "StandardNumber",
    "normalise_patent",
    "normalise_standard",
    "patent_check_char",
    "parse_patent",
    "parse_standard",
]

PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
#: the kind digit of an application number and the patent kind it names
PATENT_KIND_DIGITS = {
    "1": "invention",
    "8": "invention",
    "2": "utility",
    "9": "utility",
    "3": "design",
}
PATENT_EXPECTED = (
    "专利号应为“ZL”加申请号，如 ZL202010123456.2（2003 年 10 月起为 12 位数字加校验位，"
    "此前为 8 位数字加校验位；可省略“ZL”和校验位）"
)
STANDARD_EXPECTED = (
    "标准号应为“代号 顺序号-年号”，如 GB/T 12345-2020、JB/T 1-2019、DB41/T 2000-2020、"
    "T/CAS 123-2021"
)
#: dashes people and word processors type between the number and the year
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\u2500"
_DASH_RE = re.compile(f"[{DASHES}]")


class NumberError(ValueError):
    """An invalid number; ``str()`` is a Chinese message that says the expected form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _clean(text: object) -> str:
    """NFKC (full-width to ASCII), dash variants to ``-``, spaces squeezed, upper case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = _DASH_RE.sub("-", value).replace("。", ".").replace("／", "/")
    value = re.sub(r"\s+", " ", value).strip()
    return value.upper()


# -- patents -----------------------------------------------------------------------------------


def patent_check_char(digits: str) -> str:
    """The check character of an application number's 8 or 12 digits."""
    total = sum(int(d) * w for d, w in zip(digits, PATENT_WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


@dataclass(frozen=True)
class PatentNumber:
    digits: str
    check: str

    @property
    def canonical(self) -> str:
        return f"ZL{self.digits}.{self.check}"

    @property
    def year(self) -> int:
        if len(self.digits) == 12:
            return int(self.digits[:4])
        short = int(self.digits[:2])
        return 1900 + short if short >= 85 else 2000 + short

    @property
    def kind(self) -> str | None:
        """``invention``, ``utility``, ``design`` or None (a kind digit not known)."""
        digit = self.digits[4] if len(self.digits) == 12 else self.digits[2]
        return PATENT_KIND_DIGITS.get(digit)


_PATENT_RE = re.compile(r"^(?:ZL|CN)?(\d{12}|\d{8})(?:\.([0-9X]))?$")


def parse_patent(text: object) -> PatentNumber:
    """The number, or NumberError with a message that says the expected form."""
    raw = _clean(text)
    if not raw:
        raise NumberError("请填写专利号。" + PATENT_EXPECTED + "。")
    compact = raw.replace(" ", "")
    match = _PATENT_RE.match(compact)
    if match is None:
        if re.match(r"^CN\d{9}[A-Z]\d?$", compact):
            raise NumberError(f"“{raw}”是公告（公开）号，不是专利号。" + PATENT_EXPECTED + "。")
        raise NumberError(f"“{raw}”不是有效的专利号。" + PATENT_EXPECTED + "。")
    digits, check = match.group(1), match.group(2)
    expected = patent_check_char(digits)
    if check is not None and check != expected:
        raise NumberError(
            f"专利号“{raw}”的校验位应为 {expected}，而不是 {check}；请核对申请号的各位数字。"
        )
    number = PatentNumber(digits, expected)
    if number.kind is None:
        digit = digits[4] if len(digits) == 12 else digits[2]
        raise NumberError(
            f"专利号“{raw}”的类型位为 {digit}，应为 1、2、3、8 或 9"
            "（发明、实用新型、外观设计、PCT 发明、PCT 实用新型）。"
        )
    return number


def normalise_patent(text: object) -> str:
    return parse_patent(text).canonical


# -- standards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardNumber:
    prefix: str
    serial: str
    year: str

    @property
    def canonical(self) -> str:
        return f"{self.prefix} {self.serial}-{self.year}"

    @property
    def level(self) -> str:
        """``national``, ``industry``, ``local`` or ``group`` from the prefix."""
        if self.prefix.startswith("GB"):
            return "national"
        if self.prefix.startswith("DB"):
            return "local"
        if self.prefix.startswith("T/"):
            return "group"
        return "industry"


_STANDARD_RE = re.compile(
    r"^(?P<prefix>GB(?:/[TZ])?|DB\d{2}(?:\d{2})?(?:/[TZ])?|T/[A-Z]{2,12}|[A-Z]{2}(?:/[TZ])?)"
    r"(?P<sep> ?)(?P<serial>\d{1,6}(?:\.\d{1,4}){0,3}) ?- ?(?P<year>\d{4}|\d{2})$"
)


def parse_standard(text: object) -> StandardNumber:
    raw = _clean(text)
    if not raw:
        raise NumberError("请填写标准号。" + STANDARD_EXPECTED + "。")
    # spaces around the slash and the dash carry no meaning: "GB / T 12345 - 2020"
    spaced = re.sub(r" ?/ ?", "/", raw)
    match = _STANDARD_RE.match(spaced)
    if match is None:
        hint = ""
        if re.match(r"^[A-Z/0-9 ]+\d$", spaced) and "-" not in spaced:
            hint = "缺少年号（顺序号后的“-年号”）；"
        raise NumberError(f"“{raw}”不是有效的标准号。{hint}" + STANDARD_EXPECTED + "。")
    prefix = match.group("prefix")
    if prefix[-1].isdigit() and not match.group("sep"):
        raise NumberError(
            f"标准号“{raw}”的代号与顺序号之间请加一个空格（如 DB41 2000-2020），"
            "否则无法区分地方代码和顺序号。"
        )
    year = match.group("year")
    if len(year) == 4 and not 1950 <= int(year) <= 2100:
        raise NumberError(f"标准号“{raw}”的年号 {year} 不在 1950—2100 之间。")
    return StandardNumber(prefix, match.group("serial"), year)


def normalise_standard(text: object) -> str:
    return parse_standard(text).canonical
