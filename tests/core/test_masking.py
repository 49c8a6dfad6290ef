"""Masked personal data (lianmeng.core.masking): what a list or an export shows of a phone
number, an e-mail address or an ID number to a reader who does not need it in full."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianmeng.core.masking import mask_email, mask_id_number, mask_person, mask_phone

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("0371-64581230", "0371-****1230"),
        ("010-12345678", "010-****5678"),
        ("0379-6123456", "0379-****456"),
        ("64581230", "******30"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("", ""),
        ("无", "无"),
    ],
)
def test_phone_numbers_keep_only_what_recognises_them(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("lianmeng@yulv.example.cn", "l***@yulv.example.cn"),
        ("  li@example.cn ", "l***@example.cn"),
        ("@example.cn", "***@example.cn"),
        ("not-an-address", "n***"),
        ("", ""),
    ],
)
def test_email_keeps_the_first_character_and_the_domain(address, masked):
    assert mask_email(address) == masked


def test_id_number_keeps_the_first_character_and_the_last_four():
    assert mask_id_number("41030219800101123X") == "4*************123X"
    assert mask_id_number("410302800101123") == "4***********123"  # 15 digits: a quarter


def test_a_person_keeps_the_name_and_loses_the_numbers():
    person = {"name": "李明华", "mobile": "13838012345", "email": "li@example.cn", "x": 1}
    assert mask_person(person) == {
        "name": "李明华",
        "mobile": "138****2345",
        "email": "l***@example.cn",
        "x": 1,
    }
    assert mask_person(None) is None


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
landlines = st.builds(
    lambda area, local: f"{area}-{local}",
    st.sampled_from(["010", "021", "0371", "0379", "0311"]),
    st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True),
)


@given(mobiles, st.booleans(), st.sampled_from(["", "+86 ", "0086"]))
def test_a_mobile_number_never_shows_its_middle_digits(number, full_width, prefix):
    text = prefix + (number.translate(FULL_WIDTH) if full_width else number)
    masked = mask_phone(text)
    assert masked.endswith("****" + text[-4:])
    start = len(text) - 8
    assert masked[start : start + 4] == "****" and masked[:start] == text[:start]
    assert text not in masked
    assert len(masked) == len(text)


@given(landlines)
def test_a_landline_keeps_its_area_code_and_at_most_half_the_local_number(number):
    area, local = number.split("-")
    masked = mask_phone(number)
    assert masked.startswith(area + "-")
    hidden = masked.split("-")[1].count("*")
    assert hidden >= len(local) / 2 and 2 <= len(local) - hidden <= 4
    assert local not in masked and len(masked) == len(number)


@given(st.text())
def test_masking_never_raises_keeps_the_length_and_is_idempotent(text):
    for mask in (mask_phone, mask_id_number):
        once = mask(text)
        assert len(once) == len(text)
        assert mask(once) == once
    once = mask_email(text)
    assert mask_email(once) == once


@given(st.text(alphabet=st.characters(categories=["Nd", "Pd", "Zs"]), min_size=1))
def test_a_number_of_seven_digits_or_more_always_hides_three(text):
    masked = mask_phone(text)
    digits = sum(1 for c in text if c.isdigit())
    hidden = sum(1 for a, b in zip(text, masked, strict=True) if a != b)
    assert hidden >= (3 if digits >= 7 else 0)
    assert all(b == "*" for a, b in zip(text, masked, strict=True) if a != b)


@given(st.emails())
def test_an_email_shows_one_character_of_its_local_part(address):
    masked = mask_email(address)
    local, _, domain = address.rpartition("@")
    first = "" if local[0] == "*" else local[0]  # "*" reads as already hidden
    assert masked == f"{first}***@{domain}"


@given(st.from_regex(r"[1-8][0-9]{16}[0-9X]", fullmatch=True))
def test_an_id_number_hides_region_birth_date_and_sequence(number):
    masked = mask_id_number(number)
    assert masked[0] == number[0] and masked[-4:] == number[-4:]
    assert masked[1:-4] == "*" * 13
    assert number[6:14] not in masked  # the birth date
