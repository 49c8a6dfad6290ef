"""电话、传真、手机 in section 一 (联盟联系人): Chinese landlines with their area code (and an
extension) and 11-digit mobile numbers are accepted and tidied, mangled ones refused with a
message saying what to type, in Chinese and in English. The interchange format still takes
any string (validation lives in the form only)."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.policy.interchange import proposal_json_schema
from lianmeng.proposals.phones import (
    PhoneInvalid,
    normalise_fax,
    normalise_landline,
    normalise_mobile,
    normalise_phone,
)

from .conftest import post_section, section_url

ROOT = Path(__file__).resolve().parents[3]

# -- strategies ---------------------------------------------------------------------------

#: 010 / 02x take eight-digit numbers, four-digit area codes seven or eight
THREE_DIGIT_AREAS = st.sampled_from(["010", *[f"02{d}" for d in range(10)]])
FOUR_DIGIT_AREAS = st.builds(
    lambda a, b, c: f"0{a}{b}{c}",
    st.integers(3, 9),
    st.integers(0, 9),
    st.integers(0, 9),
)
FIRST = st.integers(2, 9).map(str)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


LANDLINES = st.one_of(
    st.tuples(THREE_DIGIT_AREAS, st.tuples(FIRST, _digits(7)).map("".join)),
    st.tuples(
        FOUR_DIGIT_AREAS,
        st.one_of(
            st.tuples(FIRST, _digits(6)).map("".join),
            st.tuples(FIRST, _digits(7)).map("".join),
        ),
    ),
)
EXTENSIONS = st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=6))
#: how people write the parts: 0371-64581230, 0371 64581230, (0371)64581230, 037164581230
LAYOUTS = st.sampled_from(["{a}-{n}", "{a} {n}", "({a}){n}", "（{a}）{n}", "{a}{n}", "{a} - {n}"])
EXT_LAYOUTS = st.sampled_from(["-{e}", " 转 {e}", "转{e}", " ext. {e}", "-{e}"])
MOBILES = st.tuples(st.integers(3, 9), _digits(9)).map(lambda t: f"1{t[0]}{t[1]}")
MOBILE_LAYOUTS = st.sampled_from(
    ["{m}", "{m3} {m4} {m4b}", "{m3}-{m4}-{m4b}", "+86 {m}", "0086{m}"]
)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# -- valid numbers are accepted and stored in one written form ----------------------------


@settings(max_examples=300, deadline=None)
@given(LANDLINES, EXTENSIONS, LAYOUTS, EXT_LAYOUTS, st.booleans())
def test_landlines_with_area_code_are_accepted_and_tidied(number, extension, layout, ext, wide):
    area, local = number
    typed = layout.format(a=area, n=local) + (ext.format(e=extension) if extension else "")
    if wide:
        typed = _full_width(typed)
    expected = f"{area}-{local}" + (f"-{extension}" if extension else "")
    assert normalise_landline(typed) == expected
    assert normalise_phone(typed) == expected
    assert normalise_fax(typed) == expected
    # what is stored reads back as itself
    assert normalise_landline(expected) == expected


@settings(max_examples=300, deadline=None)
@given(MOBILES, MOBILE_LAYOUTS)
def test_mobile_numbers_are_accepted_and_tidied(mobile, layout):
    typed = layout.format(m=mobile, m3=mobile[:3], m4=mobile[3:7], m4b=mobile[7:])
    assert normalise_mobile(typed) == mobile
    assert normalise_phone(typed) == mobile  # 电话 may be a mobile number too


# -- mangled numbers are refused ----------------------------------------------------------


def _refused(function, text: str) -> str:
    with pytest.raises(PhoneInvalid) as refused:
        function(text)
    return refused.value.message


@settings(max_examples=300, deadline=None)
@given(MOBILES, st.data())
def test_mangled_mobile_numbers_are_refused(mobile, data):
    how = data.draw(st.sampled_from(["drop", "add", "second", "letter", "first"]))
    position = data.draw(st.integers(1, 10))
    if how == "drop":
        mangled = mobile[:position] + mobile[position + 1 :]
    elif how == "add":
        mangled = mobile[:position] + data.draw(FIRST) + mobile[position:]
    elif how == "second":
        mangled = mobile[0] + data.draw(st.sampled_from("012")) + mobile[2:]
    elif how == "letter":
        mangled = mobile[:position] + data.draw(st.sampled_from("abcOlI")) + mobile[position + 1 :]
    else:
        mangled = data.draw(st.sampled_from("023456789")) + mobile[1:]
    message = _refused(normalise_mobile, mangled)
    assert "13812345678" in message  # says what a mobile number looks like


@settings(max_examples=300, deadline=None)
@given(LANDLINES, st.data())
def test_mangled_landlines_are_refused(number, data):
    area, local = number
    how = data.draw(st.sampled_from(["no_area", "short", "long", "letter", "zero_start", "area"]))
    if how == "no_area":
        mangled = local
    elif how == "short":
        mangled = f"{area}-{local[:5]}"
    elif how == "long":
        mangled = f"{area}-{local}{data.draw(_digits(2))}"
    elif how == "letter":
        mangled = f"{area}-{local[:3]}x{local[4:]}"
    elif how == "zero_start":
        mangled = f"{area}-{data.draw(st.sampled_from('01'))}{local[1:]}"
    else:  # an area code that does not start with 0, or starts 011 (no such code)
        # ("0" + area[1:] would give the area code back, a valid number: not a mangling)
        mangled = f"{data.draw(st.sampled_from(['1', '9', '011']))}{area[1:]}-{local}"
        if mangled.startswith("0") and not mangled.startswith(("010", "011")):
            mangled = f"x{mangled}"
    message = _refused(normalise_landline, mangled)
    assert "0371-64581230" in message
    _refused(normalise_fax, mangled)


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (normalise_phone, "64581230", "固定电话请写明区号，如 0371-64581230"),
        (normalise_landline, "64581230", "固定电话请写明区号，如 0371-64581230"),
        (normalise_mobile, "1383801234", "手机号码应为 11 位数字（现为 10 位），如 13812345678"),
        (
            normalise_mobile,
            "12838012345",
            "请输入 11 位手机号码：以 1 开头，第二位为 3–9，如 13812345678",
        ),
        (normalise_fax, "13838012345", "请输入有效的传真号码：区号-号码，如 0371-64581231"),
        (
            normalise_phone,
            "电话号码",
            "请输入有效的电话号码：固定电话写明区号，如 0371-64581230"
            "（分机号写在后面，如 0371-64581230-801），或 11 位手机号码",
        ),
    ],
)
def test_messages_say_what_to_type_in_chinese(function, text, expected):
    assert _refused(function, text) == expected


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (normalise_phone, "64581230", "Write the landline with its area code, e.g. 0371-64581230"),
        (
            normalise_mobile,
            "1383801234",
            "A mobile number has 11 digits (this one has 10), e.g. 13812345678",
        ),
        (
            normalise_mobile,
            "abc",
            "Enter an 11-digit mobile number: 1 followed by a digit from 3 to 9, e.g. 13812345678",
        ),
        (
            normalise_fax,
            "abc",
            "Enter a valid fax number: area code and number, e.g. 0371-64581231",
        ),
        (
            normalise_landline,
            "0371-12",
            "Enter a valid landline number: area code and number, e.g. 0371-64581230; "
            "add an extension after it, e.g. 0371-64581230-801",
        ),
    ],
)
def test_messages_in_english(function, text, expected):
    with translation.override("en"):
        assert _refused(function, text) == expected


# -- in the form --------------------------------------------------------------------------


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_section_one_tidies_valid_numbers(signed_in, staff, draft):
    client = signed_in(staff())
    response = post_section(
        client,
        draft,
        "facts",
        {
            "contact.phone": "（0371）6458 1230 转 801",
            "contact.fax": "0371 64581231",
            "contact.mobile": "+86 138-3801-2345",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.document["contact"]["phone"] == "0371-64581230-801"
    assert draft.document["contact"]["fax"] == "0371-64581231"
    assert draft.document["contact"]["mobile"] == "13838012345"
    assert "facts" not in (draft.form_state or {})


def test_section_one_keeps_a_wrong_number_as_typed_with_its_message(signed_in, staff, draft):
    client = signed_in(staff())
    before = draft.document["contact"]["phone"]
    post_section(
        client,
        draft,
        "facts",
        {"contact.phone": "64581230", "contact.mobile": "1383801234", "industry": "铝加工"},
    )
    draft.refresh_from_db()
    # the valid field of the same post is saved, the wrong ones kept as typed, not stored
    assert draft.document["industry"] == "铝加工"
    assert "mobile" not in draft.document["contact"]
    assert draft.document["contact"].get("phone") != "64581230"
    assert before != "64581230"
    text = page(client.get(section_url(draft, "facts")))
    assert 'value="64581230"' in text and 'value="1383801234"' in text
    assert "固定电话请写明区号，如 0371-64581230" in text
    assert "手机号码应为 11 位数字（现为 10 位），如 13812345678" in text
    assert 'inputmode="tel"' in text

    client.cookies["django_language"] = "en"
    text = page(client.get(section_url(draft, "facts")))
    assert "Write the landline with its area code, e.g. 0371-64581230" in text
    assert "A mobile number has 11 digits (this one has 10), e.g. 13812345678" in text


# -- the interchange format is not contradicted ------------------------------------------


SHARED_SCHEMA = ROOT.parent / "shared" / "schemas" / "proposal.schema.json"


def test_our_interchange_schema_still_takes_any_string_for_the_numbers():
    contact = proposal_json_schema()["$defs"]
    node = next(v for k, v in contact.items() if "phone" in (v.get("properties") or {}))
    for key in ("phone", "mobile", "fax"):
        assert "pattern" not in json.dumps(node["properties"][key])


@pytest.mark.skipif(
    not SHARED_SCHEMA.is_file(),
    reason="shared/ is absent: the fixed interchange schema can only be read beside it",
)
def test_the_fixed_interchange_schema_takes_any_string_for_the_numbers():
    shared = json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))
    assert "pattern" not in json.dumps(shared).split('"phone"')[1][:40]


def test_lianmeng_check_still_accepts_the_examples():
    for name in [f"{p}-valid.json" for p in ("henan", "luoyang", "baoding", "heilongjiang")]:
        result = subprocess.run(
            [sys.executable, "-m", "lianmeng.cli", "check", str(ROOT / "docs/examples" / name)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode == 0, (name, result.stdout[-400:], result.stderr[-400:])
        for key in ("phone", "mobile", "fax"):
            value = json.loads((ROOT / "docs/examples" / name).read_text())["contact"].get(key)
            if value:  # and every example's numbers pass the form's check as they are
                {"phone": normalise_phone, "mobile": normalise_mobile, "fax": normalise_fax}[key](
                    value
                )
