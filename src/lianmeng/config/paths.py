"""Where the data directory is, computed without side effects (no Django import)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ.get("LIANMENG_DATA_DIR", Path.cwd() / "var")).resolve()


def database_configured() -> bool:
    """True when a database has been set up: DATABASE_URL given, or the SQLite file exists."""
    return bool(os.environ.get("DATABASE_URL")) or (data_dir() / "lianmeng.sqlite3").exists()
