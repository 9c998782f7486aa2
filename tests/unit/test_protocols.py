"""vpclab.core.protocols: one value type for IP protocols, parsed from every spelling once."""

from __future__ import annotations

import copy
import doctest
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vpclab.core import protocols
from vpclab.core.protocols import ALL, ICMP, ICMPV6, TCP, UDP, Protocol, ProtocolError

EXPECTED = "expected tcp, udp, icmp, icmpv6, all (-1) or a number 0-255"

numbers = st.integers(min_value=-1, max_value=255)
protocol_values = numbers.map(Protocol)


def test_doctests():
    assert doctest.testmod(protocols).failed == 0


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("tcp", TCP), ("TCP", TCP), ("6", TCP), (6, TCP), ("006", TCP), ("udp", UDP), ("17", UDP), (17, UDP),
     ("icmp", ICMP), ("1", ICMP), ("icmpv6", ICMPV6), ("ICMPv6", ICMPV6), ("58", ICMPV6),
     ("-1", ALL), (-1, ALL), ("all", ALL), ("ALL", ALL), ("0", Protocol(0)), ("255", Protocol(255))],
)
def test_every_spelling_parses(spelling, expected):
    assert Protocol(spelling) is expected
    assert Protocol.parse(spelling) is expected


@pytest.mark.parametrize(("protocol", "name", "number", "sg", "acl"), [
    (TCP, "tcp", 6, "tcp", "6"), (UDP, "udp", 17, "udp", "17"), (ICMP, "icmp", 1, "icmp", "1"),
    (ICMPV6, "icmpv6", 58, "icmpv6", "58"), (ALL, "all", -1, "-1", "-1"),
    (Protocol(47), "47", 47, "47", "47"),
])
def test_spellings_out(protocol, name, number, sg, acl):
    assert (str(protocol), protocol.number, int(protocol)) == (name, number, number)
    assert (protocol.ip_protocol, protocol.acl_protocol) == (sg, acl)
    assert repr(protocol) == f"Protocol({name!r})"


def test_kinds():
    assert [p for p in (ALL, ICMP, TCP, UDP, ICMPV6, Protocol(47)) if p.has_ports] == [TCP, UDP]
    assert [p for p in (ALL, ICMP, TCP, UDP, ICMPV6, Protocol(47)) if p.is_icmp] == [ICMP, ICMPV6]
    assert ALL.is_all and not Protocol(0).is_all


@pytest.mark.parametrize("bad", ["tpc", "", " tcp", "tcp ", "+6", "-01", "-2", "256", "1000", "6.0", "icmp6",
                                 "²", -2, 256, 6.0, True, None, b"6"])
def test_not_a_protocol_teaches(bad):
    with pytest.raises(ProtocolError, match=r"is not an IP protocol: ") as info:
        Protocol(bad)
    assert str(info.value) == f"{bad!r} is not an IP protocol: {EXPECTED}"
    assert isinstance(info.value, ValueError)


def test_from_number_takes_numbers_only():
    assert Protocol.from_number("6") is TCP and Protocol.from_number(17) is UDP
    assert Protocol.from_number("-1") is ALL and Protocol.from_number("06") is TCP
    for bad in ("udp", "all", "TCP", "256", "-2", ""):
        with pytest.raises(ProtocolError) as info:
            Protocol.from_number(bad)
        assert str(info.value) == f"{bad!r} is not an IP protocol number: expected -1 (all) or a number 0-255"


def test_frozen_and_interned():
    with pytest.raises(AttributeError):
        TCP._number = 17  # type: ignore[misc]
    assert Protocol(TCP) is TCP
    assert pickle.loads(pickle.dumps(TCP)) is TCP
    assert copy.copy(UDP) is UDP and copy.deepcopy(ALL) is ALL


def test_not_equal_to_its_spellings():
    # like ipaddress objects: a value, not a string or an int
    assert TCP != "tcp" and TCP != 6
    with pytest.raises(TypeError):
        _ = TCP < 7  # type: ignore[operator]


@given(numbers)
def test_round_trip_number(n):
    p = Protocol(n)
    assert p.number == n
    assert Protocol(str(n)) is p and Protocol(p.acl_protocol) is p and Protocol(p.ip_protocol) is p
    assert Protocol(str(p)) is p and Protocol(repr(p)[10:-2]) is p


@given(numbers, st.sampled_from([str.lower, str.upper, str.title, lambda s: s]), st.integers(0, 3))
def test_equal_across_spellings(n, case, zeros):
    p = Protocol(n)
    spellings = [n, str(n), case(str(p)), case(p.ip_protocol)]
    if n >= 0:
        spellings.append("0" * zeros + str(n))
    assert {Protocol(s) for s in spellings} == {p}
    assert len({hash(Protocol(s)) for s in spellings}) == 1


@given(protocol_values, protocol_values, protocol_values)
def test_ordering_is_total(a, b, c):
    assert sum((a < b, a == b, a > b)) == 1
    assert (a <= b) == (a < b or a == b) and (a >= b) == (a > b or a == b)
    if a <= b and b <= c:
        assert a <= c
    assert (a < b) == (a.number < b.number)


@given(st.text(max_size=8))
def test_any_text_parses_or_teaches(text):
    try:
        p = Protocol(text)
    except ProtocolError as e:
        assert str(e) == f"{text!r} is not an IP protocol: {EXPECTED}"
    else:
        assert -1 <= p.number <= 255
        assert text.lower() in (str(p), p.ip_protocol) or text.lstrip("0") in (str(p.number), "")
