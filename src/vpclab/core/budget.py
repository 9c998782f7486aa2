"""A per-request time budget: a cooperative deadline that long loops check.

    with budget.deadline(20.0):      # the EC2 endpoint, around one request's handling
        ...                          # long loops call budget.check() between steps

``check()`` raises AWS's ``Unavailable`` (HTTP 503, "The server is overloaded and can't handle
the request.", a documented EC2 server error: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)
once the deadline of the current thread has passed; with no deadline set (the Python API, YAML
loading, tests) it never raises. AWS documents no per-request time limit; the budget is the
lab's backstop against a request that would otherwise hang its clients. It is cooperative on
purpose: a check raises inside the action's World transaction, so a request stopped by it is
rolled back whole — a thread is never abandoned holding the World's lock mid-change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import AwsError

_local = threading.local()


def timed_out() -> AwsError:
    """AWS's error for a request the server could not finish (EC2's ``Unavailable``, 503)."""
    return AwsError("Unavailable", "The server is overloaded and can't handle the request.", status=503)


@contextmanager
def deadline(seconds: float | None, *, start: float | None = None) -> Iterator[None]:
    """Within the block, ``check()`` raises once ``seconds`` have passed since ``start``
    (default: now; a monotonic ``time.monotonic()`` value). ``None``: no deadline."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = None if seconds is None else (time.monotonic() if start is None else start) + seconds
    try:
        yield
    finally:
        _local.deadline = previous


def check() -> None:
    """Raise ``Unavailable`` if the current thread's deadline has passed."""
    limit = getattr(_local, "deadline", None)
    if limit is not None and time.monotonic() > limit:
        raise timed_out()


def remaining() -> float | None:
    """Seconds left before the deadline (None without one)."""
    limit = getattr(_local, "deadline", None)
    return None if limit is None else limit - time.monotonic()
