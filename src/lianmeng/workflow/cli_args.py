"""What every ``lianmeng <kind> transition ID NAME`` command reads from its arguments: who acts
(``--as``), the step's data (``--data`` JSON object) and its 依据 (``--basis``), and how it fails
(one line on stderr, exit 2 for bad input, 1 for a refused step)."""

from __future__ import annotations

import json
import sys
from typing import Any


class BadArguments(Exception):
    """The command line cannot be carried out; the message says what to type instead."""


def fail(message: str, code: int = 2) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return code


def option(argv: list[str], name: str) -> str | None:
    if name not in argv:
        return None
    index = argv.index(name)
    return argv[index + 1] if index + 1 < len(argv) else ""


def actor_and_data(
    argv: list[str], *, example_user: str, example_data: str = ""
) -> tuple[Any, dict]:
    """The active account named by ``--as`` and the ``--data`` object (with ``--basis`` in it)."""
    from lianmeng.core.models import User

    username = option(argv, "--as")
    if not username:
        raise BadArguments(f"请用 --as 指定以哪个账号办理，如 --as {example_user}")
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise BadArguments(f"没有账号 {username}")
    raw = option(argv, "--data")
    hint = (
        f"--data 须为 JSON 对象，如 '{example_data}'" if example_data else "--data 须为 JSON 对象"
    )
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        raise BadArguments(hint) from None
    if not isinstance(data, dict):
        raise BadArguments(hint)
    if option(argv, "--basis"):  # 依据: required while the profile is not in force
        data["basis"] = option(argv, "--basis")
    return actor, data
