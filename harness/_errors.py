"""The harness error tree: one root, subclasses that carry their context."""

from __future__ import annotations

from collections.abc import Sequence


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
    """A pipeline run took longer than its timeout."""

    def __init__(self, op: str, timeout: float, chain: Sequence[str] = ()) -> None:
        self.op = op
        self.timeout = timeout
        super().__init__(
            f"Pipeline run for op {op!r} exceeded its timeout of {timeout}s "
            f"(chain: {' -> '.join(chain) or '<terminal only>'}).",
            chain,
        )


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
