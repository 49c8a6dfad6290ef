"""单位身份代码校验：统一社会信用代码（GB 32100）与组织机构代码（GB 11714）。

Unit identity codes. The USCC check digit comes from python-stdnum (``stdnum.cn.uscc``);
GB 11714 has no stdnum module, so its mod-11 check is implemented here.
"""

from __future__ import annotations

import re

from stdnum.cn import uscc as _stdnum_uscc

__all__ = [
    "USCC_ALPHABET",
    "IdentityError",
    "calc_org_code_check",
    "uscc_org_code",
    "uscc_region",
    "validate_org_code",
    "validate_uscc",
]

#: GB 32100 code alphabet: digits and capital letters without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY = re.compile(r"[0-9A-Z]{8}")


class IdentityError(ValueError):
    """An identity code is malformed or its check digit is wrong; the message is Chinese."""


def _compact(code: object) -> str:
    if not isinstance(code, str):
        raise IdentityError("代码应为字符串")
    return code.replace(" ", "").replace("-", "").strip().upper()


def validate_uscc(code: str) -> str:
    """Return the normalised 18-character USCC or raise :class:`IdentityError`.

    Positions 1–2 (登记管理部门、机构类别) and 9–17 (主体标识码) are characters of the code
    alphabet, positions 3–8 are the GB/T 2260 region digits, position 18 the check character.
    stdnum's own ``validate`` insists on digits in positions 1–2, which refuses real codes
    such as ``N2…`` (农业农村部门登记的农民专业合作社), so only its check digit is used.
    """
    number = _compact(code)
    if len(number) != 18:
        raise IdentityError(f"统一社会信用代码应为 18 位，当前为 {len(number)} 位")
    bad = [c for c in number if c not in USCC_ALPHABET]
    if bad:
        raise IdentityError(f"统一社会信用代码含有不允许的字符 {bad[0]}（不使用 I、O、S、V、Z）")
    if not number[2:8].isdigit():
        raise IdentityError("统一社会信用代码第 3–8 位应为行政区划代码（6 位数字）")
    expected = _stdnum_uscc.calc_check_digit(number[:17])
    if number[17] != expected:
        raise IdentityError(f"统一社会信用代码校验位错误：第 18 位应为 {expected}，请核对代码")
    return number


def uscc_region(code: str) -> str:
    """GB/T 2260 region code of where the unit is registered (USCC digits 3–8)."""
    return validate_uscc(code)[2:8]


def uscc_org_code(code: str) -> str:
    """The 9-character 主体标识码 (positions 9–17), which is the unit's 组织机构代码."""
    return validate_uscc(code)[8:17]


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def calc_org_code_check(body: str) -> str:
    """GB 11714 check character for an 8-character body (digits and capital letters)."""
    body = body.upper()
    if not _ORG_BODY.fullmatch(body):
        raise IdentityError("组织机构代码本体应为 8 位数字或大写字母")
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate_org_code(code: str) -> str:
    """Return the 组织机构代码 as ``XXXXXXXX-X`` or raise :class:`IdentityError`.

    Accepts ``XXXXXXXX-X`` and the 9-character form. Like any mod-11 check, GB 11714 cannot
    detect a substitution whose values differ by a multiple of 11 (e.g. ``0`` ↔ ``B``).
    """
    if not isinstance(code, str):
        raise IdentityError("代码应为字符串")
    raw = code.strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{8}-?[0-9X]", raw):
        raise IdentityError("组织机构代码应为 8 位数字或大写字母加 1 位校验码，如 12345678-8")
    body, check = raw[:8], raw[-1]
    expected = calc_org_code_check(body)
    if check != expected:
        raise IdentityError(f"组织机构代码校验码错误：应为 {expected}，请核对代码")
    return f"{body}-{check}"
