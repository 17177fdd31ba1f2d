"""Materialized paths: how the region and organization trees answer subtree queries cheaply.

Every node stores ``path``: its ancestors' segments followed by its own, each segment four
characters of ``0-9a-z`` (1,679,616 children per parent). A subtree is then one indexed range,
``path >= p AND path < successor(p)``, on SQLite and PostgreSQL alike; the number of levels
above a node is ``len(path) // SEGMENT - 1``. Rows that belong to a place (members,
households, …) carry a copy of their node's path so that they are filtered by the same range
without a join.
"""

from collections.abc import Iterable

from django.db.models import Q

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
SEGMENT = 4
MAX_CHILDREN = len(ALPHABET) ** SEGMENT


def encode_segment(number: int) -> str:
    """The fixed-width segment for the ``number``-th child (0-based)."""
    if not 0 <= number < MAX_CHILDREN:
        raise ValueError(f"segment number out of range: {number}")
    chars = []
    for _ in range(SEGMENT):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def decode_segment(segment: str) -> int:
    number = 0
    for char in segment:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    return number


def successor(path: str) -> str:
    """The smallest string greater than every string that starts with ``path``."""
    chars = list(path)
    for index in range(len(chars) - 1, -1, -1):
        position = ALPHABET.index(chars[index])
        if position + 1 < len(ALPHABET):
            chars[index] = ALPHABET[position + 1]
            return "".join(chars[: index + 1])
    # All "z": nothing in the alphabet is greater; "{" sorts after "z" in every collation we use.
    return path + "{"


def subtree_q(field: str, path: str) -> Q:
    """``Q`` for rows whose ``field`` lies in the subtree rooted at ``path`` (inclusive)."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": successor(path)})


def ancestor_paths(path: str) -> list[str]:
    """Paths of the node's ancestors, root first, the node itself last."""
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def depth_of(path: str) -> int:
    return len(path) // SEGMENT - 1


def common_path(paths: Iterable[str]) -> str:
    """The deepest node whose subtree holds every path (``""`` for none, or disjoint roots), so
    that the admins of that node see the audit entry."""
    paths = list(paths)
    if not paths:
        return ""
    shortest, longest = min(paths), max(paths)
    length = 0
    while length < len(shortest) and shortest[length] == longest[length]:
        length += 1
    return shortest[: length - length % SEGMENT]
