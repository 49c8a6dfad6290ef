"""No state change bypasses the lifecycle engine (issue 13, acceptance: "each state change has
its history row and audit entry").

1. Statically, over ``src/lianmeng``: outside ``lianmeng/workflow/engine.py`` nothing writes the
   state field (``status``) of a registered subject kind — ``x.status = …``, ``setattr(x,
   "status", …)``, ``.update(status=…)``, ``.create(status=…)``, ``Model(status=…)``,
   ``get_or_create``/``update_or_create`` with it, ``bulk_update(…, ["status"])`` — except the
   few documented writers of a kind's first state or of its filing side listed in
   :data:`WRITERS`, each with the reason it may and the history row it records. The kinds are
   read from :func:`lianmeng.workflow.kinds.registered_kinds` when the test runs, so a kind
   registered later (report, change, acceptance …) is covered without touching this file.
2. On the demo database: every subject of every registered kind has one ``StateChange`` row
   per change and one audit entry per row, whose action is ``kind.audit_action(transition)``
   (or the documented filing-side action of :data:`FILING_AUDIT`); the history is a chain
   (each change starts where the one before ended) that ends in the subject's current state.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import lianmeng
from lianmeng.workflow.engine import REOPEN
from lianmeng.workflow.kinds import SubjectKind, registered_kinds
from tests.web.conftest import demo_data  # noqa: F401  (the module-scoped demo load)

SRC = Path(lianmeng.__file__).parent
ENGINE = "workflow/engine.py"

#: Writers of a subject's state other than the engine: (file under src/lianmeng, function) →
#: why it may. Each records the change with ``engine.record_change`` (through the kind's own
#: wrapper) in the same transaction, and audits it (see FILING_AUDIT). Keep this list short:
#: a new state change belongs in the profile's table and goes through ``engine.transition``.
WRITERS: dict[tuple[str, str], str] = {
    ("alliances/services.py", "_registry_upsert"): (
        "publishing a decision creates the alliance in the profile's start state for the "
        "decision (initial_state); lifecycle.record_initial writes its first history row and "
        "the publication's audit entry (lianmeng.decision.published) names the alliance"
    ),
    ("alliances/legacy.py", "_create"): (
        "the legacy registry import creates the alliance in the state the old registry gives; "
        "lifecycle.record_initial writes its first history row, audited as "
        "lianmeng.alliance.imported"
    ),
    ("proposals/submission.py", "proposal_submit"): (
        "the filing side: the lead unit's submission (external transition 'submit'); "
        "lifecycle.record_state_change + audit lianmeng.proposal.submitted"
    ),
    ("proposals/submission.py", "proposal_withdraw"): (
        "the filing side: the lead unit's withdrawal (external transition 'withdraw'); "
        "lifecycle.record_state_change + audit lianmeng.proposal.withdrawn"
    ),
    ("demo.py", "_mark_submitted"): (
        "demo data: an example filed on the day its document says, as the submission would "
        "(record_state_change + audit lianmeng.proposal.submitted)"
    ),
    ("demo.py", "_submit_henan_example"): (
        "demo data: the Henan example filed to this year's call, as the submission page would "
        "(record_state_change + audit lianmeng.proposal.submitted)"
    ),
    ("scale/alliances.py", "generate_alliances"): (
        "national-scale test data (lianmeng demo --scale, issue 17): alliances bulk-inserted in "
        "their generated state with the StateChange rows the engine would have written; the "
        "build is audited once as lianmeng.scale.built"
    ),
    ("scale/alliances.py", "generate_reports"): (
        "national-scale test data: five years of reports bulk-inserted with their history rows; "
        "audited once as lianmeng.scale.built"
    ),
    ("scale/proposals.py", "generate_proposals"): (
        "national-scale test data: proposals in every stage bulk-inserted with the history from "
        "draft to their state; audited once as lianmeng.scale.built"
    ),
    ("demo.py", "_zhengzhou_bulk_examples"): (
        "demo data: two proposals filed to this year's call, as the submission page would "
        "(record_state_change + audit lianmeng.proposal.submitted)"
    ),
}

#: Changes a kind's own filing act records (engine.record_change) and audits under its own
#: name instead of ``kind.audit_action(transition)``: (kind, transition) → audit action.
FILING_AUDIT: dict[tuple[str, str], str] = {
    ("proposal", "submit"): "lianmeng.proposal.submitted",
    ("proposal", "withdraw"): "lianmeng.proposal.withdrawn",
    ("alliance", "import"): "lianmeng.alliance.imported",
    # a report's first row (草稿), lianmeng.reporting.lifecycle.record_initial
    ("report", "create"): "lianmeng.report.created",
}
#: An alliance's first state from a published decision is audited on the decision
#: (``lianmeng.decision.published`` with ``after.alliance``), not on the alliance.
DECISION_PUBLISHED = "lianmeng.decision.published"
DECISION_STARTS = {"approve_to_build", "recognise", "file", "pilot"}

WRITE_METHODS = {"update", "create", "get_or_create", "update_or_create"}
FIX = "call lianmeng.workflow.engine.transition (through the kind's service) instead"


@dataclass(frozen=True)
class Write:
    path: str
    line: int
    function: str
    what: str

    def __str__(self) -> str:
        return f"src/lianmeng/{self.path}:{self.line} ({self.function or 'module'}): {self.what}"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class _Kinds:
    """What the scan needs to know of the registered kinds."""

    def __init__(self, kinds: list[SubjectKind]) -> None:
        self.models = {k.model.__name__: k for k in kinds}
        self.fields = {k.state_field for k in kinds}
        # the names a subject is usually held in: proposal, alliance, change_filing, report …
        self.names = set()
        for kind in kinds:
            self.names |= {kind.name, kind.model.__name__.lower(), _snake(kind.model.__name__)}

    def model_in(self, node: ast.AST) -> str | None:
        """A registered model class named in ``node`` (``Proposal.objects…``,
        ``Alliance.Status.BUILDING``), if any."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.models:
                return sub.id
            if isinstance(sub, ast.Attribute) and sub.attr in self.models:
                return sub.attr
        return None

    def other_model(self, node: ast.AST) -> bool:
        """``node`` reaches a manager or class of a model that is not a subject kind
        (``Call.objects``, ``Decision.Status``): capitalised names only."""
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and sub.attr in {"objects", "Status", "_base_manager"}
                and isinstance(sub.value, ast.Name)
                and sub.value.id[:1].isupper()
                and sub.value.id not in self.models
            ):
                return True
        return False


