"""The two formats of Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): JSON, and
XML with the element names of the spec. One shape of data for both: a list of flat records (or
one record for discovery and a service definition), whose values are text, numbers, booleans,
``None``, or lists of records for the nested parts (attributes and their values, endpoints).

The XML follows the spec's convention: a list is an element of the plural name holding one
element per item (``services``/``service``, ``attributes``/``attribute``); ``None`` is an empty
element; booleans are ``true``/``false``. It is built with ``xml.etree.ElementTree`` (text is
escaped by it, never pasted), preceded by the declaration with the encoding, as the spec asks.
Both are UTF-8, with the content types the spec names.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# The element of one item of each list the spec nests (the JSON has the list only).
ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

Record = Mapping[str, Any]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, record: Record) -> None:
    for name, value in record.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list | tuple):
            _items(child, ITEM[name], value)
        else:
            child.text = _text(value)


def _items(parent: ET.Element, tag: str, items: Sequence[Any]) -> None:
    for item in items:
        child = ET.SubElement(parent, tag)
        if isinstance(item, Mapping):
            _fill(child, item)
        else:
            child.text = _text(item)


def to_xml(root: str, body: Record | Sequence[Record]) -> bytes:
    """``body`` under the element ``root``: a list as one ``ITEM[root]`` element per record, a
    single record as the root's children."""
    element = ET.Element(root)
    if isinstance(body, Mapping):
        _fill(element, body)
    else:
        _items(element, ITEM[root], body)
    tree: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return DECLARATION + tree


def to_json(body: Record | Sequence[Record]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def respond(
    fmt: str, root: str, body: Record | Sequence[Record], status: int = 200
) -> HttpResponse:
    """The answer in ``fmt`` (``json`` or ``xml``); ``root`` names the XML's outer element."""
    content = to_json(body) if fmt == "json" else to_xml(root, body)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error answer: ``[{"code": ..., "description": ...}]``, in XML
    ``<errors><error><code/><description/></error></errors>``; the code is the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
