"""统一社会信用代码与组织机构代码：校验位性质测试."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from lianmeng.policy.uscc import (
    USCC_ALPHABET,
    IdentityError,
    calc_org_code_check,
    uscc_org_code,
    uscc_region,
    validate_org_code,
    validate_uscc,
)

ORG_ALPHABET = string.digits + string.ascii_uppercase
alphabet_char = st.sampled_from(USCC_ALPHABET)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    dept, kind = draw(alphabet_char), draw(alphabet_char)
    region = draw(st.text(alphabet=string.digits, min_size=6, max_size=6))
    org = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    base = dept + kind + region + org
    return base + stdnum_uscc.calc_check_digit(base)


@st.composite
def org_codes(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=ORG_ALPHABET, min_size=8, max_size=8))
    return body + calc_org_code_check(body)


@given(usccs())
def test_every_correctly_built_uscc_is_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_region(code) == code[2:8]
    assert uscc_org_code(code) == code[8:17]


@given(usccs(), st.integers(0, 17), alphabet_char)
def test_every_single_character_change_is_refused(code: str, position: int, char: str) -> None:
    if code[position] == char:
        char = USCC_ALPHABET[(USCC_ALPHABET.index(char) + 1) % len(USCC_ALPHABET)]
    changed = code[:position] + char + code[position + 1 :]
    with pytest.raises(IdentityError):
        validate_uscc(changed)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9141010", "18 位"),
        ("91410100MA3X5KQ01I", "不允许的字符"),
        ("9141O100MA3X5KQ01C", "不允许的字符"),
        ("91A10182MA3X5KQ01C", "行政区划"),
        ("91410182MA3X5KQ010", "校验位错误"),
    ],
)
def test_uscc_messages_are_chinese(code: str, fragment: str) -> None:
    with pytest.raises(IdentityError, match=fragment):
        validate_uscc(code)


def test_uscc_is_normalised() -> None:
    assert validate_uscc(" 91110000600037341l ") == "91110000600037341L"
    assert validate_uscc("9111-0000-6000-3734-1L") == "91110000600037341L"


def test_letters_in_positions_one_and_two_are_accepted() -> None:
    base = "N2410182" + "MA3X5KQ01"
    code = base + stdnum_uscc.calc_check_digit(base)
    assert validate_uscc(code) == code


@given(org_codes())
def test_every_correctly_built_org_code_is_valid(code: str) -> None:
    expected = f"{code[:8]}-{code[8]}"
    assert validate_org_code(code) == expected
    assert validate_org_code(expected) == expected


def _value(char: str) -> int:
    return ORG_ALPHABET.index(char)


@given(org_codes(), st.integers(0, 7), st.sampled_from(ORG_ALPHABET))
def test_org_code_body_changes(code: str, position: int, char: str) -> None:
    """GB 11714's mod-11 check catches every change except those differing by 11 or 22."""
    if code[position] == char:
        return
    changed = code[:position] + char + code[position + 1 :]
    if (_value(char) - _value(code[position])) % 11:
        with pytest.raises(IdentityError):
            validate_org_code(changed)
    else:
        assert validate_org_code(changed)


@given(org_codes(), st.sampled_from("0123456789X"))
def test_org_code_check_character_changes_are_refused(code: str, char: str) -> None:
    if code[8] == char:
        return
    with pytest.raises(IdentityError, match="校验码"):
        validate_org_code(code[:8] + char)


def test_standard_org_code_example() -> None:
    assert validate_org_code("D2143569-X") == "D2143569-X"
    assert calc_org_code_check("D2143569") == "X"
    with pytest.raises(IdentityError, match="应为 X"):
        validate_org_code("D21435691")


@pytest.mark.parametrize("code", ["D2143569", "D2143569-XX", "d2143569_x", "", "中文代码"])
def test_malformed_org_codes(code: str) -> None:
    with pytest.raises(IdentityError):
        validate_org_code(code)
