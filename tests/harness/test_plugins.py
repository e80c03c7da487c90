"""Plugin and PluginRegistry: name rules, uniqueness, closing, order."""

from __future__ import annotations

from typing import Any

import pytest

from harness import PersistencePipeline, Plugin, PluginError, PluginRegistry


async def mw_a(args: Any, call_next: Any, ctx: Any) -> Any:
    return await call_next(args)


async def mw_b(args: Any, call_next: Any, ctx: Any) -> Any:
    return await call_next(args)


@pytest.mark.parametrize("name", ["a", "audit-log", "x2", "a-b-c", "0"], ids=lambda n: f"ok-{n}")
def test_good_names(name: str) -> None:
    assert PluginRegistry().register(Plugin(name, "1.0")).name == name


@pytest.mark.parametrize(
    "name",
    ["", "Audit", "audit_log", "-audit", "audit-", "audit--log", "audit log", "ünï"],
    ids=["empty", "upper", "underscore", "lead-hyphen", "trail-hyphen", "double", "space", "utf"],
)
def test_bad_names(name: str) -> None:
    with pytest.raises(PluginError) as caught:
        PluginRegistry().register(Plugin(name, "1.0"))
    assert str(caught.value) == (
        f"Plugin name {name!r} is not valid: use lowercase letters and digits in words "
        "joined by single hyphens (e.g. 'audit-log')."
    )


def test_trailing_newline_is_not_a_valid_name() -> None:
    # re's `$` also matches before a final newline; the rule must not.
    with pytest.raises(PluginError):
        PluginRegistry().register(Plugin("audit\n", "1.0"))


def test_duplicate_name() -> None:
    registry = PluginRegistry()
    registry.register(Plugin("audit-log", "1.0"))
    with pytest.raises(PluginError) as caught:
        registry.register(Plugin("audit-log", "2.0"))
    assert str(caught.value) == (
        "A plugin named 'audit-log' is already registered (version '1.0'); "
        "plugin names must be unique."
    )
    assert [p.version for p in registry.plugins] == ["1.0"]


def test_register_after_close() -> None:
    registry = PluginRegistry()
    registry.register(Plugin("first", "1"))
    registry.close()
    registry.close()
    with pytest.raises(PluginError) as caught:
        registry.register(Plugin("late", "1"))
    assert str(caught.value) == (
        "Cannot register plugin 'late': the registry is closed; "
        "register every plugin before closing it."
    )
    assert registry.closed and [p.name for p in registry.plugins] == ["first"]


def test_middlewares_for_in_registration_order() -> None:
    registry = PluginRegistry()
    registry.register(Plugin("zeta", "1", middleware={"persistence": mw_b}))
    registry.register(Plugin("no-middleware", "1"))
    registry.register(Plugin("alpha", "1", middleware={"persistence": mw_a}))
    assert registry.middlewares_for("persistence") == [mw_b, mw_a]
    pipeline = PersistencePipeline(registry.middlewares_for("persistence"))
    assert pipeline.chain == ("mw_b", "mw_a", "default_persistence_terminal")


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(PluginError, match=r"unknown kind\(s\) 'persistance'; known kinds"):
        PluginRegistry().register(Plugin("typo", "1", middleware={"persistance": mw_a}))
    with pytest.raises(ValueError, match="Unknown middleware kind 'storage'"):
        PluginRegistry().middlewares_for("storage")


def test_plugin_is_frozen_and_keeps_its_own_copy() -> None:
    given = {"persistence": mw_a}
    plugin = Plugin("p", "1", middleware=given)
    given["persistence"] = mw_b
    assert plugin.middleware["persistence"] is mw_a
    with pytest.raises(AttributeError):
        plugin.name = "q"  # type: ignore[misc]
    assert hash(plugin) == hash(Plugin("p", "1", middleware={"persistence": mw_b}))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": 1, "version": "1"}, r"Plugin name must be a str, got int: 1"),
        ({"name": "p", "version": 1}, r"Plugin 'p': version must be a str, got int: 1"),
        ({"name": "p", "version": "1", "middleware": [mw_a]}, r"middleware must be a mapping"),
        (
            {"name": "p", "version": "1", "middleware": {"persistence": "mw"}},
            r"middleware\['persistence'\] must be callable, got str: 'mw'",
        ),
    ],
    ids=["name", "version", "middleware-list", "middleware-value"],
)
def test_plugin_field_types(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Plugin(**kwargs)
