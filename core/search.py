"""Searching by words, the same way on every list and search box: the text is split on
spaces, every word must match (``AND``), a word matches when any of the given fields contains
it, and a word of digits also matches the row's number (``pk``) exactly — so “桥头 1234”,
“王 红旗村” or a request's number all find what a person would expect. The caller passes an
already scoped queryset (``visible()``); nothing here widens it."""

from django.db.models import Q, QuerySet

MAX_WORDS = 5
MAX_LENGTH = 100


def words(text: str | None) -> list[str]:
    """The words of a search box, at most ``MAX_WORDS`` (the rest is ignored)."""
    return (text or "")[:MAX_LENGTH].split()[:MAX_WORDS]


def words_q(text: str | None, fields: list[str], number: str | None = "pk") -> Q:
    """A ``Q`` that every word of ``text`` matches one of ``fields`` (or ``number``)."""
    condition = Q()
    for word in words(text):
        one = Q(pk__in=[])
        for field in fields:
            one |= Q(**{f"{field}__icontains": word})
        if number and word.isdigit() and len(word) < 19:  # bigger than any id: no match
            one |= Q(**{number: int(word)})
        condition &= one
    return condition


def search(rows: QuerySet, text: str | None, fields: list[str], number: str | None = "pk"):
    """``rows`` narrowed to those matching ``text``; all of them when it is empty."""
    return rows.filter(words_q(text, fields, number)) if words(text) else rows
