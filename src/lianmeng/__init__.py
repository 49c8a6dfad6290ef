"""联盟管理平台 — industrial technology innovation strategic alliance management."""

__version__ = "0.1.0"
