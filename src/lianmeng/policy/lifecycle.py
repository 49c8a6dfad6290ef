"""申报生命周期（状态与流转）的数据模型：各辖区的流程是数据，不是代码。

DESIGN.md "The lifecycle is data": a profile's ``[lifecycle]`` names its states and its
transitions — who may fire each one (a role at a level of the jurisdiction tree relative to the
proposal), which guards must pass, which deadline it starts and which notification it sends.
Henan's 推荐→受理→评审→筹建, Luoyang's 县初审→市受理→认定, Baoding's 推荐公函→备案 and
Heilongjiang's 试点 are four tables over one engine (``lianmeng.workflow.engine``).

Levels are relative to the proposal:

``lead_unit``   the lead unit's own staff (申报单位)
``county``      the department of the lead unit's county (县、市、区; a unit registered at city
                level is the city's)
``city``        the department of the lead unit's prefecture city (a county directly under the
                province acts as its own city)
``province``    the department of the lead unit's province
``zone``        the committee of the zone the lead unit lies in (``Proposal.zone``)
``department``  the provincial department the proposal names as its recommender (推荐部门)

Each proposal follows one *route*: ``zone`` when the profile delegates to zones of its kind and
the lead unit lies in one (seed 001 三(四)), ``department`` when its recommender is a
department at the profile's own jurisdiction, else ``area``. A transition lists the routes it
serves. On the zone route, transitions at the delegated levels are fired by the zone committee.
"""

from __future__ import annotations

from collections import deque
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from lianmeng.policy.citation import Citation

__all__ = [
    "AllianceLifecycle",
    "FILING_STATES",
    "Ground",
    "REPORT_FILING_STATES",
    "GUARDS",
    "LEVELS",
    "Lifecycle",
    "LifecycleState",
    "Transition",
    "ZoneDelegation",
    "alliance_lifecycle_problems",
    "lifecycle_problems",
]

#: the guard functions the engine knows (apps implement them per subject kind with
#: lianmeng.workflow.guards.register: lianmeng.reviews.guards, lianmeng.experts.guards)
GUARDS: dict[str, str] = {
    "call_window_open": "申报通知的网上填报时间内",
    "recommended_within_window": "推荐部门在网上填报截止前推荐（否则逾期不予受理）",
    "recommended_after_window": "推荐晚于网上填报截止时间",
    "paper_copies_received": "已登记收到规定份数的纸质材料",
    "review_round_closed": "专家评审轮次已结束",
    "category_chosen": "已确定备案类别（一类、二类、三类）",
    "checklist_complete": "筹建清单各项均已完成",
}

#: the states the filing side (drafting, submission, withdrawal) sets itself
FILING_STATES = ("draft", "submitted", "withdrawn")
#: the states every ``[report_lifecycle]`` has (the reporting service writes and submits)
REPORT_FILING_STATES = ("draft", "submitted")

Role = Literal["applicant", "recommender", "competent", "coordination", "expert"]
Level = Literal["lead_unit", "county", "city", "province", "zone", "department"]
Route = Literal["area", "zone", "department"]
Kind = Literal[
    "submit",
    "withdraw",
    "screen",
    "recommend",
    "return",
    "accept",
    "refuse",
    "review",
    "approve",
    "decline",
    # an alliance's life after the decision (``[alliance_lifecycle]``)
    "apply",
    "acceptance",
    "revoke",
    "dissolve",
]
LEVELS: tuple[str, ...] = ("lead_unit", "county", "city", "province", "zone", "department")
ROUTES: tuple[str, ...] = ("area", "zone", "department")