def _terminal_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _Scan(ast.NodeVisitor):
    def __init__(self, path: str, kinds: _Kinds) -> None:
        self.path = path
        self.kinds = kinds
        self.writes: list[Write] = []
        self.functions: list[str] = []
        #: per function: local names bound to a registered model's instance
        self.bound: list[dict[str, str]] = [{}]
        #: per function: local dicts holding a state field (``values = {"status": …}``)
        self.dicts: list[set[str]] = [set()]

    # -- scope ---------------------------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        bound: dict[str, str] = {}
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for arg in args:
            model = self.kinds.model_in(arg.annotation) if arg.annotation else None
            if model:
                bound[arg.arg] = model
        self.bound.append(bound)
        self.dicts.append(set())
        self.generic_visit(node)
        self.dicts.pop()
        self.bound.pop()
        self.functions.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def _record(self, node: ast.AST, what: str) -> None:
        self.writes.append(
            Write(self.path, getattr(node, "lineno", 0), ".".join(self.functions), what)
        )

    def _subject(self, target: ast.AST, value: ast.AST | None) -> str | None:
        """The registered model ``target.<state field> = value`` writes, if it looks like one."""
        model = self.kinds.model_in(value) if value is not None else None
        if model:
            return model
        name = _terminal_name(target)
        for scope in reversed(self.bound):
            if name in scope:
                return scope[name]
        if name in self.kinds.names:
            return name
        return None

    # -- bindings --------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._assignment(target, node.value, node)
        self._bind(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assignment(node.target, node.value, node)
        if isinstance(node.target, ast.Name):
            model = self.kinds.model_in(node.annotation)
            if model:
                self.bound[-1][node.target.id] = model
        if node.value is not None:
            self._bind([node.target], node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._assignment(node.target, node.value, node)
        self.generic_visit(node)

    def _bind(self, targets: list[ast.expr], value: ast.AST) -> None:
        """``x = Proposal(...)``, ``x = Alliance.objects.get(...)``, ``get_object_or_404(…)``;
        ``values = {"status": …}`` (later ``Alliance.objects.create(**values)``)."""
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if isinstance(value, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value in self.kinds.fields for k in value.keys
        ):
            self.dicts[-1].update(names)
        for target in targets:  # values["status"] = …
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value in self.kinds.fields
            ):
                self.dicts[-1].add(target.value.id)
        if not isinstance(value, ast.Call | ast.Await):
            return
        model = self.kinds.model_in(value)
        if model and not self.kinds.other_model(value):
            for target in targets:
                if isinstance(target, ast.Name):
                    self.bound[-1][target.id] = model

    def _assignment(self, target: ast.AST, value: ast.AST | None, node: ast.AST) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._assignment(element, None, node)
            return
        if not (isinstance(target, ast.Attribute) and target.attr in self.kinds.fields):
            return
        if value is not None and self.kinds.other_model(value):
            return
        model = self._subject(target.value, value)
        if model:
            self._record(node, f"assigns {model}.{target.attr} ({ast.unparse(target)} = …)")

    # -- calls -------------------------------------------------------------------------------
    def _written(self, keywords: list[ast.keyword]) -> list[str]:
        """The state fields ``status=…`` or ``**values`` (a dict holding one) write."""
        written = []
        for keyword in keywords:
            if keyword.arg in self.kinds.fields:
                written.append(keyword.arg)
            elif (
                keyword.arg is None
                and isinstance(keyword.value, ast.Name)
                and any(keyword.value.id in scope for scope in self.dicts)
            ):
                written.append(f"**{keyword.value.id}")
        return written

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        fields = self.kinds.fields
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            field = node.args[1]
            dynamic = isinstance(field, ast.Attribute) and field.attr == "state_field"
            constant = isinstance(field, ast.Constant) and field.value in fields
            if dynamic or (constant and self._subject(node.args[0], None)):
                self._record(node, f"setattr(…, {ast.unparse(field)}, …) on a subject")
        elif isinstance(func, ast.Name) and func.id in self.kinds.models:
            if written := self._written(node.keywords):
                self._record(node, f"creates {func.id}(…, {', '.join(written)}=…)")
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS | {"bulk_update"}:
            self._manager_write(node, func)
        self.generic_visit(node)

    def _manager_write(self, node: ast.Call, func: ast.Attribute) -> None:
        fields = self.kinds.fields
        written = self._written(node.keywords)
        if func.attr in {"get_or_create", "update_or_create"}:
            for keyword in node.keywords:
                if keyword.arg in {"defaults", "create_defaults"} and isinstance(
                    keyword.value, ast.Dict
                ):
                    written += [
                        key.value
                        for key in keyword.value.keys
                        if isinstance(key, ast.Constant) and key.value in fields
                    ]
        if func.attr == "bulk_update":
            for arg in [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "fields")]:
                if isinstance(arg, ast.List | ast.Tuple | ast.Set):
                    written += [
                        e.value
                        for e in arg.elts
                        if isinstance(e, ast.Constant) and e.value in fields
                    ]
        if not written:
            return
        receiver = func.value
        model = self.kinds.model_in(receiver)
        if model is None and self.kinds.other_model(receiver):
            return  # Call.objects.update(status=…): not a subject
        if model is None and func.attr == "update" and _is_dict_update(receiver):
            return  # values.update(status=…) on a dict built in place
        target = model or f"the rows of {ast.unparse(receiver)}"
        self._record(node, f".{func.attr}({', '.join(written)}=…) on {target}")


