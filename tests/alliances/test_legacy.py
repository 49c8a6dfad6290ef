"""The legacy registry: alliances decided before the system, imported once, shown in the
public registry and compared with in the duplicate check."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from lianmeng.alliances.legacy import legacy_import
from lianmeng.alliances.models import Alliance
from lianmeng.cli import main as cli_main
from lianmeng.core.models import AuditEntry
from lianmeng.proposals.checks import proposal_eligibility
from lianmeng.proposals.duplicates import duplicate_candidates
from lianmeng.proposals.services import proposal_import

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _rows() -> list[dict]:
    return json.loads((DOCS / "legacy-registry.json").read_text(encoding="utf-8"))


def test_the_shipped_registry_imports_once_and_shows_in_public(client):
    rows = _rows()
    result = legacy_import(actor=None, rows=rows)
    assert (len(result.created), result.errors) == (len(rows), [])
    assert AuditEntry.objects.filter(action="lianmeng.alliance.imported").count() == len(rows)

    again = legacy_import(actor=None, rows=rows)
    assert (again.created, len(again.skipped)) == ([], len(rows))
    assert Alliance.objects.count() == len(rows)

    listing = client.get("/registry/?q=盾构").content.decode()
    assert "河南省盾构装备产业技术创新战略联盟" in listing
    assert "河南省超硬材料产业技术创新战略联盟" not in listing
    shield = Alliance.objects.get(name="河南省盾构装备产业技术创新战略联盟")
    page = client.get(f"/registry/{shield.pk}/").content.decode()
    assert "豫科〔2015〕104号" in page and "全断面隧道掘进机" in page
    assert "由历史名录导入" in page
    baoding = Alliance.objects.get(name="保定市输变电装备产业技术创新战略联盟")
    assert baoding.category == 2 and baoding.status == "filed"


def test_bad_rows_are_reported_by_number_and_good_rows_kept():
    good = _rows()[0]
    bad_code = copy.deepcopy(good) | {"name": "河南省代码有误产业技术创新战略联盟"}
    bad_code["lead_unit"] = {"name": "代码有误的公司", "uscc": "914101009083016631"}
    unknown_status = copy.deepcopy(good) | {"name": "河南省甲产业技术创新战略联盟", "status": "ok"}
    henan_category = copy.deepcopy(good) | {"name": "河南省乙产业技术创新战略联盟", "category": 2}
    missing_name = {k: v for k, v in good.items() if k != "name"}
    result = legacy_import(
        actor=None, rows=[bad_code, good, unknown_status, henan_category, missing_name]
    )
    assert [a.name for a in result.created] == [good["name"]]
    reasons = dict(result.errors)
    assert set(reasons) == {1, 3, 4, 5}
    assert "统一社会信用代码" in reasons[1] or "校验" in reasons[1]
    assert "状态" in reasons[3] and "'ok'" in reasons[3]
    assert "不分备案类别" in reasons[4]
    assert reasons[5] == "缺少“联盟名称”。"
    assert not Alliance.objects.filter(name__in=["河南省代码有误产业技术创新战略联盟"]).exists()


def test_a_proposal_in_the_field_of_a_legacy_alliance_is_flagged(make_unit):
    legacy_import(actor=None, rows=_rows())
    document = json.loads((DOCS / "henan-valid.json").read_text(encoding="utf-8"))
    document.update(
        name="河南省超硬材料创新产业技术创新战略联盟",
        industry="超硬材料",
        product="人造金刚石及制品",
    )
    proposal = proposal_import(actor=None, document=document)
    candidates = duplicate_candidates(proposal)
    assert candidates and candidates[0].name == "河南省超硬材料产业技术创新战略联盟"
    assert candidates[0].flagged and candidates[0].reference.startswith("alliance:")
    finding = next(
        f
        for f in proposal_eligibility(proposal)["findings"]
        if f["rule"] == "alliance.unique_in_field"
    )
    assert finding["status"] == "fail"
    assert "河南省超硬材料产业技术创新战略联盟" in finding["message"]


def test_cli_imports_and_only_a_competent_department_may_import_as_itself(
    tmp_path, make_user, capsys
):
    path = tmp_path / "名录.json"
    path.write_text(json.dumps(_rows()[:2], ensure_ascii=False), encoding="utf-8")
    make_user(["recommender"], jurisdiction="410182", username="xingyang")
    make_user(["competent"], jurisdiction="410000", username="henan")
    assert cli_main(["alliance", "import", str(path), "--as", "xingyang"]) == 1
    assert "只有主管部门可以导入" in capsys.readouterr().err
    assert cli_main(["alliance", "import", str(path), "--as", "henan"]) == 0
    assert "已导入 2 个联盟" in capsys.readouterr().out
    assert cli_main(["alliance", "import", str(tmp_path / "none.json")]) == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_the_api_lists_legacy_alliances_with_their_reference(client):
    legacy_import(actor=None, rows=_rows())
    rows = client.get("/api/v1/registry?q=石墨").json()["items"]
    assert [(r["name"], r["source"], r["reference"], r["status"]) for r in rows] == [
        ("黑龙江省石墨产业技术创新战略联盟", "legacy", "黑科发〔2013〕31号", "pilot")
    ]


def test_the_duplicate_search_in_the_legacy_registry_finds_what_comparing_with_all_finds():
    """On PostgreSQL the check reads only the legacy alliances that can be similar (GIN
    indexes, alliances migration 0010); it must flag the same ones and count all of them."""
    from django.db import connection

    from lianmeng.policy.interchange import parse_proposal
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.rules import check
    from lianmeng.proposals.checks import existing_alliances

    lead = _rows()[0]["lead_unit"]  # one lead unit with a valid code for all
    rows = []
    fields = ["小麦育种", "中药材", "轴承", "矿山机械", "数控机床", "食用菌", "冷链物流", "光伏"]
    for i in range(120):
        field = fields[i % len(fields)]
        rows.append(
            {
                "profile": "henan",
                "name": f"河南省{field}{i}号产业技术创新战略联盟" if i % 5 == 0 else "",
                "lead_unit": lead,
                "status": "recognised",
                "decided_on": "2016-05-20",
                "industry": field,
                "product": f"{field}产品",
            }
        )
        if not rows[-1]["name"]:  # 汉字 only: answered by the indexes
            rows[-1]["name"] = (
                f"河南省{field}{'甲乙丙丁戊己庚辛壬癸'[i // 12]}{'子丑寅卯辰巳午未申酉戌亥'[i % 12]}产业技术创新战略联盟"
            )
    twins = [  # alike in one way each, to be found among the others
        ("河南省高性能铝基新材料产业技术创新战略联盟", "种业", "种子"),
        ("河南省超导电缆产业技术创新战略联盟", "铝基新材料", "电缆"),
        ("河南省风电叶片产业技术创新战略联盟", "风电", "高性能铝合金板带"),
        ("河南省Al-2号产业技术创新战略联盟", "铝 基 新 材 料", "铝箔"),  # no pair: irregular
    ]
    for name, industry, product in twins:
        rows.append(dict(rows[0], name=name, industry=industry, product=product))
    result = legacy_import(actor=None, rows=rows)
    assert not result.errors and len(result.created) == len(rows)
    document = json.loads((DOCS / "henan-valid.json").read_text(encoding="utf-8"))
    facts = {key: document[key] for key in ("name", "industry", "product")}

    def finding(existing):
        doc = parse_proposal(document)
        findings = check(doc, get_profile("henan"), existing=existing).to_dict()["findings"]
        return next(f for f in findings if f["rule"] == "alliance.unique_in_field")

    narrowed, everything = existing_alliances("henan", facts=facts), existing_alliances("henan")
    if connection.vendor == "postgresql":  # read through the indexes: fewer than all
        assert len(narrowed) < len(everything) // 2
    expected = finding(everything)
    assert finding(narrowed) == expected
    assert expected["evidence"]["compared_with"] == len(rows)
    flagged = {hit["name"] for hit in expected["evidence"]["similar"]}
    assert flagged == {name for name, _, _ in twins}
