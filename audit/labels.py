"""How the audit log reads to a person: a model's verbose name instead of ``services.
ServiceRequest``, a field's label instead of its name, and a state's label instead of its
code (``已派单`` for ``dispatched``; an incident state's name for its code)."""

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext

EMPTY = "—"


def model_for(label: str) -> type[models.Model] | None:
    if not label or "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_label(label: str) -> str:
    """``services.ServiceRequest`` → 服务诉求 (unknown labels are shown as stored)."""
    model = model_for(label)
    return str(model._meta.verbose_name) if model is not None else label


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _value_label(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        return "、".join(_value_label(field, v) for v in value) or EMPTY
    if field is not None and field.choices:
        labels = {str(key): str(text) for key, text in field.flatchoices}
        text = str(value)
        if text not in labels and "," in text:  # a transition's "from" states
            return "、".join(labels.get(part, part) for part in text.split(","))
        return labels.get(text, text)
    related = field.related_model if field is not None and field.is_relation else None
    if related is not None and not isinstance(related, str):
        names = {f.name for f in related._meta.get_fields()}
        title = next((n for n in ("label", "name") if n in names), None)
        if "code" in names and title:
            # a state kept as data (an incident's): its label; built-in ones first
            rows = related._default_manager.filter(code=str(value)).order_by("pk")
            found = list(rows.values_list(title, flat=True)[:1])
            if found:
                return str(found[0])
    return str(value)


def change_lines(model_label_text: str, changes: Any) -> list[dict[str, str]]:
    """Each change as ``{"field", "old", "new"}`` (a ``[old, new]`` pair) or ``{"field",
    "value"}`` (anything else), with human labels."""
    if not isinstance(changes, dict):
        return [{"field": "", "value": str(changes)}] if changes else []
    model = model_for(model_label_text)
    lines = []
    for name, value in changes.items():
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else str(name)
        if name == "state" and field is None:
            label = gettext("状态")
        if isinstance(value, list) and len(value) == 2:
            old, new = (_value_label(field, v) for v in value)
            lines.append({"field": label, "old": old, "new": new})
        else:
            lines.append({"field": label, "value": _value_label(field, value)})
    return lines
