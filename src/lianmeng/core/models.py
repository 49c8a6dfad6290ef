"""Core data: jurisdictions (GB/T 2260), units (USCC), users and roles, audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import TWO_FACTOR_ROLES, Role


class Jurisdiction(models.Model):
    """An administrative area (GB/T 2260) or a development / free-trade zone."""

    class Kind(models.TextChoices):
        NATION = "nation", _("国家")
        PROVINCE = "province", _("省级")
        CITY = "city", _("地市级")
        COUNTY = "county", _("县区级")
        HITECH = "hitech", _("高新区")
        FTZ = "ftz", _("自贸区片区")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    #: materialised path of codes from the nation down, e.g. "000000/410000/410300/410305/";
    #: "everything under X" is one indexed prefix query.
    path = models.CharField(max_length=120, db_index=True)
    active = models.BooleanField(_("现行"), default=True)
    history = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def is_zone(self) -> bool:
        return self.kind in {self.Kind.HITECH, self.Kind.FTZ, self.Kind.ZONE}

    def contains(self, other: Jurisdiction) -> bool:
        return other.path.startswith(self.path)


class Unit(models.Model):
    """An organisation: enterprise, university, institute … identified by its USCC."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高等院校")
        RESEARCH_INSTITUTE = "research_institute", _("科研院所")
        VOCATIONAL_COLLEGE = "vocational_college", _("职业院校")
        INTERMEDIARY = "intermediary", _("中介机构")
        GOVERNMENT = "government", _("政府部门")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位类别"), max_length=20, choices=Kind.choices)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True
    )
    org_code = models.CharField(
        _("组织机构代码"), max_length=10, null=True, blank=True, unique=True
    )
    region = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="units", verbose_name=_("注册地")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__isnull=False) | models.Q(org_code__isnull=False),
                name="unit_has_identity",
                violation_error_message=_("单位须有统一社会信用代码或组织机构代码"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. Staff act for a jurisdiction; applicants, members and experts for a unit."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("所属单位"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("所属区划"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="no_superuser")
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def role_set(self) -> frozenset[str]:
        """Roles held, read once per request (prefetched by the middleware)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                frozenset(self.role_grants.values_list("role", flat=True))
                if self.pk
                else frozenset()
            )
            self._role_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_set()

    def requires_two_factor(self) -> bool:
        """Whether this account must sign in with a second factor (``TWO_FACTOR_ROLES``)."""
        return bool(self.role_set() & TWO_FACTOR_ROLES)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AuditEntry(models.Model):
    """One audited business action; append-only (database triggers), hash-chained (B-4)."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    summary = models.JSONField(default=dict)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class ApiToken(models.Model):
    """A token for machine clients; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