def _is_dict_update(receiver: ast.AST) -> bool:
    return isinstance(receiver, ast.Dict | ast.DictComp) or (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Name)
        and receiver.func.id == "dict"
    )


def _sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        # migrations write history with the historical models (apps.get_model), once
        if "/migrations/" in relative or relative == ENGINE:
            continue
        yield relative, path


def scan(kinds: list[SubjectKind]) -> list[Write]:
    known = _Kinds(kinds)
    writes: list[Write] = []
    for relative, path in _sources():
        visitor = _Scan(relative, known)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        writes += visitor.writes
    return writes


def scan_text(source: str, kinds: list[SubjectKind], path: str = "x/services.py") -> list[Write]:
    visitor = _Scan(path, _Kinds(kinds))
    visitor.visit(ast.parse(source))
    return visitor.writes


def _allowed(write: Write) -> bool:
    return (write.path, write.function.split(".")[0]) in WRITERS


# -- 1. the static check ------------------------------------------------------------------


def test_kinds_are_registered() -> None:
    names = {k.name for k in registered_kinds()}
    assert {"proposal", "alliance"} <= names


def test_no_module_writes_a_subjects_state_outside_the_engine() -> None:
    bypasses = [w for w in scan(registered_kinds()) if not _allowed(w)]
    assert not bypasses, (
        "These lines write the state of a subject kind outside the lifecycle engine, so the "
        f"change has no history row and no audit entry; {FIX} (a new state change belongs in "
        "the profile's table). A kind's own first state or filing act may be listed in "
        "tests/workflow/test_no_bypass.py WRITERS with its reason.\n"
        + "\n".join(f"  {w}" for w in bypasses)
    )


