"""`make bench`: every benchmark, each writing its section of docs/benchmarks.md."""

from __future__ import annotations

import importlib
import pkgutil

import tests.bench as package


def main() -> None:
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith("_bench"):
            print(f"== {info.name} ==", flush=True)
            importlib.import_module(f"tests.bench.{info.name}").main()


if __name__ == "__main__":
    main()
