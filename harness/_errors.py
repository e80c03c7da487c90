"""The harness error tree: one root, subclasses that carry their context."""

from __future__ import annotations

from collections.abc import Sequence

from harness._types import AddResult, PersistResult, ReserveResult


class HarnessError(Exception):
    """Root of every error the harness raises on purpose."""


class ConversationNotFound(HarnessError):
    """A write named a conversation the store does not hold."""

    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(
            f"Conversation {conversation_id!r} does not exist; "
            "create it with create_conversation() first."
        )


class StoreBusy(HarnessError):
    """A write kept failing with a retryable error until attempts ran out."""

    def __init__(self, operation: str, attempts: int, last_error: BaseException) -> None:
        self.operation = operation
        self.attempts = attempts
        self.last_error = last_error
        super().__init__(
            f"{operation} failed after {attempts} attempts; the last error was "
            f"{type(last_error).__name__}: {last_error}."
        )


class PipelineError(HarnessError):
    """The middleware chain broke the pipeline contract."""

    def __init__(self, message: str, chain: Sequence[str] = ()) -> None:
        self.chain = tuple(chain)
        super().__init__(message)


class PipelineTimeout(PipelineError):
    """A pipeline run took longer than its timeout.

    ``committed`` says whether the terminal's store write committed before the timeout
    fired (a slow indexer, projector or post-processing middleware can outlast a write
    that is already in); ``result`` is then the terminal's result, e.g. ``AddResult``
    with the stored message. Retry only when ``committed`` is False.
    """

    def __init__(
        self,
        op: str,
        timeout: float,
        chain: Sequence[str] = (),
        result: PersistResult | None = None,
    ) -> None:
        self.op = op
        self.timeout = timeout
        self.result = result
        self.committed = result is not None
        if result is None:
            outcome = "nothing was written, so retrying is safe"
        else:
            outcome = (
                f"the write committed ({_describe(result)}), so do not retry it: "
                "use the error's result"
            )
        super().__init__(
            f"Pipeline run for op {op!r} exceeded its timeout of {timeout}s "
            f"(chain: {' -> '.join(chain) or '<terminal only>'}); {outcome}.",
            chain,
        )


def _describe(result: PersistResult) -> str:
    if isinstance(result, (AddResult, ReserveResult)):
        return f"message id {result.message.id!r}"
    return f"{result.op} of message {result.message_id!r}, found={result.found}"


class PluginError(HarnessError):
    """A plugin could not be registered."""


class MissingExportsError(HarnessError):
    """A module fake lacks names that the project imports from the real module."""

    def __init__(self, module: str, missing: Sequence[str], hint: str = "") -> None:
        self.module = module
        self.missing = tuple(sorted(missing))
        text = (
            f"The fake for module {module!r} lacks {len(self.missing)} name(s) that the "
            f"project imports from it: {', '.join(self.missing)}."
        )
        if hint:
            text += f" {hint}"
        super().__init__(text)


class StrictCheckUnavailable(HarnessError):
    """``mock_module(..., strict=True)`` ran with no strict check registered."""

    def __init__(self, module: str) -> None:
        self.module = module
        super().__init__(
            f"mock_module({module!r}, ..., strict=True) needs mock-audit's check of the names "
            "the project imports, and none is registered. Run the tests with mockharness "
            "installed (its pytest plugin registers the check at startup unless disabled "
            "with '-p no:mockharness'), import fake_store, or call "
            "harness.set_strict_check(check) first."
        )
