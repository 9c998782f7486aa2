"""Property tests: AddressSet behaves like a Python set of addresses (DESIGN §5.5, §5.9)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpclab.core.addresses import AddressSet, AddressSetError

# a small universe (10.0.0.0/24 and its neighbours) so brute force over every address is cheap
BASE = int(IPv4Address("10.0.0.0"))
nets = st.builds(
    lambda offset, plen: IPv4Network((BASE + (offset >> (32 - plen) << (32 - plen)), plen)),
    st.integers(0, 1023),
    st.integers(22, 32),
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


def test_contains_networks_and_rejects_non_addresses() -> None:
    s = AddressSet(["10.0.0.0/16"])
    assert IPv4Network("10.0.3.0/24") in s and "10.1.0.0/24" not in s
    with pytest.raises(AddressSetError):
        AddressSet(["2001:db8::/129"])
    with pytest.raises(AddressSetError):
        AddressSet(["not-an-address"])


V6 = int(IPv6Address("2600:1f18:a::"))
nets6 = st.builds(
    lambda offset, plen: IPv6Network((V6 + (offset >> (128 - plen) << (128 - plen)), plen)),
    st.integers(0, 1023),
    st.integers(118, 128),
)
UNIVERSE6 = [IPv6Address(V6 + i) for i in range(-16, 1024 + 16)]


@given(st.lists(nets, max_size=4), st.lists(nets6, max_size=4), st.lists(nets6, max_size=4))
@settings(max_examples=100, deadline=None)
def test_dual_stack_families_never_mix(
    a4: list[IPv4Network], a6: list[IPv6Network], b6: list[IPv6Network]
) -> None:
    """IPv4 and IPv6 share one interval list (IPv6 offset above 2**32): set algebra within IPv6 is a
    Python set's, and a family's addresses never leak into the other's."""
    sa, sb = AddressSet([*a4, *a6]), AddressSet(b6)
    ba, bb = (
        {x for x in UNIVERSE6 if any(x in n for n in a6)},
        {x for x in UNIVERSE6 if any(x in n for n in b6)},
    )
    for got, want in ((sa | sb, ba | bb), (sa & sb, ba & bb), (sa - sb, ba - bb)):
        assert {x for x in UNIVERSE6 if x in got} == want
    assert sa.family(4) == AddressSet(a4) and sa.family(6) == AddressSet(a6)
    assert AddressSet(sa.cidrs()) == sa
    assert (sa | ~sa) == AddressSet.everything() == AddressSet.everything(4) | AddressSet.everything(6)
