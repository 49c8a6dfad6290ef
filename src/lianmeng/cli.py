"""`lianmeng` — the command line for batch work.

    lianmeng check FILE [--profile P] [--at DATETIME]   eligibility pre-check (no database needed)
    lianmeng policy list | show PROFILE                 the policy profiles, with citations
    lianmeng rewards FILE [--profile P]                 reward amounts with caps and articles
                                                        (no database needed)
    lianmeng proposal import FILE                       store an interchange file as a draft
    lianmeng proposal export ID [-o FILE]               write a stored proposal back
    lianmeng proposal history ID                        who did what, when and why
    lianmeng proposal transition ID NAME --as USER [--reason TEXT] [--data JSON]
                                                        recommend, accept … (the engine)
    lianmeng proposal pdf FILE -o OUT.pdf               the printable PDF of a file (no database)
    lianmeng alliance import FILE.json [--as USER]      import the legacy registry (decided before the system)
    lianmeng alliance status ID | history ID            an alliance's state, its history
    lianmeng alliance transition ID NAME --as USER [--reason TEXT]
                                                        dissolve, apply for 验收 … (the engine)
                                                        revoke (保定) needs a ground: --ground not_acting
    lianmeng evaluation campaigns | show ID | results ID [--as USER] [--xlsx FILE]
                                                        annual evaluations, their ranking table
    lianmeng evaluation open PROFILE YEAR --as USER --self-due DATE --scoring-due DATE
    lianmeng evaluation advance|rank ID --as USER | assign ID EVALUATOR --as USER
    lianmeng evaluation rectifications | recheck RID --as USER --pass|--fail --reason TEXT
    lianmeng audit verify                               verify the audit hash chain and the
                                                        sealed records (versions, decisions)
    lianmeng backup DIR_OR_FILE                         database, uploaded files and secret key
                                                        in one .tar.gz with a manifest
    lianmeng restore FILE [--force]                     put a backup back (checks every hash)
    lianmeng setup                                      migrate, compile translations, collect static
    lianmeng demo                                       load demo data (idempotent)
    lianmeng demo --scale national|province             then add national-scale data (1/10 for
                                                        province), once per database
    lianmeng demo totp USERNAME                         current code of a demo account's
                                                        demo authenticator (demo device only)
    lianmeng serve [ADDR:PORT]                          serve the site (gunicorn; without REDIS_URL
                                                        it also runs the reminder job every
                                                        LIANMENG_REMINDER_INTERVAL_MINUTES)
    lianmeng worker                                     Celery worker with beat on REDIS_URL
                                                        (runs the reminder job on schedule)
    lianmeng reminders run [--now ISO]                  send the deadline reminders due now, once
    lianmeng insight refresh [--scope CODE]             recompute the dashboards' figures (all
                                                        departments' areas, or one)
    lianmeng manage ARGS…                               any Django management command

Errors a user can cause print one line in Chinese on standard error, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

USAGE = __doc__ or ""


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")
    import django

    django.setup()


def _fail(message: str, code: int = 2) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return code


def existing_provider(
    profile_id: str,
    *,
    exclude_lead: str | None = None,
    exclude_name: str | None = None,
    facts: dict[str, str] | None = None,
) -> list[Any] | None:
    """Stored alliances and pending proposals to compare with, or None with no database.

    The proposal being checked is left out when it is itself stored (same lead, same name).
    """
    from lianmeng.config.paths import database_configured

    if not database_configured():
        return None
    try:
        _django()
        from django.db import DatabaseError

        from lianmeng.proposals.checks import existing_alliances

        try:
            return existing_alliances(
                profile_id, exclude_lead=exclude_lead, exclude_name=exclude_name, facts=facts
            )
        except DatabaseError:
            return None
    except Exception:  # noqa: BLE001 - a broken database must not break a pure pre-check
        return None


def _identity_of(argv: list[str]) -> tuple[str | None, str | None]:
    """Best effort: the lead unit's code and the alliance name of the file being checked."""
    files, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in {"--profile", "--at"}:
            skip = True
        elif not arg.startswith("-"):
            files.append(arg)
    try:
        doc = json.loads(Path(files[0]).read_text(encoding="utf-8"))
        lead = doc.get("lead_unit") or {}
        return (lead.get("uscc") or lead.get("org_code")), doc.get("name")
    except (IndexError, OSError, ValueError, AttributeError):
        return None, None  # run_check reports the bad input itself


