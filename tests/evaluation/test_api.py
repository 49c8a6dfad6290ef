"""The annual evaluation over /api/v1: a Luoyang campaign with the third-party evaluator from
opening to the loss of support eligibility (shown by the registry), a Henan campaign through its
public notice with an objection to the preferential list; evaluators see only their alliances,
the lead unit no score before the results are out."""

from __future__ import annotations

from datetime import timedelta

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


@pytest.fixture
def api(client, token_for):
    """``api(user).get(path)`` / ``.post(path, body)`` / ``.put(path, body)`` with the user's
    token; paths are under /api/v1."""

    class As:
        def __init__(self, user):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}

        def get(self, path):
            return client.get(f"/api/v1{path}", **self.headers)

        def post(self, path, body=None):
            return client.post(
                f"/api/v1{path}", body or {}, content_type="application/json", **self.headers
            )

        def put(self, path, body):
            return client.put(
                f"/api/v1{path}", body, content_type="application/json", **self.headers
            )

    return As


def _open(api, user, profile):
    response = api(user).post(
        "/evaluations/campaigns",
        {"profile": profile, "year": 2025, "self_due": "2026-03-20", "scoring_due": "2026-04-10"},
    )
    assert response.status_code == 201, response.content
    return response.json()


def _rows(api, user, campaign_id, query=""):
    response = api(user).get(f"/evaluations/campaigns/{campaign_id}/evaluations{query}")
    assert response.status_code == 200, response.content
    return {row["alliance"]: row for row in response.json()["items"]}


def _scores(value):
    return {k: str(value) for k in LY_INDICATORS}


