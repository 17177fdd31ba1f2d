"""The input rule for typed text, everywhere (pages, the JSON API, Open311): no C0 control
characters except tab, newline and carriage return (and no DEL). One typed by accident —
pasted from another program — would otherwise be stored, break the county's exports and, for
NUL, the PostgreSQL queries; it is refused with a clear message instead."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "含有不可见的控制字符（可能是从其他软件粘贴带入的），请删除后重新填写。"


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def fields_with_control_characters(data: Any, prefix: str = "") -> Iterator[str]:
    """The names (dotted for nested JSON, ``[i]`` for list items) of the values of ``data`` —
    a JSON value, or a mapping of form fields to lists of values — holding a control
    character; keys count as values."""
    if isinstance(data, str):
        if has_control_characters(data):
            yield prefix
    elif isinstance(data, Mapping):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and has_control_characters(key):
                yield name
            else:
                yield from fields_with_control_characters(value, name)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            # A form field's several values keep the field's own name.
            yield from fields_with_control_characters(value, prefix if prefix else f"[{index}]")
