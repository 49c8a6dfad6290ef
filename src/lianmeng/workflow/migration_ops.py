"""What a migration that brings in a subject kind does when it is undone: the kind's rows in
the engine's history and deadline tables go, with what points at them (a nullable link is
cleared, anything else deleted), so that older migrations find only the kinds they know.

Used as ``migrations.RunPython(migrations.RunPython.noop, forget_history("report"))``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def forget_history(kind: str) -> Callable[[Any, Any], None]:
    def backwards(apps: Any, schema_editor: Any) -> None:
        StateChange = apps.get_model("workflow", "StateChange")  # noqa: N806
        Deadline = apps.get_model("workflow", "Deadline")  # noqa: N806
        using = schema_editor.connection.alias
        deadlines = list(
            Deadline.objects.using(using).filter(subject_kind=kind).values_list("id", flat=True)
        )
        changes = list(
            StateChange.objects.using(using).filter(subject_kind=kind).values_list("id", flat=True)
        )
        targets = {"workflow.deadline": deadlines, "workflow.statechange": changes}
        for model in apps.get_models():
            if model._meta.label_lower in targets:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model._meta.label_lower if field.is_relation else None
                ids = targets.get(target) if target else None
                if not ids:
                    continue
                rows = model._base_manager.using(using).filter(**{f"{field.attname}__in": ids})
                if field.null:
                    rows.update(**{field.attname: None})
                else:
                    rows._raw_delete(using)
        # plain DELETEs: the historical models' collector cannot follow later apps' links
        Deadline.objects.using(using).filter(pk__in=deadlines)._raw_delete(using)
        StateChange.objects.using(using).filter(pk__in=changes)._raw_delete(using)

    backwards.__name__ = f"forget_{kind}_history"
    return backwards