def test_luoyang_flow_over_the_api(world, today, api):
    dept = api(world.luoyang)
    campaign = _open(api, world.luoyang, "luoyang")
    cid = campaign["id"]
    assert campaign["stage"] == "self" and campaign["stage_label"] == "联盟自评"
    # 第十条: the provincial alliance and the one still being built are left out
    assert campaign["alliance_count"] == 2
    assert campaign["relation"] == "organiser" and campaign["progress"]["self_filed"] == 0
    # opening twice is a conflict that says where to look
    again = dept.post(
        "/evaluations/campaigns",
        {"profile": "luoyang", "year": 2025, "self_due": "2026-03-20", "scoring_due": "2026-04-10"},
    )
    assert again.status_code == 409 and "已经开展" in again.json()["message"]
    # Henan's department may not open Luoyang's campaign
    refused = api(world.henan).post(
        "/evaluations/campaigns",
        {"profile": "luoyang", "year": 2024, "self_due": "2026-03-20", "scoring_due": "2026-04-10"},
    )
    assert refused.status_code == 403

    # the third-party evaluator skips the alliance of which its firm is a member
    added = dept.post(f"/evaluations/campaigns/{cid}/evaluators", {"user": world.pinggu.pk})
    assert added.status_code == 200, added.content
    body = added.json()
    assert body["assigned"] == 1 and body["kind"] == "third_party"
    assert [s["alliance"] for s in body["skipped"]] == [world.bearing.name]
    assert "成员单位" in body["skipped"][0]["reason"]
    other = dept.post(f"/evaluations/campaigns/{cid}/evaluators", {"user": world.other_firm.pk})
    assert other.json()["assigned"] == 2

    rows = _rows(api, world.luoyang, cid)
    bearing_id, materials_id = rows[world.bearing.pk]["id"], rows[world.materials.pk]["id"]

    # the lead unit files its self-evaluation (pre-filled facts, every indicator scored)
    lead2 = api(world.lead2_user)
    mine = lead2.get(f"/evaluations/{materials_id}")
    assert mine.status_code == 200, mine.content
    mine = mine.json()
    assert mine["relation"] == "lead" and mine["facts"]
    assert [i["id"] for i in mine["indicators"]] == LY_INDICATORS
    content = {k: {"score": "90", "statement": "按计划完成"} for k in LY_INDICATORS}
    partial = lead2.put(
        f"/evaluations/{materials_id}/self",
        {"content": {"meetings": {"score": "90"}}, "final": True},
    )
    assert partial.status_code == 422 and "尚未打分" in partial.json()["message"]
    filed = lead2.put(
        f"/evaluations/{materials_id}/self",
        {"content": content, "revision": mine["revision"], "final": True},
    )
    assert filed.status_code == 200, filed.content
    assert (
        filed.json()["self_filed_at"] and filed.json()["self_content"]["meetings"]["score"] == "90"
    )
    # another lead unit's applicant does not find it
    assert api(world.lead_user).get(f"/evaluations/{materials_id}").status_code == 404

    assert dept.post(f"/evaluations/campaigns/{cid}/advance").json()["stage"] == "scoring"

    # evaluators score only the alliances assigned to them
    pinggu = api(world.pinggu)
    assert pinggu.get(f"/evaluations/{bearing_id}").status_code == 404
    assert (
        pinggu.put(f"/evaluations/{bearing_id}/scores", {"scores": _scores(80)}).status_code == 404
    )
    assert set(_rows(api, world.pinggu, cid)) == {world.materials.pk}
    for user, eid, value in (
        (world.pinggu, materials_id, 95),
        (world.other_firm, materials_id, 91),
        (world.other_firm, bearing_id, 54),
    ):
        saved = api(user).put(
            f"/evaluations/{eid}/scores",
            {"scores": _scores(value), "comments": {"meetings": "会议记录齐全"}, "final": True},
        )
        assert saved.status_code == 200, saved.content
    # the other evaluator's scores stay hidden from pinggu; the lead unit sees none
    seen = pinggu.get(f"/evaluations/{materials_id}").json()
    assert [a["evaluator"] for a in seen["assignments"]] == [world.pinggu.pk]
    assert seen["assignments"][0]["scores"]["meetings"] == "95"
    lead_view = lead2.get(f"/evaluations/{materials_id}").json()
    assert lead_view["assignments"] == [] and lead_view["final_score"] is None

    verifying = dept.post(f"/evaluations/campaigns/{cid}/advance").json()
    assert verifying["stage"] == "verifying"
    assert verifying["distribution"]["scored"] == 2
    # before publication: the lead unit sees no score, grade or rank, nor may it filter by grade
    lead_view = lead2.get(f"/evaluations/{materials_id}").json()
    assert (
        lead_view["score"],
        lead_view["final_score"],
        lead_view["grade"],
        lead_view["rank"],
    ) == (
        None,
        None,
        None,
        None,
    )
    assert lead2.get(f"/evaluations/campaigns/{cid}").status_code == 404
    county = api(world.county).get(f"/evaluations/campaigns/{cid}/evaluations").json()
    assert all(row["final_score"] is None for row in county["items"])
    assert (
        api(world.county).get(f"/evaluations/campaigns/{cid}/evaluations?grade=fail").status_code
        == 422
    )
    # the organiser sees everything, with the evaluators' names
    full = dept.get(f"/evaluations/{materials_id}").json()
    assert full["final_score"] == "93.000" and full["grade"] == "excellent" and full["rank"] == 1
    assert len(full["assignments"]) == 2
    failing = _rows(api, world.luoyang, cid, "?grade=fail")
    assert list(failing) == [world.bearing.pk]

    no_reason = dept.post(f"/evaluations/{bearing_id}/adjust", {"score": "58"})
    assert no_reason.status_code == 422 and "调整理由" in no_reason.json()["message"]
    adjusted = dept.post(
        f"/evaluations/{bearing_id}/adjust", {"score": "58", "reason": "复核会议纪要后加分"}
    )
    assert adjusted.status_code == 200, adjusted.content
    assert adjusted.json()["final_score"] == "58.000" and adjusted.json()["grade"] == "fail"

    # Luoyang has no public notice: published at once, the failing alliance warned
    published = dept.post(f"/evaluations/campaigns/{cid}/advance").json()
    assert published["stage"] == "published" and published["verification_code"]
    lead_view = lead2.get(f"/evaluations/{materials_id}").json()
    assert lead_view["grade_label"] == "优秀" and lead_view["rank"] == 1
    assert lead_view["assignments"] == []  # never the evaluators' own scores

    lead = api(world.lead_user)
    listed = lead.get("/rectifications").json()
    assert listed["count"] == 1
    rect = listed["items"][0]
    assert rect["status"] == "draft" and rect["deadline"] == "2026-09-02"
    assert "取消其享受扶持与奖励政策的资格" in rect["warning"]
    rid = rect["id"]
    empty = lead.post(f"/rectifications/{rid}/submit")
    assert empty.status_code == 422 and "整改报告" in empty.json()["message"]
    saved = lead.put(f"/rectifications/{rid}/report", {"report": "已补开理事会两次"})
    assert saved.status_code == 200 and saved.json()["report"] == "已补开理事会两次"
    submitted = lead.post(f"/rectifications/{rid}/submit", {"note": "请复查"})
    assert submitted.json()["status"] == "submitted"
    assert (
        api(world.county)
        .post(f"/rectifications/{rid}/recheck", {"passed": False, "reason": "x"})
        .status_code
        == 403
    )
    rechecked = dept.post(
        f"/rectifications/{rid}/recheck",
        {"passed": False, "reason": "会议仍未召开", "basis": BASIS},
    )
    assert rechecked.status_code == 200, rechecked.content
    detail = rechecked.json()
    assert detail["status"] == "failed" and detail["status_label"] == "整改不合格"
    assert [h["to_state"] for h in detail["history"]] == ["draft", "submitted", "failed"]

    # the registry shows the lost eligibility, with date and reason
    registry = api(world.lead_user).get(f"/registry/{world.bearing.pk}").json()
    assert registry["support_eligible"] is False
    assert registry["support_lost_on"] == "2026-03-02"
    assert "第九条" in registry["support_lost_reason"]
    other = api(world.lead_user).get(f"/registry/{world.materials.pk}").json()
    assert (other["support_eligible"], other["support_lost_on"], other["support_lost_reason"]) == (
        True,
        None,
        None,
    )


