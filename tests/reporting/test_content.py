"""The content check of a report (services.clean_content): whatever a form or the API sends is
either taken, field by field, or refused with ValidationFailed — never anything else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lianmeng.core.errors import ValidationFailed
from lianmeng.policy.alliance_life import KPI_LABELS
from lianmeng.policy.loader import get_profile
from lianmeng.reporting.services import MAX_NUMBER, clean_content

KIND = get_profile("luoyang").reporting.report("self_evaluation")
INDICATORS = st.sampled_from(sorted(KPI_LABELS))
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)


@given(table=st.dictionaries(st.one_of(INDICATORS, st.text(max_size=12)), CELLS, max_size=6))
def test_kpi_tables_are_taken_or_refused(table):
    try:
        content = clean_content(KIND, {"kpis": table, "plan_completion": "x"})
    except ValidationFailed as exc:
        assert exc.message
        return
    for indicator, value in content["kpis"].items():
        assert indicator in KPI_LABELS
        assert isinstance(value, int | float) and 0 <= value <= MAX_NUMBER


@given(values=st.dictionaries(st.sampled_from(["kpis", "funds_use", "other"]), CELLS))
def test_any_field_value_is_taken_or_refused(values):
    try:
        content = clean_content(KIND, values)
    except ValidationFailed:
        return
    assert set(content) <= {f.id for f in KIND.fields} | {"data"}
    assert isinstance(content["funds_use"], str)