def test_every_listed_writer_still_writes() -> None:
    """The list of exceptions stays exact: a writer that no longer writes comes off it."""
    found = {(w.path, w.function.split(".")[0]) for w in scan(registered_kinds())}
    stale = sorted(set(WRITERS) - found)
    assert not stale, f"remove from WRITERS (they no longer write a state): {stale}"


@pytest.mark.parametrize(
    "source",
    [
        "def f(alliance):\n    alliance.status = 'recognised'\n    alliance.save()\n",
        "def f(pk):\n    a = Alliance.objects.get(pk=pk)\n    a.status = 'revoked'\n",
        "def f(x):\n    x.status = Proposal.Status.ACCEPTED\n",
        "def f(x: Proposal):\n    x.status = 'accepted'\n",
        "def f(self):\n    self.proposal.status = 'accepted'\n",
        "def f(pk):\n    Alliance.objects.filter(pk=pk).update(status='revoked')\n",
        "def f(qs):\n    qs.update(status='revoked')\n",
        "def f(u):\n    Alliance.objects.create(name='x', status='building', lead_unit=u)\n",
        "def f(u):\n    return Proposal(name='x', status='submitted')\n",
        "def f(u):\n    Proposal.objects.update_or_create(pk=1, defaults={'status': 'x'})\n",
        "def f(rows):\n    Alliance.objects.bulk_update(rows, ['status'])\n",
        "def f(alliance):\n    setattr(alliance, 'status', 'revoked')\n",
        "def f(u):\n    v = {'status': 'x'}\n    Alliance.objects.create(lead_unit=u, **v)\n",
        "def f(u, v):\n    v['status'] = 'x'\n    return Alliance(**v)\n",
        "def f(obj, kind):\n    setattr(obj, kind.state_field, 'revoked')\n",
    ],
)
def test_the_check_finds_direct_writes(source: str) -> None:
    writes = scan_text(source, registered_kinds())
    assert writes, f"not found: {source}"
    assert str(writes[0]).startswith("src/lianmeng/x/services.py:")


@pytest.mark.parametrize(
    "source",
    [
        "def f(call):\n    call.status = Call.Status.PUBLISHED\n",
        "def f(round):\n    round.status = ReviewRound.Status.CLOSED\n",
        "def f(decision):\n    decision.status = Decision.Status.PUBLISHED\n",
        "def f(pk):\n    Call.objects.filter(pk=pk).update(status='closed')\n",
        "def f(self, status):\n    self.status = status\n",
        "def f(values):\n    values.update(q='x')\n",
        "def f():\n    return Alliance.objects.filter(status='building')\n",
    ],
)
def test_the_check_leaves_other_models_alone(source: str) -> None:
    assert not scan_text(source, registered_kinds())


# -- 2. the demo database -----------------------------------------------------------------


def _transition_actions(kind: SubjectKind) -> set[str]:
    """Every audit action a change of ``kind`` may be recorded under."""
    from lianmeng.policy.loader import load_profiles

    actions = {kind.audit_action(REOPEN)}
    for profile in load_profiles().values():
        table = kind.table(profile)
        for step in table.transitions if table is not None else ():
            actions.add(kind.audit_action(step.id))
    actions |= {action for (name, _t), action in FILING_AUDIT.items() if name == kind.name}
    return actions


