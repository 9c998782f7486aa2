"""Property tests: AddressSet behaves like a Python set of addresses (DESIGN §5.5, §5.9)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpclab.core.addresses import AddressSet, AddressSetError

# a small universe (10.0.0.0/24 and its neighbours) so brute force over every address is cheap
BASE = int(IPv4Address("10.0.0.0"))
nets = st.builds(
    lambda offset, plen: IPv4Network((BASE + (offset >> (32 - plen) << (32 - plen)), plen)),
    st.integers(0, 1023), st.integers(22, 32),
)
sets = st.lists(nets, max_size=6)
UNIVERSE = [IPv4Address(BASE + i) for i in range(-16, 1024 + 16)]


def brute(networks: list[IPv4Network]) -> set[IPv4Address]:
    return {a for a in UNIVERSE if any(a in n for n in networks)}


@given(sets, sets)
@settings(max_examples=150, deadline=None)
def test_algebra_matches_python_sets(a: list[IPv4Network], b: list[IPv4Network]) -> None:
    sa, sb = AddressSet(a), AddressSet(b)
    ba, bb = brute(a), brute(b)
    for got, want in ((sa | sb, ba | bb), (sa & sb, ba & bb), (sa - sb, ba - bb), (sa ^ sb, ba ^ bb)):
        assert {x for x in UNIVERSE if x in got} == want
    assert (sa <= sb) == (ba <= bb)
    assert sa.isdisjoint(sb) == ba.isdisjoint(bb)
    assert len(sa) == len(ba)


@given(sets)
@settings(max_examples=100, deadline=None)
def test_cidrs_round_trip_and_canonical(a: list[IPv4Network]) -> None:
    s = AddressSet(a)
    assert AddressSet(s.cidrs()) == s
    assert hash(AddressSet(reversed(a))) == hash(s)
    assert ~~s == s
    assert (s | ~s) == AddressSet.everything()


def test_contains_networks_and_rejects_non_ipv4() -> None:
    s = AddressSet(["10.0.0.0/16"])
    assert IPv4Network("10.0.3.0/24") in s and "10.1.0.0/24" not in s
    with pytest.raises(AddressSetError):
        AddressSet(["2001:db8::/32"])