def test_henan_notice_objection_and_preferential_list(world, today, api):
    dept = api(world.henan)
    campaign = _open(api, world.henan, "henan")
    cid = campaign["id"]
    assert campaign["notice_days"] == 7
    for _ in range(2):
        dept.post(f"/evaluations/campaigns/{cid}/advance")
    rows = _rows(api, world.henan, cid)
    smart, bio = rows[world.smart.pk]["id"], rows[world.bio.pk]["id"]
    unscored = dept.post(f"/evaluations/campaigns/{cid}/advance")
    assert unscored.status_code == 409 and "没有得分" in unscored.json()["message"]
    dept.post(f"/evaluations/{smart}/adjust", {"score": "95", "reason": "核定"})
    dept.post(f"/evaluations/{bio}/adjust", {"score": "40", "reason": "未报送年度报告"})
    notice = dept.post(f"/evaluations/campaigns/{cid}/advance").json()
    assert notice["stage"] == "notice" and notice["notice_ends_on"] == "2026-03-08"

    # during the notice the results are out: the lead unit sees its grade and may object
    lead = api(world.hn_lead2_user)
    mine = lead.get(f"/evaluations/{bio}").json()
    assert mine["grade"] == "fail" and mine["final_score"] == "40.000"
    missing = lead.post(f"/evaluations/{bio}/objections", {"name": "", "contact": "", "text": ""})
    assert missing.status_code == 422 and "联系方式" in missing.json()["message"]
    filed = lead.post(
        f"/evaluations/{bio}/objections",
        {"name": "郑州生物医药有限公司", "contact": "0371-12345678", "text": "年度报告已报送"},
    )
    assert filed.status_code == 201, filed.content
    objection = filed.json()
    assert objection["status"] == "open" and objection["alliance_name"] == world.bio.name
    assert [o["id"] for o in lead.get(f"/evaluations/{bio}").json()["objections"]] == [
        objection["id"]
    ]
    # not handled: the notice cannot end
    today[0] += timedelta(days=7)
    blocked = dept.post(f"/evaluations/campaigns/{cid}/advance")
    assert blocked.status_code == 409 and "异议" in blocked.json()["message"]
    today[0] -= timedelta(days=7)
    assert (
        api(world.luoyang)
        .post(
            f"/evaluations/objections/{objection['id']}/handle", {"upheld": True, "response": "x"}
        )
        .status_code
        == 404
    )
    handled = dept.post(
        f"/evaluations/objections/{objection['id']}/handle",
        {"upheld": False, "response": "经核实，未按期报送"},
    )
    assert handled.status_code == 200 and handled.json()["status_label"] == "异议不成立"
    early = dept.post(f"/evaluations/campaigns/{cid}/advance")
    assert early.status_code == 409 and "2026-03-08" in early.json()["message"]
    today[0] += timedelta(days=7)
    assert dept.post(f"/evaluations/campaigns/{cid}/advance").json()["stage"] == "published"

    preferential = dept.get("/evaluations/preferential")
    assert preferential.status_code == 200, preferential.content
    names = [row["alliance_name"] for row in preferential.json()["items"]]
    assert names == [world.smart.name]
    assert api(world.hn_lead_user).get("/evaluations/preferential").status_code == 403
    listed = dept.get("/evaluations/campaigns?year=2025&stage=published").json()
    assert [c["id"] for c in listed["items"]] == [cid]
    assert dept.get("/evaluations/campaigns?stage=self").json()["count"] == 0


