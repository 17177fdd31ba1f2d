"""The wire format of Open311 GeoReport v2: one response tree, written as XML or as JSON.

The specification defines XML and derives JSON from it by the "Spark convention": a container
element whose children all share one name (``<services><service>…``) becomes a JSON array,
even with a single child; an element with named children becomes an object; a leaf becomes
its value. So a view builds one tree of ``Many`` (a container of repeated elements), ``dict``
(an element with named children) and leaves (text, numbers, booleans, datetimes, ``None``),
and ``render`` writes it in the format the URL's suffix asked for, from the same tree — the
two can never disagree.

Both are UTF-8; XML starts with its declaration and carries no namespace (spec, "Encoding"
and "XML Support"). Datetimes are W3C/ISO 8601 with the offset, in Asia/Shanghai.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

from core.numbers import year_in_range

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


@dataclass
class Many:
    """A container of repeated elements: ``<tag><item>…</item>…</tag>`` in XML, an array in
    JSON."""

    tag: str
    item: str
    items: list[Any] = field(default_factory=list)


@dataclass
class Root:
    """A single element at the top of a response (``<service_definition>``, ``<discovery>``):
    in JSON, the object itself without the wrapping name."""

    tag: str
    content: Mapping[str, Any]


Tree = Many | Root


def w3c(moment: datetime | None) -> str | None:
    """``2026-03-02T09:30:00+08:00``: seconds precision, the offset always present."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# The W3C note's profiles that a filter may use: a date, or a date and time with minutes,
# optional seconds and fraction, and — for a time — a zone designator (Z or ±hh:mm).
W3C_YEAR = re.compile(r"^\d{4}-")
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def parse_w3c(value: str) -> datetime | None:
    """An aware datetime from a W3C datetime, or ``None`` when ``value`` is not one. A bare
    date means its midnight in Asia/Shanghai (the jurisdiction's own day)."""
    value = value.strip()
    if not W3C_YEAR.match(value) or not year_in_range(int(value[:4])):
        return None  # year 1 or 9999 would overflow the time zone arithmetic
    try:
        if W3C_DATE.match(value):
            return timezone.make_aware(datetime.combine(date.fromisoformat(value), time()))
        if W3C_DATETIME.match(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Many):
        return [_json_value(item) for item in value.items]
    if isinstance(value, Mapping):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return w3c(value)
    return value


def _xml_fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, Many):
        for item in value.items:
            _xml_fill(ElementTree.SubElement(element, value.item), item)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _xml_fill(ElementTree.SubElement(element, key), item)
    else:
        element.text = _text(value)


def to_json(tree: Tree) -> bytes:
    body = _json_value(tree if isinstance(tree, Many) else tree.content)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def to_xml(tree: Tree) -> bytes:
    root = ElementTree.Element(tree.tag)
    _xml_fill(root, tree if isinstance(tree, Many) else tree.content)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def render(tree: Tree, fmt: str, status: int = 200) -> HttpResponse:
    content = to_xml(tree) if fmt == "xml" else to_json(tree)
    return HttpResponse(content, status=status, content_type=FORMATS[fmt])


class Open311Error(Exception):
    """An answer in the specification's error format: an array of ``{code, description}``
    (``<errors><error>…``) with the HTTP status it gives — 404 for what does not exist, 403
    for a missing or wrong ``api_key``, 400 for anything else that cannot be done. Several
    problems may be reported at once."""

    def __init__(self, status: int, *descriptions: str, code: int | str | None = None) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.code = code if code is not None else status
        self.descriptions = descriptions

    def response(self, fmt: str) -> HttpResponse:
        errors = Many(
            "errors",
            "error",
            [{"code": self.code, "description": text} for text in self.descriptions],
        )
        return render(errors, fmt, status=self.status)
