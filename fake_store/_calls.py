"""Recorded calls of a FakeStore and the assertion helpers tests use on them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple, overload

from fake_store._faults import METHODS

#: The persistence op tag (harness ops) of each store method that performs one.
OP_OF_METHOD: dict[str, str] = {
    "add_message": "add",
    "reserve_message": "reserve",
    "update_message_content": "update_content",
    "update_message_metadata": "update",
    "delete_message": "delete",
}
_METHOD_OF_OP = {op: method for method, op in OP_OF_METHOD.items()}
_ALL_METHODS = (*METHODS, "close")


def method_name(name: object) -> str:
    """Resolve a method name or a persistence op tag (``"add"``...) to the method name."""
    if isinstance(name, str):
        if name in _ALL_METHODS:
            return name
        if name in _METHOD_OF_OP:
            return _METHOD_OF_OP[name]
    raise ValueError(
        f"Unknown store method {name!r}; use one of {', '.join(_ALL_METHODS)} "
        f"or an op tag ({', '.join(_METHOD_OF_OP)})."
    )


class Call(NamedTuple):
    """One call of a store method: its arguments by name and how it ended.

    ``attempts`` counts write attempts (retries included); it is 0 for reads and for calls
    rejected before any attempt (bad arguments, closed store). ``number`` is its position in
    ``store.calls``. (A NamedTuple rather than a frozen dataclass: one is made per call, and
    this keeps recording cheap.)
    """

    method: str
    args: Mapping[str, Any]
    result: Any = None
    error: BaseException | None = None
    attempts: int = 0
    number: int = 0

    @property
    def op(self) -> str | None:
        """The persistence op tag (``"add"``, ``"reserve"``...), None for other methods."""
        return OP_OF_METHOD.get(self.method)

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        outcome = f"-> {self.result!r}" if self.ok else f"raised {self.error!r}"
        return f"#{self.number} {self.method}({arguments}) {outcome}"


class Calls(Sequence[Call]):
    """Every call a FakeStore received, oldest first."""

    def __init__(self) -> None:
        self._calls: list[Call] = []

    def record(self, call: Call) -> None:
        self._calls.append(call)

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Call]: ...
    def __getitem__(self, index: int | slice) -> Call | Sequence[Call]:
        return self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __repr__(self) -> str:
        return f"Calls({len(self._calls)} recorded)"

    def clear(self) -> None:
        self._calls.clear()

    def of(self, name: str) -> list[Call]:
        """The calls of one method (a method name or an op tag such as ``"reserve"``)."""
        method = method_name(name)
        return [call for call in self._calls if call.method == method]

    def methods(self) -> list[str]:
        """The method name of every call, in order."""
        return [call.method for call in self._calls]

    def assert_called(self, name: str, /, **args: Any) -> Call:
        """Assert some call of ``name`` had (at least) these arguments; return the last such."""
        __tracebackhide__ = True
        matching = self._matching(name, args)
        if not matching:
            raise AssertionError(
                self._explain(name, args, "Expected a call {call} but none matched.")
            )
        return matching[-1]

    def assert_called_once(self, name: str, /, **args: Any) -> Call:
        """Assert exactly one call of ``name`` had these arguments; return it."""
        __tracebackhide__ = True
        matching = self._matching(name, args)
        if len(matching) != 1:
            raise AssertionError(
                self._explain(
                    name, args, f"Expected one call {{call}} but {len(matching)} matched."
                )
            )
        return matching[0]

    def assert_not_called(self, name: str, /, **args: Any) -> None:
        """Assert no call of ``name`` (with these arguments, when given) was made."""
        __tracebackhide__ = True
        matching = self._matching(name, args)
        if matching:
            raise AssertionError(
                self._explain(name, args, f"Expected no call {{call}} but {len(matching)} matched.")
            )

    def _matching(self, name: str, args: Mapping[str, Any]) -> list[Call]:
        return [
            call
            for call in self.of(name)
            if all(key in call.args and call.args[key] == value for key, value in args.items())
        ]

    def _explain(self, name: str, args: Mapping[str, Any], headline: str) -> str:
        wanted = ", ".join(f"{k}={v!r}" for k, v in args.items())
        recorded = "\n".join(f"  {call.describe()}" for call in self._calls) or "  (none)"
        call = f"{method_name(name)}({wanted})"
        return f"{headline.format(call=call)}\nRecorded calls:\n{recorded}"
