"""``reach.space._span``: an IPv4 CIDR's [start, end), parsed once per text — by the C library's
``inet_pton`` for canonical dotted quads, by hand or by ``ipaddress`` for the rest — must be what
``ipaddress`` says of every text, host bits set or not."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vpclab.reach.space import _span


@given(st.integers(0, 2**32 - 1), st.integers(0, 32))
def test_span_is_the_network_ipaddress_gives(address: int, length: int) -> None:
    text = f"{'.'.join(str(address >> s & 255) for s in (24, 16, 8, 0))}/{length}"
    net = IPv4Network(text, strict=False)
    assert _span(text) == (int(net.network_address), int(net.network_address) + net.num_addresses)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("10.0.0.5", (0x0A000005, 0x0A000006)),  # no length: one address
        ("010.1.0.0/16", (0x0A010000, 0x0A020000)),  # a leading zero: inet_pton refuses, read by hand
        ("0.0.0.0/0", (0, 2**32)),
    ],
)
def test_span_of_texts_the_c_library_refuses_or_that_lack_a_length(text: str, want: tuple[int, int]) -> None:
    assert _span(text) == want


@pytest.mark.parametrize("text", ["10.0.0.0/33", "10.0.0/8", "300.0.0.0/8", "10.0.0.0/x"])
def test_span_of_a_malformed_text_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        _span(text)
