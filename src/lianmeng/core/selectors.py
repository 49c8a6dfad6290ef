"""Reads on core data, always starting from what the viewer may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEntry, Jurisdiction, Unit, User
from .roles import Role


def jurisdiction_for_region(code: str) -> Jurisdiction | None:
    """The area a six-digit GB/T 2260 code names, falling back to its city, then province.

    Historical codes (a county since renamed or merged) are kept, so a unit registered
    before the change still resolves to the right place.
    """
    if not code or len(code) != 6 or not code.isdigit():
        return None
    candidates = [code, code[:4] + "00", code[:2] + "0000"]
    found = {j.code: j for j in Jurisdiction.objects.filter(code__in=candidates)}
    return next((found[c] for c in candidates if c in found), None)


def profile_jurisdiction(profile_id: str) -> Jurisdiction | None:
    """The area a policy profile governs (its department's jurisdiction), or None for an
    unknown profile or an area not in the tree."""
    from lianmeng.policy.loader import UnknownProfileError, get_profile

    try:
        code = get_profile(profile_id).jurisdiction.value
    except UnknownProfileError:
        return None
    return Jurisdiction.objects.filter(code=code).first()


def viewer_scope(viewer: User) -> Jurisdiction | None:
    """The jurisdiction whose records a department viewer sees (its own and those below)."""
    if not viewer.is_authenticated:
        return None
    if viewer.role_set() & {Role.RECOMMENDER, Role.COMPETENT, Role.COORDINATION}:
        return viewer.jurisdiction
    return None


def scope_filter(viewer: User, *, region_field: str, zone_field: str | None = None) -> Q:
    """A Q that keeps rows whose region lies in the viewer's jurisdiction (deny if none)."""
    scope = viewer_scope(viewer)
    if scope is None:
        return Q(pk__in=[])
    if scope.is_zone and zone_field:
        return Q(**{zone_field: scope})
    return Q(**{f"{region_field}__path__startswith": scope.path})


def lead_unit_filter(viewer: User, *, unit_field: str = "lead_unit_id") -> Q:
    """A Q that keeps the rows of alliances the viewer's unit leads, for its applicants (deny
    for anyone else): reports, evaluations, rectifications."""
    if viewer.is_authenticated and viewer.unit_id and viewer.has_role(Role.APPLICANT):
        return Q(**{unit_field: viewer.unit_id})
    return Q(pk__in=[])


def unit_list(*, viewer: User) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region")
    if viewer.is_authenticated and viewer.has_role(Role.SYSADMIN):
        return qs
    if viewer_scope(viewer) is not None:
        return qs.filter(scope_filter(viewer, region_field="region"))
    if viewer.is_authenticated and viewer.unit_id:
        return qs.filter(pk=viewer.unit_id)
    return qs.none()


def audit_list(*, viewer: User) -> QuerySet[AuditEntry]:
    if viewer.is_authenticated and viewer.has_role(Role.AUDITADMIN):
        return AuditEntry.objects.select_related("actor")
    return AuditEntry.objects.none()
