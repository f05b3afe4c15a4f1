"""Cooperative cancellation of a long check, for the playground's and the language server's worker.

A Python thread cannot be stopped from outside, so a check that runs long (a 20,000-layer spec
typed into the playground) would hold the one worker until it ends, and every newer check or hover
would wait behind it. Instead the long loops of a check call `checkpoint()` now and then; a caller
that may want to abandon the work runs it inside `cancellable(token)`, and once `token.is_set()`
the next checkpoint raises `Cancelled`. Outside `cancellable`, `checkpoint()` costs one context
variable look-up and does nothing, so the command line's check is unchanged.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_token: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("netspec_cancel", default=None)


class Cancelled(Exception):
    """The work was abandoned because its token was set (a newer request replaced it)."""


@contextmanager
def cancellable(token: threading.Event) -> Iterator[None]:
    """Run the body so that `checkpoint()` inside it raises `Cancelled` once `token` is set."""
    reset = _token.set(token)
    try:
        yield
    finally:
        _token.reset(reset)


def checkpoint() -> None:
    """Raise `Cancelled` if the surrounding `cancellable` token has been set; otherwise nothing."""
    token = _token.get()
    if token is not None and token.is_set():
        raise Cancelled
