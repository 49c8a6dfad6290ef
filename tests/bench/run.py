"""`make bench`: the national benchmark (tests/bench/national_bench.py) and the PDF benchmark,
each writing its section of docs/benchmarks.md.

    uv run python -m tests.bench.run          # make bench
    uv run python -m tests.bench.run --all    # make bench-all: every tests/bench/*_bench.py
    uv run python -m tests.bench.<name>       # one of them by name

A benchmark that fails is reported and the others still run; the exit status says whether
every one ran.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import time
import traceback

import tests.bench as package

#: `make bench`
DEFAULT = ["national_bench", "pdf_bench"]


def benchmarks(every: bool) -> list[str]:
    if not every:
        return list(DEFAULT)
    return [
        info.name for info in pkgutil.iter_modules(package.__path__) if info.name.endswith("_bench")
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    failed = []
    for name in benchmarks("--all" in argv):
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        module = importlib.import_module(f"tests.bench.{name}")
        try:
            # a benchmark's own options are not ours: give it an empty command line
            if inspect.signature(module.main).parameters:
                module.main([])
            else:
                module.main()
        except Exception:  # noqa: BLE001 - one broken benchmark must not stop the others
            traceback.print_exc()
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - start:.0f} s ==", flush=True)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
