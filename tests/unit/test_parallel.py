"""``core.parallel.ordered_map``: the matrix's row blocks on every core, in order, bounded."""

from __future__ import annotations

import threading
import time

import pytest

from vpclab.core import parallel


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_results_come_in_order(threads: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VPCLAB_THREADS", threads)

    def slow_first(x: int) -> int:
        time.sleep(0.02 if x == 0 else 0)
        return x * x

    assert list(parallel.ordered_map(slow_first, range(20))) == [x * x for x in range(20)]


def test_work_in_flight_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks are computed at most ``ahead`` beyond what the caller has taken (memory stays
    bounded however many blocks there are)."""
    monkeypatch.setenv("VPCLAB_THREADS", "2")
    started: list[int] = []
    lock = threading.Lock()

    def note(x: int) -> int:
        with lock:
            started.append(x)
        return x

    it = parallel.ordered_map(note, range(100), ahead=3)
    assert next(it) == 0
    time.sleep(0.05)
    assert len(started) <= 4  # the one taken and at most three ahead
    assert list(it) == list(range(1, 100))


def test_an_error_in_a_block_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VPCLAB_THREADS", "2")

    def fail_at_five(x: int) -> int:
        if x == 5:
            raise ValueError("block 5")
        return x

    got: list[int] = []
    with pytest.raises(ValueError, match="block 5"):
        for x in parallel.ordered_map(fail_at_five, range(50)):
            got.append(x)
    assert got == [0, 1, 2, 3, 4]


def test_threads_default_to_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VPCLAB_THREADS", raising=False)
    assert parallel.workers() >= 1
    monkeypatch.setenv("VPCLAB_THREADS", "not a number")
    assert parallel.workers() >= 1
    monkeypatch.setenv("VPCLAB_THREADS", "1")
    assert parallel.workers() == 1
