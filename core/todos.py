"""The to-do registry: what each capability asks of a user now, so that a home page can put
the user's to-dos first, in one list across capabilities, without importing any app's views.

Each app declares its to-dos in its own ``todos.py`` with ``@todo_provider`` (imported from
its ``AppConfig.ready``): a function of the user and the role assignment the home page is
built for, returning ``Todo`` rows. A to-do's ``count`` must equal what its ``url`` lists —
the link opens exactly the rows counted. ``core`` imports nothing of ours; the providers are
plain callables."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    area: str  # the capability, as its navigation names it (网格事件, 服务诉求 …)
    label: str  # what is asked, e.g. 待派单
    count: int
    url: str
    urgent: bool = False  # overdue or escalated: listed first


Provider = Callable[[Any, Any], list[Todo]]
_providers: list[Provider] = []


def todo_provider(func: Provider) -> Provider:
    """Register a capability's to-dos (once, however often its module is imported)."""
    if func not in _providers:
        _providers.append(func)
    return func


def todos_for(user, assignment) -> list[Todo]:
    """The user's open to-dos across every capability: urgent first, then in the apps'
    order; nothing with a count of zero."""
    if assignment is None:
        return []
    found = [todo for provider in _providers for todo in provider(user, assignment)]
    found = [todo for todo in found if todo.count > 0]
    return sorted(found, key=lambda todo: not todo.urgent)
