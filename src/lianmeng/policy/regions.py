"""注册地：优先取统一社会信用代码第 3–8 位，否则取 region_code。"""

from __future__ import annotations

from lianmeng.policy.interchange import Member, Proposal
from lianmeng.policy.uscc import IdentityError, uscc_region

__all__ = ["lead_region", "member_region", "region_of_uscc"]


def region_of_uscc(code: str | None) -> str | None:
    """Region digits of a valid USCC, else ``None``."""
    if not code:
        return None
    try:
        return uscc_region(code)
    except IdentityError:
        return None


def member_region(member: Member) -> str | None:
    """Where a member is registered: USCC digits 3–8, else ``region_code``, else ``None``."""
    return region_of_uscc(member.uscc) or member.region_code


def lead_region(proposal: Proposal) -> tuple[str | None, str | None]:
    """The lead unit's region and where it came from (``lead_unit.uscc``, ``members[i]…``)."""
    region = region_of_uscc(proposal.lead_unit.uscc)
    if region:
        return region, "lead_unit.uscc"
    for index, member in enumerate(proposal.members):
        if member.role != "lead":
            continue
        if region := region_of_uscc(member.uscc):
            return region, f"members[{index}].uscc"
        if member.region_code:
            return member.region_code, f"members[{index}].region_code"
    return None, None
