"""The national benchmark's measurement functions (tests/bench/national_bench.py) on a tiny data
set in-process, so `make bench` does not rot between its (long) runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.bench import national_bench as nb

ROOT = Path(__file__).resolve().parents[2]

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/registry/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    18.21ms    4.10ms  60.00ms   80.00%
    Req/Sec     0.88k    70.00     1.00k    70.00%
  17631 requests in 10.01s, 120.55MB read
  Non-2xx or 3xx responses: 31
Requests/sec:   1761.44
Transfer/sec:     12.04MB
"""


def test_percentiles_are_nearest_rank():
    figures = nb.summarize([float(x) for x in range(20, 0, -1)])
    assert figures == {"n": 20, "p50": 10.5, "p95": 19.0, "max": 20.0}


def test_time_requests_calls_the_page_n_times():
    calls = []
    figures = nb.time_requests(lambda: calls.append(1), 7)
    assert len(calls) == 7 and figures["n"] == 7
    assert figures["p50"] <= figures["p95"] <= figures["max"]


def test_wrk_summary_counts_only_the_answers_served():
    r = nb.parse_wrk(WRK_OUTPUT)
    assert r["requests"] == 17631 and r["non2xx"] == 31 and r["rps"] == 1761.44
    assert r["ok_rps"] == pytest.approx((17631 - 31) / 10.01)


def test_sequential_scans_over_big_tables_are_named():
    plan = (
        "Limit  (cost=0.29..8.31 rows=20 width=8)\n"
        "  ->  Seq Scan on alliances_alliance  (cost=0.00..390.00 rows=10000 width=8)\n"
        "  ->  Seq Scan on core_role  (cost=0.00..1.10 rows=10 width=8)\n"
        "  ->  Seq Scan on big_custom  (cost=0.00..1.10 rows=10 width=8)\n"
    )
    big = {"alliances_alliance", "big_custom", "reporting_report"}
    assert nb.seq_scans(plan, big) == ["alliances_alliance", "big_custom"]  # core_role is small


LUA_STRING = re.compile(r'"(?:[^"\\]|\\\d{3})*"')


def _lua(literal: str) -> str:
    """What a Lua 5.1 string literal of lua_string holds."""
    body, out, i = literal[1:-1], bytearray(), 0
    while i < len(body):
        if body[i] == "\\":
            out.append(int(body[i + 1 : i + 4]))
            i += 4
        else:
            out.append(ord(body[i]))
            i += 1
    return out.decode("utf-8")


def test_lua_strings_carry_chinese_as_byte_escapes():
    literal = nb.lua_string('说明 "a\\b"')
    assert literal.isascii() and "\\u" not in literal  # LuaJIT has no \u escapes
    assert _lua(literal) == '说明 "a\\b"'


def test_the_draft_save_script_sends_valid_json_with_the_last_revision():
    drafts = [{"id": 41, "revision": 3, "base": "ab12"}, {"id": 42, "revision": 1, "base": "x"}]
    script = nb.save_lua(drafts, "product", ("铝合金", "铝合金（修订）"))
    assert "{id=41,rev=3" in script and "/sections/facts" in script
    line = next(x for x in script.splitlines() if x.startswith("local bodies"))
    first, second = (_lua(x) for x in LUA_STRING.findall(line))
    body = json.loads(first.replace("REV", "4").replace("BASE", "cd34"))
    assert body == {"revision": 4, "base": "cd34", "values": {"product": "铝合金"}}
    assert json.loads(second.replace("REV", "5").replace("BASE", "x"))["values"] == {
        "product": "铝合金（修订）"
    }


def test_the_submission_script_submits_each_draft_once():
    script = nb.submit_lua([7, 8, 9], {"alliance.unique_in_field": "说明"})
    assert "local ids = {7,8,9}" in script and "/submit" in script
    line = next(x for x in script.splitlines() if x.startswith("local body"))
    body = json.loads(_lua(LUA_STRING.search(line).group(0)))
    assert body == {"explanations": {"alliance.unique_in_field": "说明"}}


def test_a_staff_page_is_marked_with_its_gaps_and_their_cause():
    slow = {
        "full": {"p95": 184.0},
        "tenth": {"p95": 37.0},
        "queries_tenth": 9,
        "queries_full": 11,
        "seq_scans": ["core_unit"],
        "slowest_ms": 120.0,
        "slowest_sql": 'SELECT COUNT(*) FROM "alliances_alliance" INNER JOIN …',
    }
    mark = nb.page_mark(slow)
    assert "p95 184 ms > 100" in mark and "5.0× > 1.3×" in mark and "queries 9 → 11" in mark
    assert "seq scan core_unit" in mark and "alliances_alliance" in mark
    fine = {"full": {"p95": 40.0}, "tenth": {"p95": 35.0}, "queries_tenth": 9, "queries_full": 9}
    assert nb.page_mark(fine) == "✓"


