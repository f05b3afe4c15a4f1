"""Cooperative cancellation of a long check, for the playground's and the language server's worker.

A Python thread cannot be stopped from outside, so a check that runs long (a 20,000-layer spec
typed into the playground) would hold the one worker until it ends, and every newer check or hover
would wait behind it. Instead the long loops of a check call `checkpoint()` now and then; a caller
that may want to abandon the work runs it inside `cancellable(token)`, and once `token.is_set()`
the next checkpoint raises `Cancelled`. Outside `cancellable`, `checkpoint()` costs one context
variable look-up and does nothing, so the command line's check is unchanged.
"""

from __future__ import annotations

import contextvars  # nothing heavier: every check imports this module (threading and contextlib cost ~2 ms)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import threading

_token: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("netspec_cancel", default=None)


class Cancelled(Exception):
    """The work was abandoned because its token was set (a newer request replaced it)."""


class cancellable:  # lower-case: it reads as a function, `with cancellable(token):`
    """Run the body so that `checkpoint()` inside it raises `Cancelled` once `token` is set
    (anything with `is_set()`, e.g. a `threading.Event`); nests, the innermost token counts."""

    __slots__ = ("_token", "_reset")

    def __init__(self, token: threading.Event):
        self._token = token

    def __enter__(self) -> None:
        self._reset = _token.set(self._token)

    def __exit__(self, *exc_info) -> None:
        _token.reset(self._reset)


def checkpoint() -> None:
    """Raise `Cancelled` if the surrounding `cancellable` token has been set; otherwise nothing."""
    token = _token.get()
    if token is not None and token.is_set():
        raise Cancelled
