"""The soak of ``make bench`` (bench/soak.py) with tiny numbers, so that its code path cannot rot:
a server with a state file, fuzzed requests over HTTP, a few clients of mixed load with their
acknowledged writes checked before and after kill -9 and a restart."""

from __future__ import annotations

import pytest

from bench import soak


@pytest.mark.slow  # three server start-ups and a few seconds of load: 10-20 s on a loaded machine
def test_a_tiny_soak_holds_every_invariant() -> None:
    lines, ok = soak.run(fuzz_requests=300, duration=3, clients=4, seed=3, heavy=soak.Heavy(5, 2, 5))
    text = "\n".join(lines)
    assert ok, text
    assert text.startswith("fuzz: 300 requests")
    assert "mixed load: 4 clients" in text
    assert "0 on the running server, 0 after kill -9 and a restart" in text
    assert "unexpected answers (the client expected another outcome): none" in text