@pytest.mark.django_db
def test_pages_are_kept_for_the_accounts_that_may_open_them(make_user):
    competent = make_user(["competent"], jurisdiction="410000", username="bench-province")
    make_user(["recommender"], jurisdiction="410305", username="bench-county")
    from lianmeng.core.tokens import token_create

    tokens = {competent.username: token_create(actor=competent, name="基准测试")[1]}
    pages = [
        ("list", "/registry/"),
        ("list", "/audit/"),  # the audit administrator's only
        ("list", "/proposals/"),
        ("api", "/api/v1/registry"),
    ]
    kept = nb.page_queries(
        ["bench-province", "bench-county"], pages, per_account=["/proposals/"], tokens=tokens
    )
    province, county_pages = kept["bench-province"], kept["bench-county"]
    # a page everyone may open is measured once, as the widest account
    assert "/registry/" in province and "/registry/" not in county_pages
    assert "/api/v1/registry" in province
    # a page whose rows depend on the account is measured as each
    assert "/proposals/" in province and "/proposals/" in county_pages
    assert "/audit/" not in province and "/audit/" not in county_pages
    assert province["/registry/"]["queries"] > 0
    assert province["/registry/"]["kind"] == "list"


@pytest.mark.django_db
def test_the_check_timing_runs_lianmeng_check_on_a_file(tmp_path):
    doc = json.loads((ROOT / "docs/examples/henan-valid.json").read_text(encoding="utf-8"))
    path = tmp_path / "henan.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    figures = nb.check_timing(path, runs=2)
    assert figures["n"] == 2 and figures["exit"] in (0, 1)  # 1: findings (the date)


@pytest.mark.django_db
def test_the_bare_view_is_served_only_with_the_bench_settings(client, settings):
    assert client.get("/bench-bare/").status_code == 404
    settings.ROOT_URLCONF = "tests.bench.bare_urls"
    answer = client.get("/bench-bare/")
    assert answer.status_code == 200 and answer.content == b"ok"


def test_the_report_marks_every_target():
    page = {"kind": "list", "queries": 9, "seq_scans": [], "slowest_ms": 1.0, "slowest_sql": ""}
    http = {"p50": 30.0, "p95": 40.0, "max": 50.0, "n": 40}
    wrk = {"requests": 1000, "non2xx": 0, "ok_rps": 100.0, "rps": 100.0}
    results = {
        "load_start": 0.5,
        "requests": 40,
        "tenth": {
            "summary": {"scale_arg": "province", "alliances": 1000, "wall_seconds": 60},
            "queries": {"henan": {"/registry/": page}},
            "http": {"henan": {"/registry/": {**http, "p95": 35.0}}},
            "check": {"exit": 0, "n": 10, "p50": 20.0, "p95": 22.0},
        },
        "full": {
            "summary": {"scale_arg": "national", "alliances": 10000, "wall_seconds": 500},
            "roles": {"henan": ["competent"], "shenbao": ["applicant"]},
            "queries": {"henan": {"/registry/": page}, "shenbao": {"/home/": page}},
            "http": {"henan": {"/registry/": http}, "shenbao": {"/home/": {**http, "p95": 300}}},
            "throughput": {
                "drafts": 400,
                "save_field": "product",
                "bare": {**wrk, "ok_rps": 1000.0},
                "bare_after": {**wrk, "ok_rps": 1000.0},
                "registry": {**wrk, "ok_rps": 500.0},
                "save": {**wrk, "ok_rps": 300.0},
                "submit": {**wrk, "ok_rps": 20.0, "submitted": 200, "exhausted": False},
            },
            "xlsx": {
                "/registry/export.xlsx": {"status": 200, "kib": 900, "seconds": 2.5, "xlsx": True}
            },
            "check": {"exit": 0, "n": 10, "p50": 60.0, "p95": 70.0},
        },
        "pdf": {"first_after_warm_up": 1.2, "median": 0.9, "min": 0.8, "max": 1.0, "pages": 11},
    }
    text = nb.render(results, "2 cores", 1500)
    registry = next(
        line for line in text.splitlines() if "`/registry/`" in line and "henan" in line
    )
    assert registry.endswith("| ✓ |") and "1.14×" in registry
    assert "(not staff)" in text  # the applicant's home carries no staff target
    assert "50.0%" in text and "| 2% < 40% |" in text  # registry ✓, submission short of 40 %
    assert "60 ms > 50 ms" in text and "1.20 s > 1 s" in text
    assert "Staff pages meeting every target: 1 of 1." in text
