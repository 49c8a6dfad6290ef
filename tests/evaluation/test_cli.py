"""``lianmeng evaluation …``: a Luoyang campaign opened, staffed, advanced and published from the
command line, its ranking table, the rectification re-checked; errors are one line, no traceback."""

from __future__ import annotations

from datetime import datetime

import pytest

from .conftest import BASIS

pytestmark = pytest.mark.django_db

LY_INDICATORS = [
    "plan_completion",
    "main_results",
    "funds_use",
    "meetings",
    "activities",
    "major_events",
    "self_evaluation_on_time",
]


@pytest.fixture(autouse=True)
def _march_2026(monkeypatch):
    from lianmeng.core import clock

    moment = datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)


def _score_all(campaign_id, values):
    from lianmeng.evaluation import services
    from lianmeng.evaluation.models import Assignment

    for task in Assignment.objects.filter(evaluation__campaign_id=campaign_id).select_related(
        "evaluation", "evaluator"
    ):
        value = values[task.evaluation.alliance_id]
        services.score_save(
            actor=task.evaluator,
            evaluation_id=task.evaluation_id,
            scores={k: str(value) for k in LY_INDICATORS},
            final=True,
        )


def test_open_assign_advance_results_recheck(world, capsys, tmp_path):
    from lianmeng.alliances.models import Alliance
    from lianmeng.cli import main
    from lianmeng.evaluation.models import Campaign, Rectification

    dept = world.luoyang.username
    opened = main(
        [
            "evaluation", "open", "luoyang", "2025", "--as", dept,
            "--self-due", "2026-03-20", "--scoring-due", "2026-04-10",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert opened == 0, out
    campaign = Campaign.objects.get()
    assert f"#{campaign.pk} " in out and "联盟自评，参评联盟 2 个" in out
    assert "自评截止 2026-03-20，评分截止 2026-04-10" in out
    cid = str(campaign.pk)

    assert main(["evaluation", "assign", cid, world.pinggu.username, "--as", dept]) == 0
    out = capsys.readouterr().out
    assert "新分配 1 个联盟" in out
    assert f"回避 {world.bearing.name}：" in out and "成员单位" in out
    assert main(["evaluation", "assign", cid, world.other_firm.username, "--as", dept]) == 0
    capsys.readouterr()

    # only the organiser advances: a department below is refused in one line
    assert main(["evaluation", "advance", cid, "--as", world.county.username]) == 1
    assert "主管部门" in capsys.readouterr().err
    assert main(["evaluation", "advance", cid]) == 2
    assert "--as" in capsys.readouterr().err
    assert main(["evaluation", "advance", cid, "--as", dept]) == 0
    assert "评价人评分" in capsys.readouterr().out

    _score_all(campaign.pk, {world.bearing.pk: 50, world.materials.pk: 93})
    assert main(["evaluation", "advance", cid, "--as", dept]) == 0
    assert "主管部门核定" in capsys.readouterr().out

    # before publication the results are the organiser's only
    assert main(["evaluation", "results", cid]) == 1
    assert "尚未公示" in capsys.readouterr().err
    assert main(["evaluation", "rank", cid, "--as", dept]) == 0
    assert "已排名 2 个联盟" in capsys.readouterr().out
    assert main(["evaluation", "results", cid, "--as", dept]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("名次"))
    assert lines[header].split() == ["名次", "联盟", "牵头单位", "得分", "等级"]
    first, second = lines[header + 2].split(), lines[header + 3].split()
    assert first == ["1", world.materials.name, "洛阳新材料有限公司", "93.00", "优秀"]
    assert second == ["2", world.bearing.name, "洛阳轴承研究所有限公司", "50.00", "不合格"]
    # the columns line up although the names are 汉字 (two terminal columns each)
    from lianmeng.evaluation.cli import _width

    row1, row2 = lines[header + 2], lines[header + 3]
    assert _width(row1[: row1.index("93.00")]) == _width(row2[: row2.index("50.00")])
    assert "共 2 个联盟" in out

    assert main(["evaluation", "show", cid]) == 0
    out = capsys.readouterr().out
    assert "评分任务已提交 3/3" in out and "优秀 1" in out and "不合格 1" in out

    # Luoyang has no public notice: published at once, the failing alliance warned
    assert main(["evaluation", "advance", cid, "--as", dept]) == 0
    out = capsys.readouterr().out
    assert "已公布" in out and "已向 1 个不合格联盟发出警告" in out
    assert main(["evaluation", "results", cid, "--grade", "fail"]) == 0
    out = capsys.readouterr().out
    assert world.bearing.name in out and world.materials.name not in out

    target = tmp_path / "results.xlsx"
    assert main(["evaluation", "results", cid, "--xlsx", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"
    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(target).active.iter_rows() for c in row]
    assert world.materials.name in cells

    assert main(["evaluation", "campaigns", "--year", "2025"]) == 0
    assert "已公布，参评联盟 2 个" in capsys.readouterr().out
    assert main(["evaluation", "rectifications"]) == 0
    rect = Rectification.objects.get()
    assert (
        f"#{rect.pk} {world.bearing.name}（2025 年度）：整改中，整改期限 2026-09-02"
        in capsys.readouterr().out
    )
    rid = str(rect.pk)
    assert main(["evaluation", "recheck", rid, "--as", dept, "--reason", "x"]) == 2
    assert "--pass" in capsys.readouterr().err
    assert (
        main(
            [
                "evaluation", "recheck", rid, "--as", dept, "--fail",
                "--reason", "到期未整改", "--basis", BASIS,
            ]
        )
        == 0
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "整改不合格" in out and "已取消享受扶持与奖励政策的资格（2026-03-02）" in out
    assert Alliance.objects.get(pk=world.bearing.pk).support_eligible is False


def test_bad_input_says_what_to_type(world, capsys):
    from lianmeng.cli import main

    assert main(["evaluation"]) == 2
    assert "用法：lianmeng evaluation" in capsys.readouterr().err
    assert main(["evaluation", "show", "abc"]) == 2
    assert main(["evaluation", "show", "999"]) == 2
    assert "没有编号为 999 的绩效评价" in capsys.readouterr().err
    assert (
        main(
            [
                "evaluation", "open", "luoyang", "2025", "--as", world.luoyang.username,
                "--self-due", "明天", "--scoring-due", "2026-04-10",
            ]
        )
        == 2
    )  # fmt: skip
    assert "--self-due 应为日期" in capsys.readouterr().err
    assert main(["evaluation", "campaigns"]) == 0
    assert "没有绩效评价" in capsys.readouterr().out
