"""Permissions of decisions and the registry (django-rules, autodiscovered)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_competent, is_coordination

#: stage and publish decisions (the engine checks the level for each transition)
rules.add_perm("alliances.decide", is_competent | is_coordination)
