"""Field conversion: the seed's limits and the schema's types, with messages in the reader's
language (Chinese by default)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from lianmeng.policy.interchange import Texts
from lianmeng.proposals.form_fields import FieldInvalid, FieldSpec, display_value
from lianmeng.proposals.sections import SECTIONS, field_for_path

CHARS = st.characters(categories=("Lo", "Lu", "Ll", "Nd", "Po"))
LIMITED = [
    ("texts.lead_unit_standing", 200),
    ("texts.background", 300),
    ("texts.foundation", 500),
    ("texts.benefits", 500),
    ("name", 100),
]


def spec(name: str) -> FieldSpec:
    for section in SECTIONS.values():
        found = section.field(name)
        if found is not None:
            return found
    raise KeyError(name)


def test_limits_come_from_the_interchange_models():
    for name, limit in LIMITED:
        assert spec(name).max_length == limit
    # the same limit the interchange model enforces
    Texts(background="景" * spec("texts.background").max_length)
    with pytest.raises(ValidationError):
        Texts(background="景" * (spec("texts.background").max_length + 1))


@pytest.mark.parametrize(("name", "limit"), LIMITED)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_text_up_to_the_limit_is_accepted(name, limit, data):
    field = spec(name)
    low = field.rule.min_length or 1
    text = data.draw(st.text(CHARS, min_size=low, max_size=limit))
    assert field.convert(text) == text


@pytest.mark.parametrize(("name", "limit"), LIMITED)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_text_over_the_limit_is_refused_with_its_length(name, limit, data):
    text = data.draw(st.text(CHARS, min_size=limit + 1, max_size=limit + 300))
    with pytest.raises(FieldInvalid) as caught:
        spec(name).convert(text)
    assert caught.value.message == f"不能超过 {limit} 字（当前 {len(text)} 字），请精简后再保存"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_counts_round_trip(value):
    field = spec("lead_unit.employees")
    assert field.convert(display_value(field, value)) == value
    assert field.convert(f"{value:,}") == value


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-(10**9), max_value=-1))
def test_negative_counts_are_refused_in_chinese(value):
    with pytest.raises(FieldInvalid, match="请输入不小于 0 的整数"):
        spec("lead_unit.employees").convert(str(value))


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_net_profit_takes_any_number_and_round_trips(value):
    field = spec("lead_unit.net_profit")
    stored = field.convert(str(value))
    assert float(stored) == pytest.approx(float(value))
    assert field.convert(display_value(field, stored)) == stored


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("lead_unit.employees", "２３５０", 2350),
        ("lead_unit.revenue", " 1,200.50 ", 1200.5),
        ("lead_unit.revenue", "80.0", 80),
        ("lead_unit.debt_ratio_pct", "54.3", 54.3),
        ("lead_unit.registered_on", "2006/3/18", "2006-03-18"),
        ("lead_unit.registered_on", "2006年3月18日", "2006-03-18"),
        ("lead_unit.postcode", "450 100", "450100"),
        ("lead_unit.nature", "enterprise", "enterprise"),
        ("lead_unit.nature", "企业", "enterprise"),
        (
            "lead_unit.qualifications",
            "key_laboratory,high_tech_enterprise",
            ["high_tech_enterprise", "key_laboratory"],
        ),
        ("governance.has_office", "有", True),
        ("governance.has_office", "false", False),
        ("contact.email", "lm@example.cn", "lm@example.cn"),
        ("texts.plan", "第一行\r\n第二行", "第一行\n第二行"),
        ("lead_unit.employees", "   ", None),
    ],
)
def test_typed_text_becomes_the_json_value(name, raw, value):
    assert spec(name).convert(raw) == value


#: typed text that does not validate, and what the applicant reads in Chinese and in English
INVALID = [
    ("lead_unit.employees", "12.5", "请输入不小于 0 的整数", "Enter a whole number of at least 0"),
    ("lead_unit.revenue", "-3", "请输入不小于 0 的数字", "Enter a number of at least 0"),
    ("lead_unit.revenue", "八十", "请输入不小于 0 的数字", "Enter a number of at least 0"),
    (
        "lead_unit.net_profit",
        "abc",
        "请输入数字（亏损、减少等请填负数，如 -120.5）",
        "Enter a number (a loss or decrease as a negative number, e.g. -120.5)",
    ),
    (
        "lead_unit.debt_ratio_pct",
        "1200",
        "请输入 0 到 1000 之间的数字",
        "Enter a number from 0 to 1000",
    ),
    (
        "lead_unit.registered_on",
        "2019-02-30",
        "请输入有效日期，如 2019-05-20",
        "Enter a valid date, e.g. 2019-05-20",
    ),
    (
        "lead_unit.postcode",
        "4501",
        "邮政编码应为 6 位数字，如 450001",
        "A postcode has 6 digits, e.g. 450001",
    ),
    ("lead_unit.nature", "国企", "请从给出的选项中选择", "Choose one of the options given"),
    (
        "lead_unit.qualifications",
        "high_tech_enterprise,金牌企业",
        "“金牌企业”不是可选项，请从给出的选项中勾选",
        "“金牌企业” is not an option; tick among the options given",
    ),
    (
        "lead_unit.qualifications",
        "high_tech_enterprise,金牌企业,银牌",
        "“金牌企业、银牌”不是可选项，请从给出的选项中勾选",
        "“金牌企业, 银牌” is not an option; tick among the options given",
    ),
    ("governance.has_office", "也许", "请选择“有”或“无”", "Choose “Yes” or “No”"),
    ("agreement.legally_binding", "也许", "请选择“是”或“否”", "Choose “Yes” or “No”"),
    (
        "contact.email",
        "lianmeng.example.cn",
        "请输入有效的电子邮箱，如 lianmeng@example.cn",
        "Enter a valid e-mail address, e.g. lianmeng@example.cn",
    ),
    ("name", "盟", "至少填写 2 个字", "Write at least 2 characters"),
    ("lead_unit.total_assets", "1e20", "请输入不小于 0 的数字", "Enter a number of at least 0"),
    (
        "lead_unit.total_assets",
        "10000000000000000",
        "数值过大，请核对单位（金额以万元计）",
        "The number is too large; check the unit (amounts are in 10,000 yuan)",
    ),
]


@pytest.mark.parametrize(("name", "raw", "chinese", "english"), INVALID)
def test_invalid_text_is_explained_in_chinese(name, raw, chinese, english):
    with pytest.raises(FieldInvalid) as caught:
        spec(name).convert(raw)
    assert caught.value.message == chinese


@pytest.mark.parametrize(("name", "raw", "chinese", "english"), INVALID)
def test_invalid_text_is_explained_in_english_when_english_is_chosen(name, raw, chinese, english):
    with translation.override("en"), pytest.raises(FieldInvalid) as caught:
        spec(name).convert(raw)
    assert caught.value.message == english


def test_every_field_maps_to_the_schema_and_every_section_to_a_part():
    from lianmeng.proposals.editor import PARTS

    keys = {part.key for part in PARTS}
    for key, section in SECTIONS.items():
        assert key in keys
        for field in section.all_fields():
            assert field.rule.kind  # resolves in the schema


@pytest.mark.parametrize(
    ("path", "part", "field"),
    [
        ("$.name", "facts", "name"),
        ("$.lead_unit.employees", "lead", "lead_unit.employees"),
        ("$.domain", "facts", "domain"),
        ("$.members", "members", None),
        ("$.members[3].uscc", "members", None),
        (
            "$.expected_kpis.ip.invention_patents",
            "kpis",
            "expected_kpis.ip.invention_patents.applied",
        ),
        ("$.lead_unit", "lead", "lead_unit.nature"),
    ],
)
def test_an_incomplete_document_points_at_the_field_to_fill(path, part, field):
    assert field_for_path(path) == (part, field)


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
TYPED = [
    "lead_unit.employees",
    "lead_unit.revenue",
    "lead_unit.net_profit",
    "lead_unit.debt_ratio_pct",
    "lead_unit.registered_on",
    "lead_unit.postcode",
    "lead_unit.nature",
    "governance.has_office",
    "contact.email",
    "texts.background",
]


@pytest.mark.parametrize("name", TYPED)
@settings(max_examples=40, deadline=None)
@given(raw=st.text(CHARS, min_size=1, max_size=400))
def test_an_english_reader_gets_no_chinese_in_a_field_error(name, raw):
    """Whatever is typed, the English message says what to type without 汉字 of its own."""
    with translation.override("en"):
        try:
            spec(name).convert(raw)
        except FieldInvalid as exc:
            assert not CJK.search(exc.message), exc.message
