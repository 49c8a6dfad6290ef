"""Dates on pages follow the reader's language through one helper (lianmeng.core.dates);
official documents (the PDF, notification texts) keep the Chinese form."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from lianmeng.core.clock import format_moment
from lianmeng.core.dates import show_day, show_moment
from lianmeng.reviews.call_terms import CallTerms, PaperDay

MOMENT = datetime(2026, 9, 20, 15, 59, 30, tzinfo=UTC)  # 23:59:30 in Beijing


def test_moments_and_days_in_chinese_and_english():
    assert show_moment(MOMENT) == "2026年9月20日 23:59"
    assert show_moment(MOMENT, seconds=True) == "2026年9月20日 23:59:30"
    assert show_day(MOMENT) == "2026年9月20日"
    assert show_day(date(2029, 3, 1)) == "2029年3月1日"
    with translation.override("en"):
        assert show_moment(MOMENT) == "20 September 2026 23:59"
        assert show_moment(MOMENT, seconds=True) == "20 September 2026 23:59:30"
        assert show_day(MOMENT) == "20 September 2026"
        # ISO strings as stored in a state change's data
        assert show_day("2029-03-01T23:59:30+08:00") == "1 March 2029"
        assert show_day("2029-03-01") == "1 March 2029"
    assert show_moment(None) == "" and show_day("not a date") == ""
    # what is printed or stored stays Chinese whatever the reader's language
    with translation.override("en"):
        assert format_moment(MOMENT) == "2026年9月20日 23:59:30"
        assert format_moment(MOMENT, seconds=False) == "2026年9月20日 23:59"


def test_template_filters():
    template = Template(
        '{% load lm_dates %}{{ at|moment }} | {{ at|moment:"seconds" }} | {{ at|day }}'
    )
    assert template.render(Context({"at": MOMENT})) == (
        "2026年9月20日 23:59 | 2026年9月20日 23:59:30 | 2026年9月20日"
    )
    with translation.override("en"):
        assert template.render(Context({"at": MOMENT})) == (
            "20 September 2026 23:59 | 20 September 2026 23:59:30 | 20 September 2026"
        )


def test_the_deadline_in_the_history_follows_the_language():
    change = SimpleNamespace(
        label="批准筹建",
        subject=SimpleNamespace(profile="henan"),
        from_state="reviewed",
        to_state="approved",
        at=MOMENT,
        actor_office="河南省科学技术厅",
        actor=None,
        reason="",
        data={
            "deadline": {
                "kind": "construction_period",
                "due_date": "2028年9月20日",
                "due_at": "2028-09-20T23:59:30+08:00",
            }
        },
    )
    chinese = render_to_string("reviews/_history.html", {"history": [change]})
    assert "2028年9月20日" in chinese
    with translation.override("en"):
        english = render_to_string("reviews/_history.html", {"history": [change]})
    assert "20 September 2028" in english and "2028年" not in english


def test_the_paper_window_reads_in_english():
    terms = CallTerms(
        title="通知",
        online_opens_at=MOMENT,
        online_closes_at=MOMENT,
        paper_days=(
            PaperDay(date(2020, 9, 21), ((time(8), time(12)), (time(15), time(18)))),
            PaperDay(date(2020, 9, 22), ((time(8), time(12)), (time(15), time(18)))),
        ),
    )
    assert terms.paper_window_text() == "2020年9月21日、9月22日 08:00—12:00、15:00—18:00"
    with translation.override("en"):
        assert terms.paper_window_text() == (
            "21 September 2020, 22 September 2020 08:00–12:00, 15:00–18:00"
        )
