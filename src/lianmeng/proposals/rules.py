"""Object permissions on proposals (django-rules); services check them again."""

from __future__ import annotations

import rules

from lianmeng.core.roles import Role


@rules.predicate
def is_lead_unit_staff(user, proposal) -> bool:  # noqa: ANN001
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.has_role(Role.APPLICANT)
        and proposal is not None
        and user.unit_id == proposal.lead_unit_id
    )


@rules.predicate
def is_editable(user, proposal) -> bool:  # noqa: ANN001
    return proposal is not None and proposal.status in proposal.EDITABLE


rules.add_perm("proposals.edit_proposal", is_lead_unit_staff & is_editable)
rules.add_perm("proposals.submit_proposal", is_lead_unit_staff & is_editable)
rules.add_perm("proposals.create_proposal", rules.is_authenticated)  # role checked in the service