def _facts_of(argv: list[str]) -> dict[str, str] | None:
    """The name, industry and product of the file being checked: the duplicate search reads
    only the stored proposals that can be similar to them (lianmeng.proposals.checks)."""
    files = [
        arg
        for i, arg in enumerate(argv)
        if not arg.startswith("-")
        and (i == 0 or argv[i - 1] not in {"--profile", "--at", "--existing"})
    ]
    try:
        doc = json.loads(Path(files[0]).read_text(encoding="utf-8"))
        return {key: str(doc.get(key) or "") for key in ("name", "industry", "product")}
    except (IndexError, OSError, ValueError, AttributeError):
        return None  # then every stored proposal is compared with


def cmd_check(argv: list[str]) -> int:
    from lianmeng.policy.cli_check import run_check

    lead, name = _identity_of(argv)
    facts = _facts_of(argv)
    return run_check(
        argv,
        lambda profile: existing_provider(
            profile, exclude_lead=lead, exclude_name=name, facts=facts
        ),
    )


def cmd_rewards(argv: list[str]) -> int:
    from lianmeng.policy.cli_rewards import run_rewards

    return run_rewards(argv)


def cmd_policy(argv: list[str]) -> int:
    from lianmeng.policy.cli_check import run_policy

    return run_policy(argv)


def cmd_proposal(argv: list[str]) -> int:
    if argv[:1] == ["pdf"]:
        from lianmeng.documents.cli_pdf import run_pdf

        return run_pdf(argv[1:], setup_django=_django)
    if argv[:1] in (["history"], ["transition"]):
        _django()
        from lianmeng.reviews.cli import run as run_lifecycle

        return run_lifecycle(argv)
    if len(argv) >= 2 and argv[0] == "import":
        path = Path(argv[1])
        from lianmeng.policy.interchange import InterchangeError, load_proposal_file

        try:
            load_proposal_file(path)
            document = json.loads(path.read_text(encoding="utf-8"))
        except InterchangeError as exc:
            return _fail(f"{exc.path}: {exc.message}")
        except OSError as exc:
            return _fail(f"无法读取文件 {path}：{exc.strerror}")
        _django()
        from lianmeng.core.errors import DomainError
        from lianmeng.proposals.services import proposal_import

        try:
            proposal = proposal_import(actor=None, document=document)
        except DomainError as exc:
            return _fail(exc.message)
        print(
            f"已导入申报 #{proposal.pk}：{proposal.name}（{proposal.member_count} 家成员单位，草稿）"
        )
        return 0
    if len(argv) >= 2 and argv[0] == "export":
        out = None
        if "-o" in argv:
            i = argv.index("-o")
            if i + 1 >= len(argv):
                return _fail("-o 后须给出输出文件名")
            out = Path(argv[i + 1])
        _django()
        from lianmeng.proposals.models import Proposal
        from lianmeng.proposals.services import proposal_export

        try:
            proposal = Proposal.objects.get(pk=int(argv[1]))
        except (ValueError, Proposal.DoesNotExist):
            return _fail(f"没有编号为 {argv[1]} 的申报")
        text = json.dumps(proposal_export(proposal=proposal), ensure_ascii=False, indent=2) + "\n"
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    return _fail(
        "用法：lianmeng proposal import FILE | lianmeng proposal export ID [-o FILE]"
        " | lianmeng proposal pdf FILE -o OUT.pdf"
    )


#: ``lianmeng alliance WORD …``: the module whose ``run(argv)`` answers each word
ALLIANCE_COMMANDS = {
    "status": "lianmeng.alliances.cli",
    "history": "lianmeng.alliances.cli",
    "transition": "lianmeng.alliances.cli",
    "checklist": "lianmeng.construction.cli",
    "acceptance": "lianmeng.construction.cli",
    "reports": "lianmeng.reporting.cli",
    "report": "lianmeng.reporting.cli",
    "members": "lianmeng.running.cli",
    "changes": "lianmeng.running.cli",
}


def cmd_alliance(argv: list[str]) -> int:
    module = ALLIANCE_COMMANDS.get(argv[0]) if argv else None
    if module is not None:
        import importlib

        _django()
        return int(importlib.import_module(module).run(argv))
    usage = "用法：lianmeng alliance import FILE.json [--as USER]"
    if len(argv) < 2 or argv[0] != "import":
        return _fail(usage)
    path = Path(argv[1])
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return _fail(f"无法读取文件 {path}：{exc.strerror}")
    except ValueError as exc:
        return _fail(f"{path} 不是有效的 JSON：第 {getattr(exc, 'lineno', '?')} 行")
    _django()
    from lianmeng.alliances.legacy import legacy_import
    from lianmeng.core.errors import DomainError
    from lianmeng.core.models import User

    actor = None
    if "--as" in argv:
        i = argv.index("--as")
        name = argv[i + 1] if i + 1 < len(argv) else ""
        actor = User.objects.filter(username=name, is_active=True).first()
        if actor is None:
            return _fail(f"没有账号 {name}")
    try:
        result = legacy_import(actor=actor, rows=rows)
    except DomainError as exc:
        return _fail(exc.message)
    for number, reason in result.errors:
        print(f"第 {number} 行：{reason}", file=sys.stderr)
    print(
        f"已导入 {len(result.created)} 个联盟，{len(result.skipped)} 个已在名录中（跳过），"
        f"{len(result.errors)} 行有误。"
    )
    return 1 if result.errors else 0