Text = Annotated[str, Field(min_length=1)]
StateId = Annotated[str, Field(pattern=r"^[a-z][a-z_]*$", max_length=20)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
EventName = Annotated[str, Field(pattern=r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$", max_length=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class LifecycleState(_Strict):
    """一个状态. ``public``: shown in the public registry (公示名录)."""

    id: StateId
    label: Text
    terminal: bool = False
    public: bool = False


class Ground(_Strict):
    """一项事由：a ground a transition is fired on (保定 第十三条 取消备案的五种情形), each cited
    to its item; the department names one (``data["ground"]``) and the history keeps it."""

    id: Identifier
    label: Text
    citation: Citation


class Transition(_Strict):
    """一个流转：谁（角色 + 层级）在什么状态下可以做什么。"""

    id: Identifier
    label: Text
    #: what the act is, for lists and tables (推荐表 lists ``recommend`` acts)
    kind: Kind
    from_: list[StateId] = Field(alias="from", min_length=1)
    to: StateId
    role: Role
    level: Level
    routes: list[Route] = Field(default_factory=lambda: list(ROUTES), min_length=1)
    reason_required: bool = False
    #: what the free text is called on the form: 推荐意见, 退回原因, 初审意见 …
    reason_label: Text = "意见"
    guards: list[str] = Field(default_factory=list)
    #: a field of ``[deadlines]`` whose period starts with this transition
    starts_deadline: str | None = None
    #: notification event sent to the lead unit after commit (texts editable per profile)
    event: EventName | None = None
    #: may be fired for several proposals at once with one opinion
    bulk: bool = False
    #: fired by its own service (submission, withdrawal) and only recorded by the engine
    external: bool = False
    #: the grounds the act is taken on: when given, the engine requires one (``data["ground"]``)
    grounds: list[Ground] = Field(default_factory=list)
    citation: Citation

    def ground(self, ground_id: str) -> Ground | None:
        return next((g for g in self.grounds if g.id == ground_id), None)


class ZoneDelegation(_Strict):
    """园区代行：on the zone route, ``levels`` are fired by the zone committee.

    Henan's free-trade-zone committees act for the province and file the list of alliances
    they approved with it (``files_with``, seed 001 三(四)); Baoding's 开发区 act as the
    county (seed 004 第十一条) and file nothing.
    """

    kinds: list[Literal["ftz", "hitech", "zone"]] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    files_with: Level | None = None
    citation: Citation


class Lifecycle(_Strict):
    initial: StateId = "draft"
    states: list[LifecycleState] = Field(min_length=2)
    transitions: list[Transition] = Field(min_length=1)
    zone_delegation: ZoneDelegation | None = None

    def state(self, state_id: str) -> LifecycleState | None:
        return next((s for s in self.states if s.id == state_id), None)

    def state_label(self, state_id: str) -> str:
        state = self.state(state_id)
        return state.label if state is not None else state_id

    def transition(self, transition_id: str) -> Transition | None:
        return next((t for t in self.transitions if t.id == transition_id), None)

    def leaving(self, state_id: str) -> list[Transition]:
        """Transitions from ``state_id``, in the file's order."""
        return [t for t in self.transitions if state_id in t.from_]

    def of_kind(self, *kinds: str) -> list[Transition]:
        return [t for t in self.transitions if t.kind in kinds]

    def public_states(self) -> list[str]:
        return [s.id for s in self.states if s.public]


#: the decision outcomes (``Profile.outcome``, ``Decision.Kind``) an alliance starts from
OUTCOMES = ("approve_to_build", "recognise", "file", "pilot")


class AllianceLifecycle(Lifecycle):
    """联盟的状态 (``[alliance_lifecycle]``): an alliance's life after the decision.

    ``starts`` names the state each decision outcome starts the alliance in (Henan's 批准筹建
    → 筹建中); ``initial`` is the state of the profile's own outcome.
    """

    starts: dict[Literal["approve_to_build", "recognise", "file", "pilot"], StateId] = Field(
        min_length=1
    )

    def start_state(self, outcome: str) -> str | None:
        return self.starts.get(outcome)  # type: ignore[call-overload]


def alliance_lifecycle_problems(
    lifecycle: AllianceLifecycle, *, deadlines: set[str], path: str = "alliance_lifecycle"
) -> list[tuple[str, str]]:
    """What a type cannot check in ``[alliance_lifecycle]`` (no filing states; every start
    state is a state of the table and every state reachable from one)."""
    problems = lifecycle_problems(lifecycle, deadlines=deadlines, path=path, filing_states=())
    known = {s.id for s in lifecycle.states}
    for outcome, state_id in lifecycle.starts.items():
        if state_id not in known:
            problems.append((f"{path}.starts.{outcome}", f"未知状态 {state_id}"))
    if lifecycle.initial not in lifecycle.starts.values():
        problems.append((f"{path}.initial", "initial 应是 starts 中的一个状态"))
    reachable: set[str] = set()
    for state_id in lifecycle.starts.values():
        reachable |= _reachable(lifecycle, state_id)
    return [p for p in problems if not (p[1].startswith("状态 ") and "无法从初始状态" in p[1])] + [
        (f"{path}.states[{index}]", f"状态 {state.id} 无法从任何起始状态到达")
        for index, state in enumerate(lifecycle.states)
        if state.id not in reachable
    ]


def lifecycle_problems(
    lifecycle: Lifecycle,
    *,
    deadlines: set[str],
    path: str = "lifecycle",
    filing_states: tuple[str, ...] = FILING_STATES,
) -> list[tuple[str, str]]:
    """What a type cannot check, as ``(key path, Chinese message)``; empty when sound.

    ``deadlines`` are the names of the profile's ``[deadlines]`` entries that are set.
    """
    problems: list[tuple[str, str]] = []
    ids = [s.id for s in lifecycle.states]
    known = set(ids)
    for index, state_id in enumerate(ids):
        if ids.index(state_id) != index:
            problems.append((f"{path}.states[{index}].id", f"状态 {state_id} 重复"))
    for state_id in filing_states:
        if state_id not in known:
            problems.append((f"{path}.states", f"缺少申报阶段的状态 {state_id}"))
    if lifecycle.initial not in known:
        problems.append((f"{path}.initial", f"未知状态 {lifecycle.initial}"))
    seen: set[str] = set()
    for index, transition in enumerate(lifecycle.transitions):
        here = f"{path}.transitions[{index}]"
        if transition.id in seen:
            problems.append((f"{here}.id", f"流转 {transition.id} 重复"))
        seen.add(transition.id)
        for number, state_id in enumerate(transition.from_):
            if state_id not in known:
                problems.append((f"{here}.from[{number}]", f"未知状态 {state_id}"))
        if transition.to not in known:
            problems.append((f"{here}.to", f"未知状态 {transition.to}"))
        for number, guard in enumerate(transition.guards):
            if guard not in GUARDS:
                choices = "、".join(GUARDS)
                problems.append(
                    (f"{here}.guards[{number}]", f"未知守卫条件 {guard}（可用：{choices}）")
                )
        if transition.starts_deadline and transition.starts_deadline not in deadlines:
            problems.append(
                (
                    f"{here}.starts_deadline",
                    f"deadlines 中没有 {transition.starts_deadline}，无法起算期限",
                )
            )
        explicit = "routes" in transition.model_fields_set
        if explicit and "zone" in transition.routes and lifecycle.zone_delegation is None:
            problems.append((f"{here}.routes", "未设置 zone_delegation，不能使用 zone 路径"))
        ground_ids = [g.id for g in transition.grounds]
        for number, ground_id in enumerate(ground_ids):
            if ground_ids.index(ground_id) != number:
                problems.append((f"{here}.grounds[{number}].id", f"事由 {ground_id} 重复"))
        if transition.level == "lead_unit" and transition.role != "applicant":
            problems.append((f"{here}.role", "lead_unit 层级的流转只能由 applicant 执行"))
    for index, state in enumerate(lifecycle.states):
        if state.terminal and lifecycle.leaving(state.id):
            problems.append(
                (f"{path}.states[{index}].terminal", f"终止状态 {state.id} 不应有后续流转")
            )
    reachable = _reachable(lifecycle)
    for index, state in enumerate(lifecycle.states):
        if state.id not in reachable:
            problems.append(
                (
                    f"{path}.states[{index}]",
                    f"状态 {state.id} 无法从初始状态 {lifecycle.initial} 到达",
                )
            )
    return problems


def _reachable(lifecycle: Lifecycle, start: str | None = None) -> set[str]:
    start = start or lifecycle.initial
    found = {start}
    queue = deque([start])
    while queue:
        state_id = queue.popleft()
        for transition in lifecycle.leaving(state_id):
            if transition.to not in found:
                found.add(transition.to)
                queue.append(transition.to)
    return found
