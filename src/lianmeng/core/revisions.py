"""Optimistic locking: a form or API call that edits a row names the ``revision`` it read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from .errors import Conflict, ValidationFailed


def check_revision(row: Any, revision: Any) -> None:
    """Refuse (409) an edit based on an older revision of ``row``; none given: no check."""
    if revision in (None, ""):
        return
    try:
        if int(revision) != row.revision:
            raise Conflict(
                gettext("内容已被他人修改，请刷新页面后再保存（您填写的内容仍在表单中）。")
            )
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(gettext("版本号无效，请刷新页面。")) from exc
