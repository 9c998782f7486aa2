"""Turning what a user names (an id, an address, ``"internet"``, ``"s3:us-east-1"``) into an endpoint.

Accepted forms, as a source or a destination unless noted:

- ``eni-…`` a network interface; ``i-…`` an instance (its primary interface);
- ``subnet-…`` the subnet itself: a host at its first usable address that no interface holds (no
  security groups; a subnet has none); ``vpc-…`` likewise in the VPC's first subnet;
  ``subnet-…:10.0.1.5`` the address given (the interface there if any);
- an IPv4 address: as a source, the subnet holding it (``vpc-…:10.0.1.5`` when VPCs overlap; a
  public address is a host on the internet); as a destination, any address;
- ``internet``: a host on the internet (198.51.100.10, from TEST-NET-2);
- ``cgw-…`` a host on premises behind a customer gateway (the first address of its first network);
- ``tgw-attach-…`` and ``pcx-…`` (sources): traffic arriving through the attachment or peering;
- ``vpce-…`` (destinations) an interface endpoint: its network interface in the source's
  Availability Zone, else its first (an endpoint does not initiate connections);
- ``s3:us-east-1``, ``dynamodb:eu-west-1`` (destinations): the AWS service, by its AWS-managed
  prefix list;
- ``<id>:<address>`` picks the address for any of the above (``cgw-…:192.168.7.9``).

IPv6 (issue 9): an IPv6 address works wherever an IPv4 address does (``2600:1f18:…::10``,
``eni-…:2600:1f18:…::10``; a source address outside every subnet is a host on the internet: a VPC's
IPv6 addresses are global). A resource named without an address stands at its IPv4 address, as AWS
Reachability Analyzer does (it analyses IPv4 only); ask for ``family=6`` (``trace(...,
ip_version=6)``, ``vpclab trace --ipv6``) to take its IPv6 address instead: an interface's primary
IPv6 address (else its first), an instance's primary interface's, a subnet's first free usable
address of its /64 (AWS reserves the first four and the last of an IPv6 block too), ``internet`` the
host 2001:db8:ffff::10 (the documentation prefix, RFC 3849: never a real host). A flow is of one
family: naming an address of the other family on one side is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import ip_address, ip_network

from ..model.direct_connect import VirtualInterface, learned_cidrs
from ..model.endpoints import VpcEndpoint
from ..model.interfaces import Instance, NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import (
    AWS_MANAGED_SERVICES,
    aws_managed_prefix_list_id,
    aws_service_name,
    prefix_list_cidrs,
)
from ..model.regions import is_region
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGatewayAttachment
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, VpnConnection, first_network, site_networks
from .errors import AmbiguousAddressError, UnknownEndpointError, UnsupportedEndpointError
from .forwarding import ForwardingView, is_rfc1918

#: the internet host a trace uses for ``"internet"`` (TEST-NET-2, RFC 5737: never a real host)
INTERNET_HOST = "198.51.100.10"
#: the IPv6 internet host (the documentation prefix 2001:db8::/32, RFC 3849)
INTERNET_HOST6 = "2001:db8:ffff::10"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a flow starts or ends.

    ``kind``: ``interface`` | ``host`` (an address in a subnet without an interface) | ``address``
    (a destination known only by its address) | ``internet`` | ``on-premises`` | ``aws-service`` |
    ``tgw-attachment`` | ``peering``.
    """

    kind: str
    ip: str
    label: str
    vpc_id: str | None = None
    subnet: Subnet | None = None
    interface: NetworkInterface | None = None
    #: the customer gateway, attachment, peering connection or service name behind the endpoint
    component: str | None = None
    #: the subnet id a ``host`` endpoint stands for, when a subnet (or VPC) was named without an address
    stands_for: str | None = None


def first_usable(cidr: str) -> str:
    """The first address AWS lets a host use in a subnet (the first four are reserved), of either
    family."""
    net = ip_network(cidr)
    return str(net.network_address + (4 if net.num_addresses > 4 else 0))


def _block(subnet: Subnet, family: int, label: str) -> str:
    """The subnet's CIDR of ``family``; an error naming the subnet when it has none."""
    block = subnet.ipv6_cidr_block if family == 6 else subnet.cidr_block
    if not block:
        kind = "IPv6 /64" if family == 6 else "IPv4 CIDR block"
        raise UnsupportedEndpointError(f"{label}: {subnet.id} has no {kind}")
    return block


