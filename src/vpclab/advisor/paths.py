"""What a flow's path costs: walk a trace's forward hops and charge what each component charges
(the rules and their AWS pages are listed in :mod:`vpclab.advisor.cost`)."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from decimal import Decimal
from ipaddress import ip_network
from typing import TYPE_CHECKING, Any

from ..model.endpoints import VpcEndpoint
from ..model.gateways import NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import LoadBalancer
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import ManagedPrefixList
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.world import World
from ..reach.result import Hop, Trace
from .bill import Bill, Charge
from .prices import PriceTable

if TYPE_CHECKING:
    from ..network.facade import Network


# -- usage: what a flow's path costs ---------------------------------------------------------------
def path_charges(net: Network, table: PriceTable, trace: Trace, gb: Decimal, flow: str) -> list[Charge]:
    """The charges for ``gb`` GB along ``trace``'s forward path (which must be reachable)."""
    return _Path(net, Bill(net, table), gb, flow).walk(trace.forward_hops)


class _Path:
    def __init__(self, net: Network, bill: Bill, gb: Decimal, flow: str) -> None:
        self.net, self.bill, self.gb, self.flow = net, bill, gb, flow
        #: where the data is: (AZ id, Region, the component) — None inside a transit gateway or off AWS
        self.at: tuple[str, str, Any] | None = None
        self.region: str | None = None

    def usage(
        self,
        res: Any,
        kind: str,
        price: str,
        why: str,
        *,
        region: str | None = None,
        vpc: str | None = None,
        account: str | None = None,
        quantity: Decimal | None = None,
    ) -> None:
        self.bill.add(
            "usage",
            res,
            kind,
            price,
            self.gb if quantity is None else quantity,
            why,
            region=region,
            vpc=vpc,
            account=account,
            flow=self.flow,
        )

    def walk(self, hops: Sequence[Hop]) -> list[Charge]:
        w = self.net.world
        inbound = bool(hops) and hops[0].component in (
            "customer-gateway",
            "virtual-interface",
            "internet-gateway",
        )
        for i, hop in enumerate(hops):
            res = w.get(hop.id)
            kind = hop.component
            if kind == "network-interface" and isinstance(res, NetworkInterface):
                self.arrive(res.subnet_id)
            elif kind == "nat-gateway" and isinstance(res, NatGateway):
                self.arrive(res.subnet_id, res)
                self.usage(res, kind, "nat_gateway.data_processed_gb", "NAT gateway processing")
            elif kind == "vpc-endpoint" and isinstance(res, VpcEndpoint):
                self.endpoint(res)
            elif kind == "load-balancer" and isinstance(res, LoadBalancer) and res.type == "network":
                self.usage(
                    res, kind, "network_load_balancer.nlcu_gb", "Network Load Balancer capacity (NLCU)"
                )
            elif kind == "transit-gateway" and isinstance(res, TransitGateway):
                self.transit_gateway(res, hops[i - 1] if i else None)
            elif kind == "transit-gateway-attachment" and isinstance(res, TransitGatewayAttachment):
                self.attachment_out(res, hops, i)
            elif kind == "vpc-peering-connection" and isinstance(res, VpcPeeringConnection):
                self.peering(res)
            elif kind == "internet-gateway" and not inbound and i == len(hops) - 1:
                self.leave(res, "data_transfer.internet_out_gb", "data transfer out to the internet")
            elif kind == "vpn-connection" and not inbound:
                self.leave(
                    res,
                    "data_transfer.internet_out_gb",
                    "data transfer out over Site-to-Site VPN (at the internet rate)",
                )
            elif kind == "virtual-interface" and not inbound:
                self.leave(
                    res,
                    "direct_connect.data_transfer_out_gb",
                    "data transfer out over Direct Connect",
                    region=self.region,
                )
        return self.bill.charges

    def arrive(self, subnet_id: str, res: Any = None) -> None:
        """The data is now in ``subnet_id``'s AZ (at ``res``, a NAT gateway or endpoint there, else the
        subnet itself): moving from another AZ of the Region costs both ways."""
        subnet = self.net.world.get(subnet_id, Subnet)
        if subnet is None:
            return
        res = res if res is not None else subnet
        here = (subnet.availability_zone_id, subnet.region, res)
        if self.at is not None and self.at[1] == here[1] and self.at[0] != here[0]:
            before = self.at[2]
            why = f"cross-AZ {self._name(before)} ({self.at[0]}) → {self._name(res)} ({here[0]})"
            self.usage(
                before,
                "data-transfer",
                "data_transfer.cross_az_gb",
                why + ": out",
                vpc=getattr(before, "vpc_id", None),
            )
            self.usage(
                res,
                "data-transfer",
                "data_transfer.cross_az_gb",
                why + ": in",
                vpc=getattr(res, "vpc_id", None),
            )
        self.at, self.region = here, subnet.region

    def endpoint(self, vpce: VpcEndpoint) -> None:
        if vpce.vpc_endpoint_type == "Gateway":
            self.usage(
                vpce, "vpc-endpoint", "vpc_endpoint.gateway_data_processed_gb", "gateway endpoint (free)"
            )
            self.at = None  # into the AWS service
            return
        subnets = [s for sid in vpce.subnet_ids if (s := self.net.world.get(sid, Subnet)) is not None]
        mine = [s for s in subnets if self.at is not None and s.availability_zone_id == self.at[0]]
        if mine or subnets:
            self.arrive((mine or subnets)[0].id, vpce)
        if vpce.vpc_endpoint_type == "GatewayLoadBalancer":
            self.usage(
                vpce,
                "vpc-endpoint",
                "gateway_load_balancer_endpoint.data_processed_gb",
                "Gateway Load Balancer endpoint processing",
            )
        else:
            self.usage(
                vpce,
                "vpc-endpoint",
                "vpc_endpoint.interface_data_processed_gb",
                "interface endpoint processing",
            )

    def transit_gateway(self, tgw: TransitGateway, before: Hop | None) -> None:
        att = self.net.world.get(before.id, TransitGatewayAttachment) if before is not None else None
        sender = att.resource_type if att is not None else "vpc"
        if att is not None and att.resource_type == "peering":
            self.usage(
                att,
                "transit-gateway-attachment",
                "transit_gateway.data_processed_from_peering_gb",
                f"into {self._name(tgw)} from a peering attachment (no processing charge)",
                region=tgw.region,
                vpc=None,
            )
        else:
            owner = (att.resource_owner_id or att.owner_id) if att is not None else tgw.owner_id
            vpc = att.resource_id if att is not None and att.resource_type == "vpc" else None
            self.usage(
                att if att is not None else tgw,
                "transit-gateway-attachment",
                "transit_gateway.data_processed_gb",
                f"into {self._name(tgw)} from a {sender} attachment",
                region=tgw.region,
                vpc=vpc,
                account=owner,
            )
        self.at, self.region = None, tgw.region

    def attachment_out(self, att: TransitGatewayAttachment, hops: Sequence[Hop], i: int) -> None:
        """A peering attachment leaving toward a transit gateway in another Region: the data leaves
        this Region (inter-Region transfer, charged by the sending Region)."""
        if att.resource_type != "peering" or i == 0 or hops[i - 1].component != "transit-gateway-route-table":
            return
        here = self.net.world.get(hops[i - 2].id, TransitGateway) if i >= 2 else None
        ids = {att.transit_gateway_id, att.peer_transit_gateway_id}
        there = next(
            (
                t
                for t in (self.net.world.get(x or "", TransitGateway) for x in ids)
                if t is not None and here is not None and t.id != here.id
            ),
            None,
        )
        if here is not None and there is not None and there.region != here.region:
            self.usage(
                att,
                "transit-gateway-attachment",
                "data_transfer.inter_region_gb",
                f"inter-Region {here.region} → {there.region} over {self._name(att)}",
                region=here.region,
                vpc=None,
                account=here.owner_id,
            )

    def peering(self, pcx: VpcPeeringConnection) -> None:
        if pcx.requester_region == pcx.accepter_region:
            if self.at is not None:
                self.usage(
                    pcx,
                    "vpc-peering-connection",
                    "vpc_peering.same_az_gb",
                    "VPC peering (free within one AZ; a cross-AZ hop is charged on arrival)",
                    region=pcx.requester_region,
                    vpc=None,
                )
            return
        sending = self.region or pcx.requester_region
        receiving = pcx.accepter_region if sending == pcx.requester_region else pcx.requester_region
        self.usage(
            pcx,
            "vpc-peering-connection",
            "data_transfer.inter_region_gb",
            f"inter-Region peering {sending} → {receiving}",
            region=sending,
            vpc=None,
        )
        self.at, self.region = None, receiving

    def leave(self, res: Any, price: str, why: str, *, region: str | None = None) -> None:
        if res is None:
            return
        self.usage(
            res,
            getattr(res, "KIND", "gateway").replace("_", "-"),
            price,
            why,
            region=region,
            vpc=getattr(res, "vpc_id", None),
        )
        self.at = None

    def _name(self, res: Any) -> str:
        return self.net.name(res.id) or res.id


