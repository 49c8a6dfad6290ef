"""Time the PDF of a 60-member proposal for each CJK font (median of 5), write docs/benchmarks.md.

    uv run python -m tests.bench.pdf_bench [--runs 5] [--no-write]

The first render in a process also pays for loading fontconfig and the fonts; it is reported
separately ("cold"). The section between the markers in docs/benchmarks.md is replaced;
the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- pdf-bench:begin -->"
END = "<!-- pdf-bench:end -->"
TARGET_S = 1.5


def _machine() -> dict[str, str]:
    cpu = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        cpu = match.group(1).strip() if match else ""
    except OSError:
        pass
    ram = ""
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"^MemTotal:\s+(\d+)", meminfo, re.M).group(1))
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        load = "?"
    return {
        "load": load,
        "nproc": str(os.cpu_count() or "?"),
        "cpu": cpu or platform.processor() or "?",
        "ram": ram or "?",
        "python": platform.python_version(),
    }


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    match = re.search(r"Pages:\s+(\d+)", info)
    return int(match.group(1)) if match else 0


def many_characters_writeup() -> dict[str, dict[str, str]]:
    """A feasibility report using all 3,755 characters of GB 2312 level 1 (a long real one
    uses 1,500 to 2,500 distinct characters)."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    text = "".join(chars)
    html = "".join(f"<p>{text[i : i + 400]}</p>" for i in range(0, len(text), 400))
    return {"feasibility": {"1": html}}


SCENARIOS = {
    "roster": "60 members",
    "long": "60 members + 3,755 distinct 汉字 in the feasibility report",
}


def measure(
    font: str, runs: int, scenario: str = "roster", *, warmed: bool = False
) -> dict[str, object]:
    """Cold = first render of ``font`` in this process (after the warm-up a gunicorn worker
    does when it starts, if ``warmed``); then ``runs`` timed renders."""
    from lianmeng.documents.pdf import VersionStamp, render_proposal_pdf, warm_up

    if warmed:
        warm_up(font)
    from tests.documents.sample import sixty_member_document

    document = sixty_member_document()
    writeups = many_characters_writeup() if scenario == "long" else None
    stamp = VersionStamp(
        label="第 1 版 · 2020年9月1日 10:00:00 提交",
        code="ABCDEFGHJKMN",
        number=1,
        submitted_at=datetime(2020, 9, 1, 2, 0, tzinfo=UTC),
        sha256="0" * 64,
        verify_url="http://lianmeng.example.cn/verify/ABCDEFGHJKMN",
    )
    start = time.perf_counter()
    pdf = render_proposal_pdf(document, version=stamp, font=font, writeups=writeups)
    cold = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render_proposal_pdf(document, version=stamp, font=font, writeups=writeups)
        times.append(time.perf_counter() - start)
    return {
        "font": font,
        "scenario": scenario,
        "cold": cold,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "pages": _pages(pdf),
        "kib": len(pdf) / 1024,
        "members": len(document["members"]),
    }


def _run_isolated(font: str, runs: int, scenario: str, warmed: bool = False) -> dict[str, object]:
    """Each measurement in its own process, so its cold start is really cold."""
    code = (
        "import json, sys; from tests.bench.pdf_bench import _setup, measure; _setup(); "
        f"print(json.dumps(measure({font!r}, {runs}, {scenario!r}, warmed={warmed!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")
    os.environ.setdefault("LIANMENG_DATA_DIR", tempfile.mkdtemp(prefix="lm-bench-"))
    import django

    django.setup()


def _section(results: list[dict[str, object]], machine: dict[str, str], chosen: str) -> str:
    today = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        BEGIN,
        "## PDF of a 60-member proposal (`uv run python -m tests.bench.pdf_bench`)",
        "",
        f"Measured {today} on {machine['nproc']} CPU ({machine['cpu']}), {machine['ram']} RAM, "
        f"Python {machine['python']}; load average {machine['load']} when the run started "
        "(other work on the machine makes the figures vary). The document is `docs/examples/henan-valid.json` plus 49 "
        "generated members (60 members; cover, sections 一 to 十一, the roster, every page "
        "with the verification code and QR). Median of the timed runs after one warm-up "
        "render in the same process; *cold* is that first render in a fresh process "
        "(it also imports WeasyPrint, loads fontconfig and the font files); *first after "
        "warm-up* is the first render in a fresh process after `documents.pdf.warm_up()`, "
        "which every server worker runs when it starts (`lianmeng/config/gunicorn.py`), so "
        "it is what the first applicant of a worker waits. Target: under "
        f"{TARGET_S} s.",
        "",
        "| document | font | pages | PDF size | cold (first render) | first after warm-up "
        "| median | min – max |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        mark = " (used)" if r["font"] == chosen else ""
        lines.append(
            f"| {SCENARIOS[str(r['scenario'])]} | {r['font']}{mark} | {r['pages']} | "
            f"{float(r['kib']):.0f} KiB | "
            f"{float(r['cold']):.2f} s | {float(r['first_warm']):.2f} s | "
            f"{float(r['median']):.2f} s | "
            f"{float(r['min']):.2f} – {float(r['max']):.2f} s |"
        )
    lines += [
        "",
        f"Font used: `{chosen}` (`lianmeng.documents.pdf.DEFAULT_FONT`). With WeasyPrint 70 "
        "fonts are subset by HarfBuzz, and the CFF outlines of Noto Serif CJK are subset as "
        "fast as the TrueType outlines of AR PL UMing: most of the time goes to laying out "
        "the tables, not to fonts. With many distinct characters HarfBuzz fails to subset "
        "UMing (WeasyPrint logs “Unable to subset”) and embeds the whole font, hence its "
        "size in the second case. Noto Serif CJK SC also has a real bold and the Simplified "
        "glyph forms.",
        END,
    ]
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _old, tail = rest.split(END, 1)
            DOC.write_text(head + section.rstrip("\n") + tail, encoding="utf-8")
            return
        DOC.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    DOC.write_text("# Benchmarks\n\n" + section, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.pdf_bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--all-fonts", action="store_true", help="also Noto Sans CJK")
    args = parser.parse_args(argv)
    machine = _machine()  # before the runs, so the load average is the background's
    _setup()
    from lianmeng.documents.pdf import DEFAULT_FONT, FONTS

    fonts = [DEFAULT_FONT, *(f for f in FONTS if f != DEFAULT_FONT)]
    if not args.all_fonts:
        fonts = [DEFAULT_FONT, "uming" if DEFAULT_FONT != "uming" else "noto-serif"]
    results = []
    for scenario in SCENARIOS:
        for font in fonts:
            r = _run_isolated(font, args.runs, scenario)
            r["first_warm"] = _run_isolated(font, 1, scenario, warmed=True)["cold"]
            results.append(r)
            print(
                f"{scenario:7s} {r['font']:11s} pages={r['pages']} kib={float(r['kib']):.0f} "
                f"cold={float(r['cold']):.2f}s warmed={float(r['first_warm']):.2f}s median={float(r['median']):.2f}s "
                f"min={float(r['min']):.2f}s"
            )
    section = _section(results, machine, DEFAULT_FONT)
    if not args.no_write:
        write(section)
        print(f"written to {DOC.relative_to(ROOT)}")
    chosen = next(r for r in results if r["font"] == DEFAULT_FONT and r["scenario"] == "roster")
    return 0 if float(chosen["median"]) < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