def free_usable(view: ForwardingView, subnet: Subnet, label: str, family: int = 4) -> str:
    """The first address a host could use in ``subnet`` that no interface holds: the address a
    subnet stands at as a source or destination, so it never borrows an interface's identity (its
    security groups, its source/destination check). AWS reserves the first four and the last
    address of a subnet ("Subnet CIDR blocks", Amazon VPC User Guide), IPv6 blocks included."""
    net = ip_network(_block(subnet, family, label))
    held = view.vpc(subnet.vpc_id).interfaces
    reserved_head = 4 if net.num_addresses > 4 else 0
    last = min(net.num_addresses - (1 if net.num_addresses > 4 else 0), reserved_head + len(held) + 1)
    for offset in range(reserved_head, last):
        ip = str(net.network_address + offset)
        if ip not in held:
            return ip
    raise UnsupportedEndpointError(
        f"{label}: every usable address of {subnet.id} ({net}) is held by an interface; "
        f"name one of them, or give an address"
    )


def _subnet_host(view: ForwardingView, subnet: Subnet, label: str, family: int = 4) -> Endpoint:
    """A subnet named without an address: a host at its first free usable address."""
    ip = free_usable(view, subnet, label, family)
    return Endpoint("host", ip, label, subnet.vpc_id, subnet, stands_for=subnet.id)


def first_host(cidr: str) -> str:
    net = ip_network(cidr)
    return str(net.network_address + (1 if net.num_addresses > 1 else 0))


def _ip(text: str) -> str | None:
    """``text`` as an address of either family in its canonical spelling, or None."""
    try:
        return str(ip_address(text))
    except ValueError:
        return None


def split_address(spec: str) -> tuple[str, str] | None:
    """``(head, address)`` of ``<id>:<address>`` (the address of either family), else None."""
    head, sep, tail = spec.partition(":")
    if sep and head and "-" in head and _ip(tail):
        return head, _ip(tail) or tail
    head, sep, tail = spec.rpartition(":")
    if sep and head and _ip(tail) and not _ip(spec):
        return head, _ip(tail) or tail
    return None


def spec_family(spec: str) -> int | None:
    """The address family an endpoint spec names explicitly (6 for ``2600::1`` or
    ``eni-…:2600::1``), or None when it names no address."""
    ip = _ip(spec.strip())
    if ip is None:
        pair = split_address(spec.strip())
        ip = pair[1] if pair is not None else None
    if ip is None:
        return None
    return 6 if ":" in ip else 4


def _in_subnet(view: ForwardingView, subnet: Subnet, ip: str, label: str) -> Endpoint:
    eni = view.interface_at(subnet.vpc_id, ip)
    if eni is not None:
        return Endpoint("interface", ip, label, subnet.vpc_id, subnet, eni)
    return Endpoint("host", ip, label, subnet.vpc_id, subnet)


def ipv6_only(view: ForwardingView, spec: str) -> bool:
    """Whether ``spec`` names, without an address, a resource that has no IPv4 address: an IPv6-only
    subnet (CreateSubnet ``Ipv6Native``), or an interface or instance in one. A flow from or to it
    is IPv6 unless asked otherwise."""
    res = view.world.get(spec.strip())
    if isinstance(res, Instance):
        res = view.primary_interface(res)
    if isinstance(res, NetworkInterface):
        return not res.has_ipv4 and bool(res.ipv6_addresses)
    return isinstance(res, Subnet) and res.cidr_block is None and res.ipv6_cidr_block is not None


def _interface(
    view: ForwardingView, eni: NetworkInterface, label: str, ip: str | None = None, family: int = 4
) -> Endpoint:
    subnet = view.world.get(eni.subnet_id, Subnet)
    if ip is None and family == 4 and not eni.has_ipv4:
        raise UnsupportedEndpointError(
            f"{label}: {eni.id} is in an IPv6-only subnet and has no IPv4 address; trace IPv6 "
            f"(ip_version=6, vpclab trace --ipv6; AWS Reachability Analyzer analyses IPv4 only)"
        )
    if ip is None and family == 6:
        v6 = eni.primary_ipv6_address or next(iter(eni.ipv6_addresses), None)
        if v6 is None:
            raise UnsupportedEndpointError(
                f"{label}: {eni.id} has no IPv6 address (assign one: assign-ipv6-addresses "
                f"--network-interface-id {eni.id} --ipv6-address-count 1), or trace IPv4"
            )
        ip = _ip(v6)
    return Endpoint("interface", ip or eni.private_ip_address, label, eni.vpc_id, subnet, eni)


