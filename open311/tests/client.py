"""A small Open311 client for the tests, written to the specification rather than to our
code: it reads XML with the standard library and checks element names, and JSON as is."""

import json
from xml.etree import ElementTree

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def _element(element: ElementTree.Element):
    """Spark convention, backwards: a container of same-named children is a list, an element
    with children a dict, a leaf its text."""
    children = list(element)
    if element.tag in CONTAINERS:
        assert all(child.tag == CONTAINERS[element.tag] for child in children), element.tag
        return [_element(child) for child in children]
    if not children:
        return element.text
    return {child.tag: _element(child) for child in children}


# Elements the specification defines as containers of repeated children.
CONTAINERS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def read(response, fmt: str, root: str):
    """The body of ``response`` as Python data, after checking its content type, its
    encoding declaration and (XML) that the root and the repeated children have the names
    the specification gives."""
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    if fmt == "json":
        return json.loads(response.content.decode("utf-8"))
    body = response.content
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>") or body.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>'
    )
    element = ElementTree.fromstring(body)
    assert element.tag == root
    return _element(element)


def truth(value) -> bool:
    """``true`` in XML, ``True`` in JSON."""
    return value is True or value == "true"
