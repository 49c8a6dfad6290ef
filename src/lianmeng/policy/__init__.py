"""政策配置与资格规则（纯 Python，不依赖 Django）。

Policy profiles (data files) + loader + rule engine + interchange format. Public API::

    from lianmeng.policy import check, get_profile, load_proposal_file
    result = check(load_proposal_file("p.json"), get_profile("henan"), at=None, existing=None)

Names are imported lazily (PEP 562), so ``python -m lianmeng.policy.interchange`` runs cleanly
and importing the package costs nothing until a name is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ExistingProvider": "cli_check",
    "run_check": "cli_check",
    "run_policy": "cli_check",
    "InterchangeError": "interchange",
    "Proposal": "interchange",
    "dump_proposal": "interchange",
    "load_proposal_file": "interchange",
    "parse_proposal": "interchange",
    "proposal_json_schema": "interchange",
    "ProfileError": "loader",
    "UnknownProfileError": "loader",
    "get_profile": "loader",
    "load_profiles": "loader",
    "Citation": "models",
    "Cited": "models",
    "Profile": "models",
    "CheckResult": "results",
    "ExistingAlliance": "results",
    "Finding": "results",
    "check": "rules",
    "IdentityError": "uscc",
    "uscc_region": "uscc",
    "validate_org_code": "uscc",
    "validate_uscc": "uscc",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
