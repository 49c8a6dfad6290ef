"""How the calendar and the reminders name, link and address the subject of a deadline.

Every kind registered in :mod:`lianmeng.workflow.kinds` works without anything here: its name is
the subject's ``name`` (else ``str(subject)``), its link ``get_absolute_url()`` if it has one,
its deadline is open while the subject is still in the state the starting transition moved it
to, and the people reminded are the lead unit's accounts (and, once overdue, the competent staff
of the department that started the deadline). An app above this one may register its own
:class:`SubjectLinks` for a kind (``register_subject``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from lianmeng.core.models import User
from lianmeng.core.roles import Role


def _default_title(subject: Any) -> str:
    return str(getattr(subject, "name", "") or subject)


def _default_url(subject: Any) -> str | None:
    getter = getattr(subject, "get_absolute_url", None)
    if getter is None:
        return None
    try:
        return getter()
    except NoReverseMatch:
        return None


def _default_open(deadline: Any, subject: Any, state_field: str = "status") -> bool:
    """Open while the subject stays in the state the deadline's transition moved it to."""
    return str(getattr(subject, state_field, "")) == deadline.state_change.to_state


@dataclass(frozen=True)
class SubjectLinks:
    #: the subject's name on the calendar, in reminders and in the feed
    title: Callable[[Any], str] = _default_title
    #: the page of the subject (site-relative), or None
    url: Callable[[Any], str | None] = _default_url
    #: of ``[(deadline, subject), …]``, the ids of the deadlines still to be met (overdue only
    #: when open), in a constant number of queries
    open: Callable[[list[tuple[Any, Any]]], set[int]] | None = None
    #: what the subject is called on the calendar (marked with ``gettext_noop``)
    label: str = ""
    #: whose calendar a subject is on: the subjects ``viewer`` answers for (its lead unit, the
    #: departments of its area), narrower than what the kind lets them read (the public
    #: registry); None: the kind's ``visible(viewer)``. Always intersected with ``visible``.
    scope: Callable[[Any], Q] | None = None
    #: deadlines of this kind another subject now carries (a Q over Deadline), left off the
    #: calendar, the feed and the reminders: a proposal's 筹建期 once its alliance exists
    handed_over: Callable[[], Q] | None = None


_LINKS: dict[str, SubjectLinks] = {}


def register_subject(kind: str, links: SubjectLinks) -> None:
    _LINKS[kind] = links


def links_for(kind: str) -> SubjectLinks:
    return _LINKS.get(kind, SubjectLinks())


def open_ids(pairs: list[tuple[Any, Any]]) -> set[int]:
    """Of ``[(deadline, subject), …]`` (any kinds), the ids of the deadlines still open."""
    from lianmeng.workflow.kinds import get_kind

    by_kind: dict[str, list[tuple[Any, Any]]] = {}
    for deadline, subject in pairs:
        by_kind.setdefault(deadline.subject_kind, []).append((deadline, subject))
    found: set[int] = set()
    for kind, group in by_kind.items():
        rule = links_for(kind).open
        if rule is not None:
            found |= rule(group)
            continue
        try:
            state_field = get_kind(kind).state_field
        except LookupError:
            state_field = "status"
        found |= {d.pk for d, s in group if _default_open(d, s, state_field)}
    return found


# -- who is reminded ---------------------------------------------------------------------------


def lead_unit_users(subjects: Iterable[Any]) -> dict[int, list[User]]:
    """The lead unit's active applicant accounts, by unit id (one query)."""
    units = {getattr(s, "lead_unit_id", None) for s in subjects} - {None}
    found: dict[int, list[User]] = {unit: [] for unit in units}
    users = (
        User.objects.filter(unit_id__in=units, is_active=True, role_grants__role=Role.APPLICANT)
        .distinct()
        .order_by("pk")
    )
    for user in users:
        found[user.unit_id].append(user)
    return found


