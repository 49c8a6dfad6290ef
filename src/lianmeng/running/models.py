"""联盟运行：决定之后的联盟工作台（issue 13 item 3, M-34）.

One :class:`Workspace` per alliance holds its current particulars: bodies (决策、咨询、执行机构),
key people (理事长、秘书长、联络员), office address and the agreement with its signing date and
term. It is initialised once from the decided proposal's document (an alliance of the legacy
registry starts empty). Members, documents and meeting records are rows of their own.
Editable rows carry a ``revision`` for optimistic concurrency (a stale write answers 409).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Unit

#: the bodies of an alliance (seed 000 五(二): 决策、咨询、执行机构), in display order
BODY_KINDS = {
    "decision": _("决策机构（理事会）"),
    "advisory": _("咨询机构（专家委员会）"),
    "executive": _("执行机构（秘书处）"),
}
#: key people of an alliance, in display order
KEY_PEOPLE = {
    "chairman": _("理事长"),
    "secretary_general": _("秘书长"),
    "liaison": _("联络员"),
}


class Workspace(models.Model):
    alliance = models.OneToOneField(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="workspace"
    )
    #: {"decision": {"set_up": bool, "name": str, "note": str}, "advisory": …, "executive": …}
    bodies = models.JSONField(_("组织机构"), default=dict, blank=True)
    #: {"chairman": {"name", "phone", "email"}, "secretary_general": …, "liaison": …}
    key_people = models.JSONField(_("主要负责人"), default=dict, blank=True)
    office_address = models.CharField(_("办公地址"), max_length=200, blank=True)
    agreement_signed_on = models.DateField(_("协议签订日期"), null=True, blank=True)
    agreement_term_years = models.PositiveSmallIntegerField(
        _("协议期限（年）"), null=True, blank=True
    )
    #: the proposal the particulars were taken from (none: a legacy alliance, started empty)
    initialised_from = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("联盟工作台")
        verbose_name_plural = _("联盟工作台")

    def __str__(self) -> str:
        return str(self.alliance)


class Member(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        MEMBER = "member", _("成员单位")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    #: the unit of the system with this USCC, when there is one (its staff read the workspace)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("单位名称"), max_length=120)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    kind = models.CharField(_("单位类别"), max_length=20, choices=Unit.Kind.choices, blank=True)
    role = models.CharField(
        _("联盟内角色"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    left_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    #: the rest of the unit's roster row (region_code, chain_position, platforms …) for the
    #: eligibility rules, as the join or the XLSX import gave it
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        indexes = [
            models.Index(fields=["unit", "left_on"], name="running_member_unit"),
            # units in several alliances (lianmeng.insight.overlap): members by USCC
            models.Index(fields=["uscc", "left_on"], name="running_member_uscc"),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("会员大会/成员大会")
        COUNCIL = "council", _("理事会")
        SUPERVISORY = "supervisory", _("监事会")
        EXPERT_COMMITTEE = "expert_committee", _("专家委员会")
        ANNUAL = "annual", _("年会")
        WORK = "work", _("工作会议")
        EXCHANGE = "exchange", _("交流活动")

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("会议类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("会议名称"), max_length=120, blank=True)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    attendance_count = models.PositiveIntegerField(_("出席人数"), null=True, blank=True)
    #: the units that attended, one per line
    attendance_units = models.TextField(_("出席单位"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    #: who recorded it (none: loaded with the demo data)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        indexes = [models.Index(fields=["workspace", "held_on"], name="running_meeting_held")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"

    @property
    def unit_list(self) -> list[str]:
        return [line.strip() for line in self.attendance_units.splitlines() if line.strip()]


class Document(models.Model):
    """A file of the alliance (or of one of its meetings), checked like proposal materials."""

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="documents")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(upload_to="running/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("联盟文件")
        verbose_name_plural = _("联盟文件")

    def __str__(self) -> str:
        return self.title


class ChangeFiling(models.Model):
    """变更备案 (M-31): a change the lead unit files with the supervising department, which
    acknowledges it (知悉, ``accept``) or queries it (质询, ``return``; the lead unit answers and
    files it again). Its states are the profile's ``[report_lifecycle]``, fired through the
    lifecycle engine as subject kind ``change`` (:mod:`lianmeng.running.lifecycle`).

    ``before``/``after`` keep what changed; a membership change keeps the roster rules the
    alliance no longer meets in ``warnings`` (each with its citation), and ``warned`` flags it in
    the department's list. ``region``, ``lead_unit`` and ``profile`` are copied from the alliance
    so that the engine routes the filing as it routes the alliance."""

    class Kind(models.TextChoices):
        MEMBER_JOIN = "member_join", _("成员加入")
        MEMBER_EXIT = "member_exit", _("成员退出")
        KEY_PERSON = "key_person", _("主要负责人变更")
        ADDRESS = "address", _("办公地址变更")
        AGREEMENT_RENEWAL = "agreement_renewal", _("联盟协议续签")

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="changes")
    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("变更类别"), max_length=20, choices=Kind.choices, db_index=True)
    profile = models.CharField(_("政策档案"), max_length=30)
    #: the state in the profile's ``[report_lifecycle]``; set only through the engine
    status = models.CharField(_("状态"), max_length=20, default="draft", db_index=True)
    region = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)
    #: [{"rule", "severity", "message", "citation": {"seed", "article"}, "cited": 《…》条款}]
    warnings = models.JSONField(_("资格预警"), default=list, blank=True)
    warned = models.BooleanField(_("有资格预警"), default=False, db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报送时间"), db_index=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("变更备案")
        verbose_name_plural = _("变更备案")
        indexes = [
            models.Index(fields=["region", "status", "-filed_at"], name="running_change_region"),
            models.Index(fields=["alliance", "-filed_at"], name="running_change_alliance"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id} {self.get_kind_display()}"

    # -- what the lifecycle engine's routing reads (lianmeng.workflow.routing) ---------------

    #: a filing has no zone route and names no recommender
    zone = None
    zone_id = None

    @property
    def document(self) -> dict:
        return {}

    @property
    def name(self) -> str:
        return f"{self.alliance.name} · {self.get_kind_display()}"


class Signature(models.Model):
    """One member unit's signature of a renewed agreement: signed online by its own staff, or
    recorded by the lead unit from the paper copy (with the scanned page)."""

    class Method(models.TextChoices):
        ONLINE = "online", _("在线确认")
        PAPER = "paper", _("纸质签署（牵头单位登记）")

    filing = models.ForeignKey(ChangeFiling, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scan = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["filing", "member"], name="running_signature_once")
        ]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.member_id}"
