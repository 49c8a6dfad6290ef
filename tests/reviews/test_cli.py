"""The command line fires transitions through the same engine, as a named account."""

from __future__ import annotations

from lianmeng.cli import main as cli_main


def test_cli_transition_and_history(file_proposal, staff, at, capsys):
    at(2020, 9, 1, 10)
    proposal = file_proposal("baoding")
    staff("130602", username="jingxiu")
    staff("410305", username="jianxi")
    assert (
        cli_main(
            [
                "proposal",
                "transition",
                str(proposal.pk),
                "recommend_county",
                "--as",
                "jingxiu",
                "--reason",
                "同意推荐",
            ]
        )
        == 0
    )
    assert "已推荐（待备案）" in capsys.readouterr().out
    assert cli_main(["proposal", "transition", str(proposal.pk), "file", "--as", "jianxi"]) == 1
    assert "未找到该申报" in capsys.readouterr().err
    assert cli_main(["proposal", "transition", str(proposal.pk), "file"]) == 2
    assert "--as" in capsys.readouterr().err
    assert cli_main(["proposal", "history", str(proposal.pk)]) == 0
    out = capsys.readouterr().out
    assert "初审推荐（出具推荐公函）" in out and "保定市竞秀区科学技术局（jingxiu）" in out
    assert "意见：同意推荐" in out and "2020年9月1日 10:00" in out


def test_cli_refuses_a_decision_outside_the_decisions_page(file_proposal, staff, at, capsys):
    at(2020, 9, 1, 10)
    proposal = file_proposal("baoding", status="recommended")
    staff("130600", "competent", username="baoding")
    code = cli_main(
        [
            "proposal",
            "transition",
            str(proposal.pk),
            "file",
            "--as",
            "baoding",
            "--data",
            '{"category": 2}',
        ]
    )
    assert code == 1
    assert "“决定”页面" in capsys.readouterr().err
    proposal.refresh_from_db()
    assert proposal.status == "recommended"