# -- flows that share a trace ----------------------------------------------------------------------
class Classes:
    """Which ends trace alike, so flows between them share one trace (what makes costing 10,000 flows
    cheap): an interface (or an instance's primary interface) stands for every interface of its
    subnet with the same security groups, public address or not, type and source/destination check.

    That holds while nothing in the World distinguishes addresses inside a subnet: a route, network
    ACL entry, security group rule or prefix list entry for a network narrower than a subnet that
    contains it. The subnets where something does (:attr:`narrow`) keep one class per interface.
    """

    def __init__(self, net: Network) -> None:
        self.net = net
        self.narrow = narrow_subnets(net.world)

    def of(self, spec: str) -> Hashable:
        w = self.net.world
        res = w.get(spec)
        eni = None
        if isinstance(res, Instance) and res.network_interface_ids:
            eni = w.get(res.network_interface_ids[0], NetworkInterface)
        elif isinstance(res, NetworkInterface):
            eni = res
        if eni is None or eni.subnet_id in self.narrow:
            return spec
        public = bool(eni.public_ip) or (isinstance(res, Instance) and bool(res.public_ip_address))
        return (
            "eni",
            eni.subnet_id,
            frozenset(eni.groups),
            public,
            eni.interface_type,
            eni.source_dest_check,
            bool(eni.ipv6_addresses),
        )


