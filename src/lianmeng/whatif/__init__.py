"""Policy what-if: the current alliances and pending proposals under a draft profile (B-6)."""