def department_of(deadline: Any, subject: Any) -> int | None:
    """The jurisdiction that started the deadline (its transition's department), else the one
    whose profile the subject follows."""
    if deadline.state_change.actor_jurisdiction_id:
        return deadline.state_change.actor_jurisdiction_id
    jurisdiction_id = getattr(subject, "jurisdiction_id", None)
    if jurisdiction_id:
        return jurisdiction_id
    from lianmeng.core.models import Jurisdiction
    from lianmeng.policy.loader import UnknownProfileError, get_profile

    try:
        code = get_profile(subject.profile).jurisdiction.value
    except (UnknownProfileError, AttributeError):
        return None
    return Jurisdiction.objects.filter(code=code).values_list("pk", flat=True).first()


def department_users(jurisdiction_ids: Iterable[int]) -> dict[int, list[User]]:
    """Competent (and coordination) staff of each jurisdiction (one query)."""
    ids = set(jurisdiction_ids) - {None}
    found: dict[int, list[User]] = {j: [] for j in ids}
    users = (
        User.objects.filter(
            jurisdiction_id__in=ids,
            is_active=True,
            role_grants__role__in=[Role.COMPETENT, Role.COORDINATION],
        )
        .distinct()
        .order_by("pk")
    )
    for user in users:
        found[user.jurisdiction_id].append(user)
    return found


# -- the kinds this project has today ----------------------------------------------------------


def _proposal_open(pairs: list[tuple[Any, Any]]) -> set[int]:
    """A proposal's construction period (started by 批准筹建) stands until the decision is
    published: from then on the alliance it created carries the period as its own deadline
    (``alliances.lifecycle.record_initial``), and the calendar lists it once, there."""
    from lianmeng.alliances.models import Alliance

    proposal_ids = {p.pk for d, p in pairs if d.kind == "construction_period"}
    status: dict[int, str] = {}
    if proposal_ids:
        rows = Alliance.objects.filter(proposal_id__in=proposal_ids).order_by("id")
        status = dict(rows.values_list("proposal_id", "status"))
    found = set()
    for deadline, proposal in pairs:
        if deadline.kind == "construction_period":
            if proposal.pk not in status:
                found.add(deadline.pk)
        elif _default_open(deadline, proposal):
            found.add(deadline.pk)
    return found


def _proposal_handed_over() -> Q:
    """The construction period of a proposal whose alliance is in the registry: the alliance
    has it as its own deadline from the decision's publication on."""
    from lianmeng.alliances.models import Alliance

    return Q(
        kind="construction_period",
        subject_id__in=Alliance.objects.filter(proposal__isnull=False).values("proposal_id"),
    )


def _proposal_scope(viewer: User) -> Q:
    """The lead unit's own proposals; a department's filed proposals of its area."""
    from lianmeng.proposals.selectors import department_visibility

    q = Q(pk__in=[])
    if viewer.has_role(Role.APPLICANT) and viewer.unit_id:
        q |= Q(lead_unit_id=viewer.unit_id)
    return q | department_visibility(viewer)


def _alliance_scope(viewer: User) -> Q:
    """The lead unit's own alliances; a department's alliances of its area and below (the
    registry is public: being able to read an alliance does not put it on one's calendar)."""
    from lianmeng.core.selectors import viewer_scope

    q = Q(pk__in=[])
    if viewer.has_role(Role.APPLICANT) and viewer.unit_id:
        q |= Q(lead_unit_id=viewer.unit_id)
    area = viewer_scope(viewer)
    if area is not None:
        q |= (
            Q(proposal__region__path__startswith=area.path)
            | Q(proposal__isnull=True, lead_unit__region__path__startswith=area.path)
            | Q(jurisdiction__path__startswith=area.path)
        )
    return q


def register_defaults() -> None:
    register_subject(
        "proposal",
        SubjectLinks(
            url=lambda p: reverse("web:proposal_detail", args=[p.pk]),
            open=_proposal_open,
            label=gettext_noop("申报"),
            scope=_proposal_scope,
            handed_over=_proposal_handed_over,
        ),
    )
    register_subject(
        "alliance",
        SubjectLinks(
            url=lambda a: reverse("alliances:registry_detail", args=[a.pk]),
            label=gettext_noop("联盟"),
            scope=_alliance_scope,
        ),
    )