def narrow_subnets(world: World) -> frozenset[str]:
    """Subnets that strictly contain a network some route, rule or prefix list entry names."""
    subnets: dict[tuple[int, int, int], str] = {}  # (version, network address, prefix length) → id
    lengths: set[tuple[int, int]] = set()
    for s in world.all(Subnet):
        for text in (s.cidr_block, s.ipv6_cidr_block):
            if text:
                n = ip_network(text)
                subnets[(n.version, int(n.network_address), n.prefixlen)] = s.id
                lengths.add((n.version, n.prefixlen))
    found: set[str] = set()
    shortest = {v: min((n for ver, n in lengths if ver == v), default=129) for v in (4, 6)}
    seen: set[str] = set()
    for text in _named_networks(world):
        if text in seen:
            continue
        seen.add(text)
        _, _, suffix = text.partition("/")
        if suffix.isdigit() and int(suffix) <= shortest[6 if ":" in text else 4]:
            continue  # as wide as every subnet or wider: it cannot fall inside one
        try:
            n = ip_network(text, strict=False)
        except ValueError:
            continue
        for version, length in lengths:
            if version == n.version and length < n.prefixlen:
                sid = subnets.get((version, int(n.supernet(new_prefix=length).network_address), length))
                if sid is not None:
                    found.add(sid)
    return frozenset(found)


def _named_networks(world: World) -> Iterator[str]:
    for rt in world.all(RouteTable):
        for r in rt.routes:
            yield from (x for x in (r.destination_cidr_block, r.destination_ipv6_cidr_block) if x)
    for tgw_rt in world.all(TransitGatewayRouteTable):
        for tr in tgw_rt.routes:
            if tr.destination_cidr_block:
                yield tr.destination_cidr_block
    for acl in world.all(NetworkAcl):
        for e in acl.entries:
            yield from (x for x in (e.cidr_block, e.ipv6_cidr_block) if x)
    for sg in world.all(SecurityGroup):
        for rule in (*sg.ingress, *sg.egress):
            yield from (x for x in (rule.cidr_ipv4, rule.cidr_ipv6) if x)
    for pl in world.all(ManagedPrefixList):
        for entry in pl.entries:
            yield entry.cidr