def _expected_action(kind: SubjectKind, transition: str) -> set[str]:
    expected = {kind.audit_action(transition)}
    if (kind.name, transition) in FILING_AUDIT:
        expected.add(FILING_AUDIT[(kind.name, transition)])
    if kind.name == "alliance" and transition in DECISION_STARTS:
        expected.add(DECISION_PUBLISHED)
    return expected


def _audit_entries(kind: SubjectKind, pk: int, actions: set[str]) -> list[tuple[int, str]]:
    from lianmeng.core.models import AuditEntry

    rows = list(
        AuditEntry.objects.filter(
            object_type=kind.model._meta.label_lower, object_id=str(pk), action__in=actions
        ).values_list("id", "action")
    )
    if kind.name == "alliance":
        rows += list(
            AuditEntry.objects.filter(
                object_type="alliances.decision",
                action=DECISION_PUBLISHED,
                summary__after__alliance=pk,
            ).values_list("id", "action")
        )
    return sorted(rows)


def history_problems(kind: SubjectKind) -> tuple[int, list[str]]:
    """(subjects checked, what is wrong) for every subject of ``kind`` in the database."""
    from lianmeng.workflow.models import StateChange

    model = kind.model
    field = model._meta.get_field(kind.state_field)
    created_in = field.get_default() if field.has_default() else ""
    actions = _transition_actions(kind)
    problems: list[str] = []
    subjects = list(model._base_manager.order_by("pk").values_list("pk", kind.state_field))
    for pk, state in subjects:
        label = f"{kind.name} {pk}"
        changes = list(
            StateChange.objects.filter(subject_kind=kind.name, subject_id=pk)
            .order_by("id")
            .values_list("from_state", "to_state", "transition")
        )
        audits = _audit_entries(kind, pk, actions)
        if not changes:
            if state != created_in:
                problems.append(
                    f"{label} is {state!r} with no history row (created as {created_in!r})"
                )
            if audits:
                problems.append(f"{label}: audit entries {audits} without a history row")
            continue
        if changes[-1][1] != state:
            problems.append(
                f"{label} is {state!r} but its last history row ends in {changes[-1][1]!r}"
            )
        if changes[0][0] not in {"", created_in}:
            problems.append(f"{label}: its history starts from {changes[0][0]!r}")
        for before, after in zip(changes, changes[1:], strict=False):
            if after[0] != before[1]:
                problems.append(
                    f"{label}: {before[2]} ended in {before[1]!r} but {after[2]} starts from "
                    f"{after[0]!r} — the state changed in between without the engine"
                )
        if len(audits) != len(changes):
            problems.append(
                f"{label}: {len(changes)} history rows ({[c[2] for c in changes]}) but "
                f"{len(audits)} transition audit entries ({[a for _i, a in audits]})"
            )
            continue
        for (_b, _a, name), (_id, action) in zip(changes, audits, strict=True):
            expected = _expected_action(kind, name)
            if action not in expected:
                problems.append(
                    f"{label}: change {name!r} audited as {action!r}, expected one of "
                    f"{sorted(expected)}"
                )
    return len(subjects), problems


def test_every_state_change_in_the_demo_has_its_history_row_and_audit_entry(
    demo_data,  # noqa: F811
    db,
) -> None:
    checked = {}
    problems: list[str] = []
    for kind in registered_kinds():
        count, found = history_problems(kind)
        checked[kind.name] = count
        problems += found
    assert checked.get("proposal") and checked.get("alliance"), checked
    assert not problems, "\n".join(problems)


def test_a_direct_write_shows_in_the_history_check(demo_data, db) -> None:  # noqa: F811
    """The behavioural check catches a state written past the engine."""
    from lianmeng.alliances.models import Alliance
    from lianmeng.workflow.kinds import get_kind

    alliance = Alliance.objects.order_by("pk").first()
    Alliance.objects.filter(pk=alliance.pk).update(status="revoked")  # the bypass
    _count, problems = history_problems(get_kind("alliance"))
    assert any(f"alliance {alliance.pk} is 'revoked'" in p for p in problems), problems
