"""Failures the tools expect: the message says what went wrong and what to do, no traceback."""

from __future__ import annotations


class ToolError(Exception):
    """An expected failure of a `moderation` command, reported as its message and exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
