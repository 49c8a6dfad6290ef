"""Patent and standard numbers: every spelling a clerk types gives one canonical number; a
wrong one is refused with a message that shows the expected form."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.ipbase.numbers import (
    NumberError,
    normalise_patent,
    normalise_standard,
    parse_patent,
    parse_standard,
    patent_check_char,
)

KIND_DIGITS = "12389"
#: a busy machine (tests in parallel) must not fail the generation's speed check
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@st.composite
def application_digits(draw) -> str:
    year = draw(st.integers(2004, 2030))
    kind = draw(st.sampled_from(KIND_DIGITS))
    serial = draw(st.integers(0, 9_999_999))
    return f"{year}{kind}{serial:07d}"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@relaxed
@given(application_digits(), st.sampled_from(["ZL", "CN", "zl", "", "ZL ", "CN "]), st.booleans())
def test_patent_spellings_are_one_number(digits, prefix, spaced):
    check = patent_check_char(digits)
    canonical = f"ZL{digits}.{check}"
    body = f"{digits[:4]} {digits[4]} {digits[5:]}" if spaced else digits
    assert normalise_patent(f"{prefix}{body}.{check}") == canonical
    assert normalise_patent(f"{prefix}{body}") == canonical  # the check character computed
    assert normalise_patent(_fullwidth(f"{prefix}{body}.{check}")) == canonical
    assert normalise_patent(f"  {prefix}{body}。{check} ") == canonical
    assert normalise_patent(canonical) == canonical


@relaxed
@given(application_digits(), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_refused(digits, given_check):
    right = patent_check_char(digits)
    if given_check == right:
        assert normalise_patent(f"ZL{digits}.{given_check}") == f"ZL{digits}.{right}"
    else:
        with pytest.raises(NumberError, match=f"校验位应为 {right}"):
            parse_patent(f"ZL{digits}.{given_check}")


def test_check_character_follows_the_cnipa_rule():
    # 2·2+0·3+2·4+0·5+1·6+0·7+1·8+2·9+3·2+4·3+5·4+6·5 = 112; 112 mod 11 = 2
    assert patent_check_char("202010123456") == "2"
    assert normalise_patent("ZL202010123456.2") == "ZL202010123456.2"
    assert parse_patent("ZL202010123456.2").kind == "invention"
    assert parse_patent("202120345678").kind == "utility"
    # the old eight-digit numbers (before October 2003)
    assert normalise_patent("ZL 98 1 23456") == f"ZL98123456.{patent_check_char('98123456')}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "请填写专利号"),
        ("ZL20201012345", "ZL202010123456.2"),
        ("CN111234567A", "公告（公开）号"),
        ("ZL202050123456", "类型位"),
        ("专利一号", "专利号应为"),
    ],
)
def test_invalid_patent_numbers_say_the_expected_form(text, says):
    with pytest.raises(NumberError) as info:
        parse_patent(text)
    assert says in info.value.message


@pytest.mark.parametrize(
    ("text", "canonical", "level"),
    [
        ("GB/T 12345-2020", "GB/T 12345-2020", "national"),
        ("gb/t12345－2020", "GB/T 12345-2020", "national"),
        ("ＧＢ／Ｔ　１２３４５－２０２０", "GB/T 12345-2020", "national"),
        ("GB / T 1.1 — 2020", "GB/T 1.1-2020", "national"),
        ("T/CAS 123—2021", "T/CAS 123-2021", "group"),
        ("T/CAS123–2021", "T/CAS 123-2021", "group"),
        ("JB/T 1-2019", "JB/T 1-2019", "industry"),
        ("JB 1234-88", "JB 1234-88", "industry"),
        ("DB41/T 2000-2020", "DB41/T 2000-2020", "local"),
        ("db41/t2000-2020", "DB41/T 2000-2020", "local"),
        ("DB4103/T 12-2022", "DB4103/T 12-2022", "local"),
    ],
)
def test_standard_numbers(text, canonical, level):
    number = parse_standard(text)
    assert number.canonical == canonical
    assert number.level == level


@st.composite
def standard_parts(draw) -> tuple[str, str, str]:
    prefix = draw(
        st.sampled_from(
            ["GB", "GB/T", "GB/Z", "JB/T", "YS/T", "DB41/T", "DB4103", "T/CAS", "T/HNKJ"]
        )
    )
    serial = str(draw(st.integers(1, 99999)))
    if draw(st.booleans()):
        serial += f".{draw(st.integers(1, 20))}"
    year = str(draw(st.integers(1990, 2030)))
    return prefix, serial, year


@relaxed
@given(standard_parts(), st.sampled_from(["-", "—", "–", "－", " - ", "‐"]), st.booleans())
def test_standard_spellings_are_one_number(parts, dash, fullwidth):
    prefix, serial, year = parts
    canonical = f"{prefix} {serial}-{year}"
    typed = f"{prefix.lower()} {serial}{dash}{year}"
    if fullwidth:
        typed = _fullwidth(typed)
    assert normalise_standard(typed) == canonical
    assert normalise_standard(canonical) == canonical


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "请填写标准号"),
        ("GB/T 12345", "缺少年号"),
        ("Q/ABC 1-2020", "GB/T 12345-2020"),
        ("DB412000-2020", "加一个空格"),
        ("GB/T 1-1900", "1950"),
    ],
)
def test_invalid_standard_numbers_say_the_expected_form(text, says):
    with pytest.raises(NumberError) as info:
        parse_standard(text)
    assert says in info.value.message
