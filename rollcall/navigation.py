"""The menu registry: each app says its own menu items; the kernel only orders and filters them.

The kernel sits below every app, so it may not import them to build the menu. Instead each app
that puts something in the menu has a ``navigation.py`` module that calls :func:`register` at
import time; :func:`items_for` imports every installed app's ``navigation`` module once (Django's
``autodiscover_modules``, as the admin finds ``admin.py``) and returns the items the user may see.

Items are sorted by their ``order`` alone, so one number says where an item sits. The menus of
the different kinds of user are disjoint (each item's ``shown_to`` names its kind of user), and
their numbers are blocked so each menu reads in its own order:

- 100s: the school portal menu (school users);
- 200s: the reports menu (report readers with no team: figures, never a child);
- 300s and up: council staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

__all__ = ["MenuItem", "MenuRegistry", "discover", "items_for", "menu", "register"]


@dataclass(frozen=True)
class MenuItem:
    """One menu item: where it sits, what it says, where it goes and who sees it.

    ``shown_to`` takes the signed-in user (an ``accounts.User``: typed ``Any`` because the kernel
    sits below accounts) and comes from the owning app's ``access.py``, so the menu offers a page
    exactly when the page would let the user in.
    """

    order: int
    label: str
    url_name: str
    shown_to: Callable[[Any], bool]


class MenuRegistry:
    """The registered items, kept sorted by order (registration order breaks ties)."""

    def __init__(self) -> None:
        self._items: list[MenuItem] = []

    def register(self, *items: MenuItem) -> None:
        for item in items:
            key = (item.order, item.label, item.url_name)
            if any((i.order, i.label, i.url_name) == key for i in self._items):
                raise ValueError(f"The menu item {item.label!r} ({item.url_name}) is registered twice.")
            self._items.append(item)
        self._items.sort(key=lambda item: item.order)

    def items(self) -> tuple[MenuItem, ...]:
        return tuple(self._items)

    def for_user(self, user: Any) -> list[tuple[str, str]]:
        """The (label, address) pairs this signed-in user sees, in order."""
        return [(item.label, reverse(item.url_name)) for item in self._items if item.shown_to(user)]


menu = MenuRegistry()


def register(*items: MenuItem) -> None:
    """Add items to the project's menu (called by each app's ``navigation.py`` at import time)."""
    menu.register(*items)


@cache
def discover() -> None:
    """Import every installed app's ``navigation`` module, once.

    Lazily, on the first menu built, when every app is loaded: importing the apps' navigation
    modules from here at import time would load area modules before the app registry is ready.
    """
    autodiscover_modules("navigation")


def items_for(user: Any) -> list[tuple[str, str]]:
    """The menu for ``user`` (signed in), from every installed app's ``navigation`` module."""
    discover()
    return menu.for_user(user)
