"""Path-aware monthly cost: what the components cost to keep, and what each flow costs to carry.

Fixed charges come from the World (hours × price: transit gateway attachments, NAT gateways,
interface endpoints per Availability Zone, Network Load Balancers, VPN connections, Direct Connect
ports, public IPv4 addresses). Usage charges come from tracing each flow of a traffic file and
charging the components its forward path actually crosses (:func:`path_charges`); a flow that is
blocked is reported as blocked and costs nothing. Money is ``Decimal``; totals are rounded to the
cent (half up) only when shown.

AWS's pricing rules, each with the page that states it (docs/advisor.md lists them):

- Transit Gateway data processing is charged per GB sent *into* a transit gateway from a VPC,
  Direct Connect or VPN attachment, once per transit gateway crossed; not for data arriving from a
  peering attachment (https://aws.amazon.com/transit-gateway/pricing/).
- A peering attachment is billed on both transit gateways (each owner pays its side's hours).
- VPC peering: free within one Availability Zone; across AZs the in-Region transfer rate out of one
  AZ and into the other; across Regions the sending Region's inter-Region rate
  (https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/ec2/pricing/on-demand/).
- Within a VPC, traffic between AZs pays the same cross-AZ rate both ways.
- A NAT gateway charges processing on every GB, on top of any transit gateway processing
  (https://aws.amazon.com/vpc/pricing/).
- Interface endpoints charge per GB processed; gateway endpoints are free
  (https://aws.amazon.com/privatelink/pricing/).
- A Network Load Balancer charges by the hour and by capacity unit (NLCU); an NLCU is, for TCP,
  1 GB processed in an hour, so vpclab charges one NLCU-hour per GB it forwards (the bytes
  dimension only: connection counts are not known) (https://aws.amazon.com/elasticloadbalancing/pricing/).
- Data leaving AWS to the internet or over a Site-to-Site VPN pays data transfer out at the
  internet rate; over Direct Connect the Direct Connect rate; data in is free.

Where AWS's pricing pages are silent, vpclab says so and chooses: a hop through a transit gateway
carries no cross-AZ charge of its own (the pages price a transit gateway's traffic by processing
only); an interface endpoint is entered in the sender's AZ when it has a network interface there
(as zonal DNS names resolve), else in its first subnet's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model.direct_connect import DirectConnectConnection
from ..model.endpoints import VpcEndpoint
from ..model.gateways import Address, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import LoadBalancer
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment
from ..model.vpn import VpnConnection
from .bill import Bill, Charge, CostReport, FlowCost, cents
from .flows import Carrier
from .paths import path_charges
from .prices import PriceError, PriceTable
from .traffic import TrafficFlow

if TYPE_CHECKING:
    from ..network.facade import Network

#: states in which AWS bills a resource's hours (it exists and is, or is becoming, usable); an
#: attachment waiting for acceptance is not billed: "Hourly billing will also start when the Transit
#: Gateway owner accepts" (https://aws.amazon.com/transit-gateway/pricing/)
_BILLED = frozenset(
    {
        "available",
        "pending",
        "modifying",
        "initiatingRequest",
        "ordering",
        "requested",
        "down",
        "up",
    }
)
#: Direct Connect dedicated port speeds the price table names (bandwidth → price key suffix)
_PORTS = {"1Gbps": "1g", "10Gbps": "10g", "100Gbps": "100g", "400Gbps": "400g"}


# -- fixed: what the components cost to keep ------------------------------------------------------
def fixed_charges(net: Network, table: PriceTable) -> list[Charge]:
    """Hours × price for every component AWS bills by the hour, for a month."""
    w, bill = net.world, Bill(net, table)
    one = Decimal(1)
    for att in w.all(TransitGatewayAttachment):
        if att.state not in _BILLED:
            continue
        vpc = att.resource_id if att.resource_type == "vpc" else None
        owner = att.resource_owner_id or att.owner_id
        bill.add(
            "fixed",
            att,
            "transit-gateway-attachment",
            "transit_gateway.attachment_hour",
            one,
            f"{att.resource_type} attachment",
            vpc=vpc,
            account=owner,
        )
        peer = w.get(att.peer_transit_gateway_id or "", TransitGateway)
        if att.resource_type == "peering" and peer is not None:
            bill.add(
                "fixed",
                att,
                "transit-gateway-attachment",
                "transit_gateway.attachment_hour",
                one,
                "peering attachment, the peer transit gateway's side",
                region=peer.region,
                account=peer.owner_id,
            )
    for nat in w.all(NatGateway):
        if nat.state in _BILLED:
            bill.add(
                "fixed", nat, "nat-gateway", "nat_gateway.hour", one, f"{nat.connectivity_type} NAT gateway"
            )
    for vpce in w.all(VpcEndpoint):
        if vpce.state.lower() not in {s.lower() for s in _BILLED}:
            continue
        if vpce.vpc_endpoint_type == "Interface":
            zones = _zones(net, vpce.subnet_ids)
            bill.add(
                "fixed",
                vpce,
                "vpc-endpoint",
                "vpc_endpoint.interface_az_hour",
                Decimal(len(zones)),
                f"interface endpoint in {len(zones)} AZ(s): {', '.join(zones)}",
            )
        elif vpce.vpc_endpoint_type == "GatewayLoadBalancer":
            bill.add(
                "fixed",
                vpce,
                "vpc-endpoint",
                "gateway_load_balancer_endpoint.hour",
                one,
                "Gateway Load Balancer endpoint",
            )
        else:
            bill.add(
                "fixed", vpce, "vpc-endpoint", "vpc_endpoint.gateway_hour", one, "gateway endpoint (free)"
            )
    for lb in w.all(LoadBalancer):
        if lb.type == "network" and lb.state in ("active", "provisioning", "active_impaired"):
            bill.add("fixed", lb, "load-balancer", "network_load_balancer.hour", one, "Network Load Balancer")
    for vpn in w.all(VpnConnection):
        if vpn.state in _BILLED:
            bill.add(
                "fixed",
                vpn,
                "vpn-connection",
                "site_to_site_vpn.connection_hour",
                one,
                "Site-to-Site VPN connection",
            )
    for dx in w.all(DirectConnectConnection):
        if dx.connection_state in _BILLED:
            speed = _PORTS.get(dx.bandwidth.replace(" ", ""), dx.bandwidth.lower())
            bill.add(
                "fixed",
                dx,
                "direct-connect-connection",
                f"direct_connect.port_hour_{speed}",
                one,
                f"dedicated {dx.bandwidth} port",
            )
    eips = set()
    for a in w.all(Address):
        eips.add(a.public_ip)
        bill.add(
            "fixed",
            a,
            "elastic-ip",
            "public_ipv4.address_hour",
            one,
            f"Elastic IP {a.public_ip}",
            vpc=_vpc_of_address(net, a),
        )
    for inst in w.all(Instance):
        if (
            inst.public_ip_address
            and inst.public_ip_address not in eips
            and inst.state not in ("terminated", "shutting-down", "stopped")
        ):
            bill.add(
                "fixed",
                inst,
                "instance",
                "public_ipv4.address_hour",
                one,
                f"auto-assigned public IPv4 {inst.public_ip_address}",
            )
    return bill.charges


def _vpc_of_address(net: Network, a: Address) -> str | None:
    eni = net.world.get(a.network_interface_id or "", NetworkInterface)
    return eni.vpc_id if eni is not None else None


def _zones(net: Network, subnet_ids: Iterable[str]) -> list[str]:
    found = [s.availability_zone for sid in subnet_ids if (s := net.world.get(sid, Subnet)) is not None]
    return sorted(set(found))


# -- the whole report ------------------------------------------------------------------------------
def cost(
    net: Network,
    table: PriceTable,
    flows: Sequence[TrafficFlow] = (),
    via: Callable[[TrafficFlow, str, str], tuple[TrafficFlow, str]] | None = None,
) -> CostReport:
    """Fixed monthly charges plus every flow traced and charged along its path (PriceError when a
    component's Region or price is not in the table; IntentError when a flow names nothing).
    ``via`` says where a (flow, source, destination) is really sent — the PrivateLink candidate
    sends a consumer's flow to a service to its VPC's endpoint; by default, to the destination."""
    from ..core.source import Problem
    from ..network.intents import members
    from .traffic import TrafficError

    charges = fixed_charges(net, table)
    problems: list[Problem] = []
    plans = []
    for f in flows:
        intent = f.intent()
        srcs = members(net, intent, f.source, problems)
        dsts = members(net, intent, f.destination, problems)
        pairs = [(s, d) for s in srcs for d in dsts if s != d]
        if not pairs and not problems:
            problems.append(
                intent.problem(f"flow {f.title}: its sides have no pair of members to carry traffic")
            )
        plans.append((f, pairs))
    if problems:
        raise TrafficError(sorted(problems))
    results: list[FlowCost] = []
    carrier = Carrier(net, table, plans)
    for f, pairs in plans:
        share = f.gb / len(pairs) if f.spread == "even" else f.gb
        for s, d in pairs:
            sent, to = via(f, s, d) if via is not None else (f, d)
            flow, mine = carrier.carry(sent, s, to, share)
            results.append(flow)
            charges.extend(mine)
    return CostReport(tuple(charges), tuple(results), table.hours_per_month, tuple(table.sources))


__all__ = ["Charge", "CostReport", "FlowCost", "PriceError", "cents", "cost", "fixed_charges", "path_charges"]