def resolve(
    view: ForwardingView, spec: str, *, role: str, near: Endpoint | None = None, family: int = 4
) -> Endpoint:
    """The endpoint ``spec`` names. ``role`` is ``"source"`` or ``"destination"``; ``near`` the other end
    of the flow, when known (an interface endpoint is reached in its Availability Zone); ``family``
    the address family (4 or 6) a resource named without an address stands at.

    Raises UnknownEndpointError for names that match nothing, AmbiguousAddressError for a source
    address several VPCs hold, UnsupportedEndpointError for a kind that cannot play ``role``.
    """
    spec = spec.strip()
    if spec.lower() == "internet":
        return Endpoint("internet", INTERNET_HOST6 if family == 6 else INTERNET_HOST, spec)
    ip = _ip(spec)
    if ip is not None:
        return _address(view, ip, spec, role)
    pair = split_address(spec)
    if pair is not None:
        return _with_address(view, pair[0], pair[1], spec, role, near)
    service, sep, region = spec.partition(":")
    if sep and service.lower() in AWS_MANAGED_SERVICES:
        if role != "destination":
            raise UnsupportedEndpointError(f"{spec}: an AWS service can be a destination, not a source")
        if not is_region(region):
            raise UnknownEndpointError(f"{spec}: unknown Region {region!r} (expected e.g. s3:us-east-1)")
        name = aws_service_name(region, service.lower())
        cidrs = prefix_list_cidrs(view.world, aws_managed_prefix_list_id(region, service.lower()))
        if family == 6:
            raise UnsupportedEndpointError(f"{spec}: vpclab traces AWS services over IPv4 only")
        return Endpoint("aws-service", first_host(cidrs[0]), spec, component=name)
    return _by_id(view, spec, spec, role, near=near, family=family)


def _address(view: ForwardingView, ip: str, label: str, role: str) -> Endpoint:
    subnets = view.subnets_containing(ip)
    vpcs = sorted({s.vpc_id for s in subnets})
    if len(vpcs) > 1:
        if role == "destination":
            return Endpoint("address", ip, label)  # routing decides which VPC the packet reaches
        raise AmbiguousAddressError(
            f"{ip} is inside subnets of several VPCs ({', '.join(vpcs)}); "
            f'say which one, e.g. "{vpcs[0]}:{ip}"'
        )
    if subnets:
        return _in_subnet(view, subnets[0], ip, label)
    if role == "destination":
        return Endpoint("address", ip, label)
    if not is_rfc1918(ip):
        return Endpoint("internet", ip, label)
    raise UnknownEndpointError(
        f"{ip} is not inside any subnet; name a subnet, an interface, a customer "
        f'gateway (cgw-…:{ip}) or use "internet" for a host on the internet'
    )


def _with_address(
    view: ForwardingView, head: str, ip: str, label: str, role: str, near: Endpoint | None
) -> Endpoint:
    world = view.world
    if head.startswith("vpc-"):
        vpc = world.get(head, Vpc)
        if vpc is None:
            raise UnknownEndpointError(f"{label}: no VPC {head}")
        subnet = view.subnet_at(vpc.id, ip)
        if subnet is None:
            raise UnknownEndpointError(
                f"{label}: {ip} is not inside a subnet of {vpc.id} "
                f"(CIDRs {', '.join((*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks))})"
            )
        return _in_subnet(view, subnet, ip, label)
    return _by_id(view, head, label, role, ip, near)


def _by_id(
    view: ForwardingView,
    rid: str,
    label: str,
    role: str,
    ip: str | None = None,
    near: Endpoint | None = None,
    family: int = 4,
) -> Endpoint:
    world = view.world
    res = world.get(rid)
    if res is None:
        raise UnknownEndpointError(
            f"{label}: no resource {rid} in this World (expected an interface, instance, "
            f"subnet, VPC, customer gateway, virtual interface, attachment, peering connection, an IPv4 "
            f"or IPv6 "
            f'address, "internet" or a service such as "s3:us-east-1")'
        )
    if isinstance(res, NetworkInterface):
        if role == "source" and res.interface_type == "vpc_endpoint":
            raise UnsupportedEndpointError(
                f"{label}: an interface endpoint does not initiate connections "
                f"(AWS PrivateLink); use it as a destination"
            )
        return _interface(view, res, label, ip, family)
    if isinstance(res, VpcEndpoint):
        return _vpc_endpoint(view, res, label, role, ip, near)
    if isinstance(res, Instance):
        eni = view.primary_interface(res)
        if eni is None:
            raise UnknownEndpointError(f"{label}: instance {rid} has no network interface")
        return _interface(view, eni, label, ip, family)
    if isinstance(res, Subnet):
        return _in_subnet(view, res, ip, label) if ip else _subnet_host(view, res, label, family)
    if isinstance(res, Vpc):
        subnets = list(world.in_vpc(res.id, Subnet))
        if not subnets:
            raise UnknownEndpointError(f"{label}: VPC {rid} has no subnets")
        # the first subnet with a block of the flow's family
        subnets = [s for s in subnets if (s.ipv6_cidr_block if family == 6 else s.cidr_block)] or subnets
        return (
            _in_subnet(view, subnets[0], ip, label) if ip else _subnet_host(view, subnets[0], label, family)
        )
    if isinstance(res, CustomerGateway):
        # the networks AWS's configuration names behind it (VPN static routes, transit gateway static
        # routes to its VPN attachments), plus its optional vpclab:on-premises-cidrs tag
        network = first_network(site_networks(world, res), family)
        if ip is None and network is None:
            raise UnknownEndpointError(
                f"{label}: nothing names the IPv{family} networks behind customer gateway {rid} "
                f"(no static route of its VPN connections, no transit gateway static route to their "
                f"attachments, no tag vpclab:on-premises-cidrs); give an address, e.g. "
                f"{rid}:{'2001:db8:1::10' if family == 6 else '192.168.0.10'}"
            )
        return Endpoint("on-premises", ip or first_host(network or ""), label, component=res.id)
    if isinstance(res, VirtualInterface):
        # an on-premises site behind a Direct Connect virtual interface (its lab tag's networks)
        vif_cidrs = res.advertised_cidrs
        if ip is None and (family == 6 or not vif_cidrs):
            raise UnknownEndpointError(
                f"{label}: virtual interface {rid} names no on-premises networks "
                f"(tag vpclab:on-premises-cidrs); give an address, e.g. {rid}:192.168.0.10"
            )
        return Endpoint("on-premises", ip or first_host(vif_cidrs[0]), label, component=res.id)
    if isinstance(res, TransitGatewayAttachment) and role == "source":
        return Endpoint(
            "tgw-attachment", ip or _attachment_address(view, res, label, family), label, component=res.id
        )
    if isinstance(res, VpcPeeringConnection) and role == "source":
        return Endpoint("peering", ip or "", label, component=res.id)
    raise UnsupportedEndpointError(f"{label}: a {type(res).__name__} cannot be a {role}")


