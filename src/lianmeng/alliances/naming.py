"""统一命名：洛阳市认定的联盟统一命名为“洛阳市×××产业技术创新战略联盟”（seed 003 第七条(三)）.

The ``×××`` is the core of the name the applicant chose: the place prefix and any alliance
suffix are taken off and the profile's pattern is put around what remains, so
“洛阳轴承产业联盟” and “洛阳市轴承产业技术创新战略联盟” both become
“洛阳市轴承产业技术创新战略联盟”. A profile without a pattern keeps the proposal's name.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianmeng.core.errors import ValidationFailed
from lianmeng.policy.models import Profile

PLACEHOLDER = "×××"
#: what an applicant may have put at the end of the name, longest first
_SUFFIXES = sorted(
    {
        "产业技术创新战略联盟",
        "技术创新战略联盟",
        "产业创新战略联盟",
        "产业技术创新联盟",
        "创新战略联盟",
        "产业创新联盟",
        "技术创新联盟",
        "产业战略联盟",
        "战略联盟",
        "创新联盟",
        "产业联盟",
        "联盟",
    },
    key=len,
    reverse=True,
)
_TRIM = " \u3000·-—_（）()“”\"'"


def pattern_of(profile: Profile) -> tuple[str, str] | None:
    """(prefix, suffix) around ``×××`` in the profile's ``alliance_name``, if it has one."""
    if profile.alliance_name is None or PLACEHOLDER not in profile.alliance_name.value:
        return None
    prefix, suffix = profile.alliance_name.value.split(PLACEHOLDER, 1)
    return prefix, suffix


def name_core(name: str, *, prefix: str) -> str:
    """The words of ``name`` between the place and the alliance suffix."""
    core = (name or "").strip().strip(_TRIM)
    short = prefix.removesuffix("市").removesuffix("省")
    for place in (prefix, short):
        if place and core.startswith(place):
            core = core[len(place) :]
            break
    for suffix in _SUFFIXES:
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    core = core.strip(_TRIM)
    if core.endswith("产业") and len(core) > 2:
        core = core[:-2]  # the pattern brings its own 产业
    return core


def alliance_name(profile: Profile, proposal_name: str) -> str:
    pattern = pattern_of(profile)
    if pattern is None:
        return (proposal_name or "").strip()
    prefix, suffix = pattern
    core = name_core(proposal_name, prefix=prefix)
    if not core:
        raise ValidationFailed(
            _("无法从申报名称“%(name)s”得出联盟名称，请在决定中填写联盟名称（格式：%(pattern)s）。")
            % {"name": proposal_name, "pattern": f"{prefix}{PLACEHOLDER}{suffix}"}
        )
    return f"{prefix}{core}{suffix}"


def check_name(profile: Profile, name: str) -> str:
    """A name staff typed: it must follow the profile's pattern, if it has one."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写联盟名称。"))
    if len(name) > 120:
        raise ValidationFailed(_("联盟名称不能超过 120 字。"))
    pattern = pattern_of(profile)
    if pattern is not None:
        prefix, suffix = pattern
        if not (name.startswith(prefix) and name.endswith(suffix)) or len(name) <= len(
            prefix + suffix
        ):
            raise ValidationFailed(
                _("联盟名称须统一为“%(pattern)s”的格式，例如“%(example)s”。")
                % {"pattern": f"{prefix}{PLACEHOLDER}{suffix}", "example": f"{prefix}轴承{suffix}"}
            )
    return name
