"""The machine a benchmark ran on, for docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from datetime import datetime
from pathlib import Path


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )


def write_section(name: str, body: str, path: Path = Path("docs/benchmarks.md")) -> None:
    """Replace (or append) the section `## name` of docs/benchmarks.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# 性能基准 / Benchmarks\n\n"
    start_marker = f"<!-- bench:{name} -->"
    end_marker = f"<!-- /bench:{name} -->"
    block = f"{start_marker}\n{body.rstrip()}\n{end_marker}\n"
    if start_marker in text and end_marker in text:
        before, rest = text.split(start_marker, 1)
        _, after = rest.split(end_marker, 1)
        text = before + block + after.lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")
