"""Plugins: named bundles of middleware, registered in order into a registry."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from harness._errors import PluginError

#: The middleware kinds a plugin may provide; a typo such as "persistance" is refused.
MIDDLEWARE_KINDS = ("persistence",)

_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*", re.ASCII)


@dataclass(frozen=True)
class Plugin:
    """A named, versioned bundle of middleware, e.g. ``middleware={"persistence": mw}``."""

    name: str
    version: str
    middleware: Mapping[str, Callable[..., Any]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(
                f"Plugin name must be a str, got {type(self.name).__name__}: {self.name!r}."
            )
        if not isinstance(self.version, str):
            raise TypeError(
                f"Plugin {self.name!r}: version must be a str, "
                f"got {type(self.version).__name__}: {self.version!r}."
            )
        if not isinstance(self.middleware, Mapping):
            raise TypeError(
                f"Plugin {self.name!r}: middleware must be a mapping of kind to middleware, "
                f"got {type(self.middleware).__name__}: {self.middleware!r}."
            )
        for kind, middleware in self.middleware.items():
            if not callable(middleware):
                raise TypeError(
                    f"Plugin {self.name!r}: middleware[{kind!r}] must be callable, "
                    f"got {type(middleware).__name__}: {middleware!r}."
                )
        # A private read-only copy: mutating the caller's dict later changes nothing.
        object.__setattr__(self, "middleware", MappingProxyType(dict(self.middleware)))


class PluginRegistry:
    """Plugins in registration order; names are unique; closed registries take no more."""

    def __init__(self) -> None:
        self._plugins: dict[str, Plugin] = {}
        self._closed = False

    def register(self, plugin: Plugin) -> Plugin:
        """Add ``plugin``; raise ``PluginError`` for a bad or taken name or a closed registry."""
        if not isinstance(plugin, Plugin):
            raise TypeError(f"register() needs a Plugin, got {type(plugin).__name__}: {plugin!r}.")
        if self._closed:
            raise PluginError(
                f"Cannot register plugin {plugin.name!r}: the registry is closed; "
                "register every plugin before closing it."
            )
        if not _NAME.fullmatch(plugin.name):
            raise PluginError(
                f"Plugin name {plugin.name!r} is not valid: use lowercase letters and digits "
                "in words joined by single hyphens (e.g. 'audit-log')."
            )
        if plugin.name in self._plugins:
            existing = self._plugins[plugin.name]
            raise PluginError(
                f"A plugin named {plugin.name!r} is already registered "
                f"(version {existing.version!r}); plugin names must be unique."
            )
        unknown = sorted(set(plugin.middleware) - set(MIDDLEWARE_KINDS))
        if unknown:
            raise PluginError(
                f"Plugin {plugin.name!r} provides middleware of unknown kind(s) "
                f"{', '.join(map(repr, unknown))}; known kinds: {', '.join(MIDDLEWARE_KINDS)}."
            )
        self._plugins[plugin.name] = plugin
        return plugin

    def close(self) -> None:
        """Refuse further registrations (closing twice is fine)."""
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def plugins(self) -> tuple[Plugin, ...]:
        return tuple(self._plugins.values())

    def middlewares_for(self, kind: str) -> list[Callable[..., Any]]:
        """Return the middleware of ``kind`` from every plugin, in registration order."""
        if kind not in MIDDLEWARE_KINDS:
            raise ValueError(
                f"Unknown middleware kind {kind!r}; known kinds: {', '.join(MIDDLEWARE_KINDS)}."
            )
        return [p.middleware[kind] for p in self._plugins.values() if kind in p.middleware]
