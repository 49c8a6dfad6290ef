"""``lianmeng proposal pdf FILE.json -o OUT.pdf``: the printable PDF from an interchange file.

No database is read: the stamp on every page says "未提交 · 草稿" and carries the SHA-256
of the file's content instead of a verification code (a draft printed from a file cannot be
verified online). Errors a user can cause print one line and exit with code 2.

The command line (``lianmeng.cli``) runs it and hands over how Django is set up: the file is
read and checked first, so a usage error never needs the settings.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

USAGE = "用法：lianmeng proposal pdf FILE.json -o OUT.pdf [--font uming|noto-serif|noto-sans]"


def _fail(message: str) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return 2


def run_pdf(argv: list[str], *, setup_django: Callable[[], None]) -> int:
    """Run the command; ``setup_django`` is called once the input is known to be good."""
    from .pdf import DEFAULT_FONT, FONTS

    source: Path | None = None
    out: Path | None = None
    font = DEFAULT_FONT
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-o", "--output", "--font"):
            if not args:
                return _fail(f"{arg} 后须给出取值。{USAGE}")
            value = args.pop(0)
            if arg == "--font":
                if value not in FONTS:
                    return _fail(f"未知字体 {value}，可选：{'、'.join(FONTS)}")
                font = value
            else:
                out = Path(value)
        elif arg.startswith("-"):
            return _fail(f"未知选项 {arg}。{USAGE}")
        elif source is None:
            source = Path(arg)
        else:
            return _fail(f"多余的参数 {arg}。{USAGE}")
    if source is None or out is None:
        return _fail(USAGE)

    from lianmeng.policy.interchange import InterchangeError, load_proposal_file

    try:
        load_proposal_file(source)
        document = json.loads(source.read_text(encoding="utf-8-sig"))
    except InterchangeError as exc:
        return _fail(exc.line())
    except OSError as exc:
        return _fail(f"无法读取文件 {source}：{exc.strerror}")

    setup_django()
    from .pdf import VersionStamp, render_proposal_pdf

    canonical = json.dumps(
        {"document": document, "writeups": {}, "explanations": {}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    stamp = VersionStamp(
        label="未提交 · 草稿（由文件生成，不能在线核验）",
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    )
    pdf = render_proposal_pdf(document, version=stamp, font=font)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        return _fail(f"无法写入 {out}：{exc.strerror}")
    members = len(document.get("members") or [])
    print(f"已生成 {out}（{members} 家成员单位，{len(pdf) // 1024} KB）")
    return 0