def _vpc_endpoint(
    view: ForwardingView, vpce: VpcEndpoint, label: str, role: str, ip: str | None, near: Endpoint | None
) -> Endpoint:
    """An interface endpoint as a destination: one of its network interfaces (AWS PrivateLink,
    "Access an AWS service using an interface VPC endpoint": one interface per subnet, i.e. per
    Availability Zone; reachable from the VPC and over peering, transit gateways and VPN). The
    interface in the source's AZ when it has one (what the endpoint's zonal DNS name, and a client
    using the regional name in that zone, reaches), else its first."""
    if vpce.vpc_endpoint_type != "Interface":
        raise UnsupportedEndpointError(
            f"{label}: a {vpce.vpc_endpoint_type} endpoint is a route target, not a host; trace to the "
            f'service instead (e.g. "{vpce.service_name.rsplit(".", 1)[-1]}:{vpce.region}")'
        )
    if role == "source":
        raise UnsupportedEndpointError(
            f"{label}: an interface endpoint does not initiate connections (AWS PrivateLink); "
            f"use it as a destination"
        )
    world = view.world
    enis = [e for e in (world.get(i, NetworkInterface) for i in vpce.network_interface_ids) if e is not None]
    if not enis:
        raise UnknownEndpointError(f"{label}: interface endpoint {vpce.id} has no network interfaces")
    if ip is not None:
        eni = next((e for e in enis if ip in e.private_ip_addresses), None)
        if eni is None:
            raise UnknownEndpointError(
                f"{label}: {ip} is not an address of {vpce.id} "
                f"({', '.join(e.private_ip_address for e in enis)})"
            )
    else:
        zone = near.subnet.availability_zone if near is not None and near.subnet is not None else None
        eni = next((e for e in enis if zone is not None and _zone_of(view, e) == zone), enis[0])
    return replace(_interface(view, eni, label, ip), component=vpce.id)


def _zone_of(view: ForwardingView, eni: NetworkInterface) -> str | None:
    subnet = view.world.get(eni.subnet_id, Subnet)
    return subnet.availability_zone if subnet is not None else None


def _attachment_address(
    view: ForwardingView, att: TransitGatewayAttachment, label: str, family: int = 4
) -> str:
    world = view.world
    if att.resource_type == "vpc" and att.subnet_ids:
        subnet = world.get(att.subnet_ids[0], Subnet)
        if subnet is not None:
            return first_usable(_block(subnet, family, label))
    if family == 6:
        raise UnknownEndpointError(
            f"{label}: say which IPv6 address the traffic comes from, e.g. {att.id}:2001:db8::10"
        )
    if att.resource_type == "vpn":
        vpn = world.get(att.resource_id, VpnConnection)
        cgw = world.get(vpn.customer_gateway_id, CustomerGateway) if vpn is not None else None
        network = first_network(site_networks(world, cgw)) if cgw is not None else None
        if network is not None:
            return first_host(network)
    if att.resource_type == "direct-connect-gateway":
        learned = learned_cidrs(world, att.resource_id)
        if learned:
            return first_host(learned[0])
    raise UnknownEndpointError(f"{label}: say which address the traffic comes from, e.g. {att.id}:10.9.0.10")