def cmd_evaluation(argv: list[str]) -> int:
    _django()
    from lianmeng.evaluation.cli import run

    return run(argv)


def cmd_audit(argv: list[str]) -> int:
    if argv[:1] != ["verify"]:
        return _fail("用法：lianmeng audit verify")
    _django()
    from lianmeng.core.audit import audit_verify
    from lianmeng.core.integrity import integrity_verify

    result = audit_verify()
    if not result.intact:
        print(
            f"broken：第 {result.broken_id} 号记录：{result.reason}（此前 {result.checked} 条完好）"
        )
        return 1
    # second pass: every sealed business record (submitted versions, published decisions)
    # against the hash its audit entry holds
    business = integrity_verify()
    for mismatch in business.mismatches:
        print(f"broken：{mismatch.message}")
    if not business.intact:
        print(
            f"审计链完整（{result.checked} 条记录），但 {len(business.mismatches)} 条业务数据"
            f"与审计记录不符（共核对 {business.checked} 条）"
        )
        return 1
    print(
        f"intact：审计链完整，共 {result.checked} 条记录；"
        f"业务数据与审计记录相符，共核对 {business.checked} 条"
    )
    return 0


def cmd_backup(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        return _fail("用法：lianmeng backup 目录或文件名.tar.gz")
    _django()
    from lianmeng.core.backup import BackupError, backup

    try:
        result = backup(Path(argv[0]))
    except BackupError as exc:
        return _fail(str(exc))
    manifest = result.manifest
    print(
        f"已备份到 {result.path}（{result.size / 1024 / 1024:.1f} MB，用时 {result.seconds:.1f} 秒）："
        f"{manifest['engine']} 数据库 {sum(manifest['counts'].values())} 行、"
        f"{manifest['files']} 个上传文件、密钥。文件含密钥，请加密保存。"
    )
    if where := manifest.get("files_elsewhere"):
        print(f"上传文件在对象存储 {where}，不在备份中：由对象存储的版本控制和复制保护。")
    return 0


def cmd_restore(argv: list[str]) -> int:
    force = "--force" in argv
    rest = [a for a in argv if a != "--force"]
    if len(rest) != 1 or rest[0].startswith("-"):
        return _fail("用法：lianmeng restore 备份文件.tar.gz [--force]")
    _django()
    from lianmeng.core.audit import audit_verify
    from lianmeng.core.backup import BackupError, restore

    try:
        result = restore(Path(rest[0]), force=force)
    except BackupError as exc:
        return _fail(str(exc))
    manifest = result.manifest
    print(
        f"已恢复 {manifest['created_at']} 的备份（{manifest['engine']}，"
        f"{manifest['files']} 个上传文件，用时 {result.seconds:.1f} 秒）。"
    )
    from lianmeng.core.backup import files_elsewhere

    if where := files_elsewhere():
        print(f"上传文件在对象存储 {where}，未改动（备份中的 {manifest['files']} 个文件未写入）。")
    for table, (expected, found) in sorted(result.counts_differ.items()):
        print(f"行数不符：{table} 备份中 {expected} 行，恢复后 {found} 行", file=sys.stderr)
    chain = audit_verify()
    print(
        f"审计链{'完整' if chain.intact else '不完整'}，共 {chain.checked} 条记录"
        "（lianmeng audit verify 可再次核对全部业务数据）。"
    )
    if "SECRET_KEY" in os.environ:
        print("注意：环境变量 SECRET_KEY 优先于恢复的密钥文件，请改为备份中的密钥。")
    return 0 if chain.intact and not result.counts_differ else 1


def cmd_setup(argv: list[str]) -> int:
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv"])
    call_command("collectstatic", interactive=False, verbosity=0)
    print("数据库已迁移，翻译已编译，静态文件已收集。")
    return 0


def cmd_demo(argv: list[str]) -> int:
    _django()
    from lianmeng.demo import load_demo

    if argv[:1] == ["totp"]:
        return _demo_totp(argv[1:])
    scale = None
    if argv[:1] == ["--scale"]:
        if len(argv) != 2 or argv[1] not in {"national", "province"}:
            return _fail("用法：lianmeng demo --scale national|province")
        scale = argv[1]
    elif argv:
        return _fail("用法：lianmeng demo [--scale national|province] | lianmeng demo totp 用户名")
    if scale is not None:
        from lianmeng.scale import already_built, built

        earlier = built()
        if earlier is not None:  # refused before the demo is touched
            return _fail(already_built(earlier))
    for line in load_demo():
        print(line)
    if scale is not None:
        from lianmeng.scale import AlreadyBuilt, build

        try:
            build(scale, out=lambda line: print(line, flush=True))
        except AlreadyBuilt as exc:
            return _fail(str(exc))
    return 0


def _demo_totp(argv: list[str]) -> int:
    """The current code of a demo account's demo authenticator (never of a real device)."""
    from lianmeng.demo import NotDemoDevice, demo_totp

    if len(argv) != 1:
        return _fail("用法：lianmeng demo totp 用户名")
    try:
        print(demo_totp(argv[0]))
    except NotDemoDevice as exc:
        return _fail(str(exc))
    return 0


def cmd_serve(argv: list[str]) -> int:
    from lianmeng.policy.loader import load_profiles

    load_profiles()  # refuse to start on a broken profile, naming file and key
    bind = argv[0] if argv else "127.0.0.1:8000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    print(f"联盟管理平台已启动：http://{bind}/  （Ctrl+C 退出）", flush=True)
    os.execvp(  # noqa: S606 - replaces this process with gunicorn
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lianmeng.config.wsgi",
            "--config",
            "python:lianmeng.config.gunicorn",
            "--bind",
            bind,
            "--workers",
            workers,
        ],
    )
    return 0  # pragma: no cover