def test_evaluator_and_strangers_get_404(world, today, api):
    campaign = _open(api, world.luoyang, "luoyang")
    cid = campaign["id"]
    api(world.luoyang).post(f"/evaluations/campaigns/{cid}/evaluators", {"user": world.pinggu.pk})
    rows = _rows(api, world.luoyang, cid)
    bearing = rows[world.bearing.pk]["id"]
    # an evaluator with no seat sees neither the campaign nor an evaluation
    stranger = api(world.other_firm)
    assert stranger.get(f"/evaluations/campaigns/{cid}").status_code == 404
    assert stranger.get(f"/evaluations/{bearing}").json()["code"] == "not_found"
    assert stranger.get("/evaluations/campaigns").json()["count"] == 0
    # pinggu's campaign list has it; the detail says he is an evaluator, without progress
    seat = api(world.pinggu).get(f"/evaluations/campaigns/{cid}").json()
    assert seat["relation"] == "evaluator" and seat["progress"] is None
    assert seat["evaluators"] == []
    # Baoding's department is another jurisdiction: not found
    assert api(world.baoding).get(f"/evaluations/{bearing}").status_code == 404
    # only the organiser advances
    assert api(world.county).post(f"/evaluations/campaigns/{cid}/advance").status_code == 403
    anonymous = api(world.pinggu)
    anonymous.headers = {}
    assert anonymous.get(f"/evaluations/campaigns/{cid}").status_code == 401


def test_lists_take_a_fixed_number_of_queries(world, today, api, django_assert_max_num_queries):
    from lianmeng.evaluation.models import Evaluation

    from .conftest import make_alliance

    campaign = _open(api, world.luoyang, "luoyang")
    dept = api(world.luoyang)
    with django_assert_max_num_queries(12) as few:
        assert dept.get(f"/evaluations/campaigns/{campaign['id']}/evaluations").json()["count"] == 2
    # ten more alliances in the campaign: the same number of queries
    for n in range(10):
        alliance = make_alliance(
            "luoyang", world.bearing.lead_unit, "410300", f"洛阳市测试{n}产业技术创新战略联盟"
        )
        Evaluation.objects.create(
            campaign_id=campaign["id"],
            alliance=alliance,
            region=alliance.proposal.region,
            lead_unit=alliance.lead_unit,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert (
            dept.get(f"/evaluations/campaigns/{campaign['id']}/evaluations").json()["count"] == 12
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert dept.get("/evaluations/campaigns").json()["count"] == 1
