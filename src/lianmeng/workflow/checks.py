"""Start-up check: every guard that a profile's table names is implemented for its kind."""

from __future__ import annotations

from typing import Any

from django.core import checks

from lianmeng.policy.loader import load_profiles

from .guards import implemented
from .kinds import registered_kinds


@checks.register()
def guards_implemented(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems = []
    for kind in registered_kinds():
        for profile in load_profiles().values():
            table = kind.table(profile)
            if table is None:
                continue
            for transition in table.transitions:
                for name in transition.guards:
                    if not implemented(kind.name, name):
                        problems.append(
                            checks.Error(
                                f"{profile.id}: transition {transition.id!r} of {kind.name} "
                                f"names guard {name!r}, which no app implements for {kind.name}",
                                hint="register it with lianmeng.workflow.guards.register()",
                                id="lianmeng.E001",
                            )
                        )
    return problems