def cmd_reminders(argv: list[str]) -> int:
    if argv[:1] != ["run"]:
        return _fail("用法：lianmeng reminders run [--now 2026-12-06T09:00+08:00]")
    rest = argv[1:]
    moment = None
    if rest:
        if rest[0] != "--now" or len(rest) != 2:
            return _fail("用法：lianmeng reminders run [--now 2026-12-06T09:00+08:00]")
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(rest[1])
        except ValueError:
            return _fail(f"--now 的时间“{rest[1]}”无法识别，请写成 2026-12-06T09:00+08:00")
        if moment.tzinfo is None:
            from zoneinfo import ZoneInfo

            moment = moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    _django()
    from lianmeng.schedule.reminders import send_due_reminders

    sent = send_due_reminders(moment)
    for item in sent:
        print(item.line())
    print(f"共发送提醒 {len(sent)} 条。" if sent else "没有需要发送的提醒。")
    return 0


def cmd_worker(argv: list[str]) -> int:
    if not os.environ.get("REDIS_URL"):
        return _fail(
            "未设置 REDIS_URL：任务队列需要 Redis。不用 Redis 时，lianmeng serve 已内置定时提醒，"
            "无需另起 worker（见 docs/decisions/0016-task-queue.md）。"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")
    print("提醒任务队列已启动（Celery worker + beat，Ctrl+C 退出）", flush=True)
    os.execvp(  # noqa: S606 - replaces this process with the Celery worker
        sys.executable,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lianmeng.schedule.celery",
            "worker",
            "--beat",
            "--loglevel",
            os.environ.get("LOG_LEVEL", "INFO"),
            *argv,
        ],
    )
    return 0  # pragma: no cover


def cmd_insight(argv: list[str]) -> int:
    _django()
    from lianmeng.insight.cli import run

    return run(argv)


def cmd_manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianmeng manage", *argv])
    return 0


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "check": cmd_check,
    "policy": cmd_policy,
    "rewards": cmd_rewards,
    "proposal": cmd_proposal,
    "alliance": cmd_alliance,
    "evaluation": cmd_evaluation,
    "audit": cmd_audit,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "setup": cmd_setup,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "reminders": cmd_reminders,
    "insight": cmd_insight,
    "manage": cmd_manage,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command = COMMANDS.get(argv[0])
    if command is None:
        return _fail(
            f"未知命令“{argv[0]}”。可用命令：{'、'.join(COMMANDS)}；lianmeng --help 查看用法"
        )
    from lianmeng.policy.loader import ProfileError

    try:
        return command(argv[1:])
    except ProfileError as exc:  # a broken profile stops everything, with file and key named
        return _fail(f"政策配置有误：{exc}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
