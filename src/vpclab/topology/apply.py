"""Applying a resolved plan through the ControlPlane, in one written-down order.

Every change goes through an EC2 action, as the resource's account in its Region, so a YAML file
meets exactly the rules (and errors) a boto3 client meets. An action that fails is a Problem at
the resource's line ("peering app-db: VpcPeeringConnectionAlreadyExists: ..."); whatever
depends on the failed resource is skipped (its id is missing), everything else still runs, so
one load reports every independent error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..control import ControlPlane
from ..core.errors import AwsError
from ..core.source import Loc
from ..model.world import Settings, World
from ..network import Network
from .resolve import Decl, Plan

#: an AWS-style resource id inside an error message (or a UUID: Direct Connect gateways, associations)
_ID = re.compile(r"\b(?:[a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17}|[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})\b")


class Applier:
    """The state of one apply: the World being built, names → ids so far, and problems found."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        settings = plan.topo.settings
        self.world = World(seed=settings.seed, settings=Settings(quotas=settings.quotas))
        self.net = Network(self.world, plan.source.file, accounts=dict(plan.accounts))
        self._planes: dict[tuple[str, str], ControlPlane] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def cp(self, account: str, region: str) -> ControlPlane:
        key = (account, region)
        if key not in self._planes:
            self._planes[key] = ControlPlane(self.world, account_id=account, region=region)
        return self._planes[key]

    def call(self, d: Decl, action: str, loc: Loc | None = None, /, *, account: str | None = None,
             region: str | None = None, what: str | None = None, **params: Any) -> Any:
        """Run one action as ``account`` in ``region`` (default: the resource's); None if it failed.

        A failure is a Problem at ``loc`` (a path below the resource's own place in the file)."""
        cp = self.cp(account or d.account, region or d.region)
        if not cp.has_action(action):
            self.plan.problem(d.loc + (loc or ()), f"{what or d.label}: vpclab cannot do this yet "
                                            f"(the ControlPlane has no action {action})", key=True)
            return None
        try:
            return cp.call(action, params)
        except AwsError as err:
            label = what or d.label
            text = f"{label}: {err.code}: {err.message}{self.named(err.message)}"
            self.plan.problem(d.loc + (loc or ()), text, code=err.code, key=True)
        return None

    def named(self, message: str) -> str:
        """" (subnet-0ab… is web)" for every id in an AWS message that the file named."""
        found = [f"{rid} is {self.net.names[rid]}" for rid in dict.fromkeys(_ID.findall(message))
                 if rid in self.net.names]
        return f" ({'; '.join(found)})" if found else ""

    def id(self, name: str | None) -> str | None:
        return self.net.ids.get(name) if name is not None else None

    def ids(self, names: list[str]) -> list[str] | None:
        """The ids of all ``names``, or None when any of them failed earlier (the caller skips)."""
        found = [self.net.ids.get(n) for n in names]
        return None if any(i is None for i in found) else [i for i in found if i is not None]

    def keep(self, name: str, res: Any) -> str | None:
        if res is None:
            return None
        rid = res if isinstance(res, str) else res.id
        self.net.add(name, rid)
        return rid

    def tags(self, name: str, tags: dict[str, str]) -> dict[str, str]:
        """The resource's tags: its name as the ``Name`` tag (as the console shows it), then the file's."""
        return {"Name": name, **tags}

    def each(self, kind: str, fn: Callable[[Applier, Decl], None]) -> None:
        for d in self.plan.of(kind):
            fn(self, d)

    def account_id(self, ref: str) -> str:
        return self.plan.accounts.get(ref, ref)


def apply(plan: Plan) -> Network:
    """Build the World the plan describes. The order is AWS's dependency order, written once here."""
    from . import apply_links as links
    from . import apply_vpc as vpc

    a = Applier(plan)
    a.each("vpc", vpc.create_vpc)                       # VPCs, secondary CIDRs, DNS hostnames
    a.each("subnet", vpc.create_subnet)                 # subnets (public → map_public_ip_on_launch)
    a.each("vpc", vpc.create_internet_gateway)          # internet gateways, attached
    a.each("prefix_list", vpc.create_prefix_list)       # customer-managed prefix lists
    a.each("elastic_ip", vpc.allocate_address)          # Elastic IPs
    a.each("transit_gateway", links.create_transit_gateway)  # transit gateways (+ default route table)
    a.each("share", links.create_share)                 # RAM shares: subnets, TGWs, prefix lists
    a.each("security_group", vpc.create_security_group)  # security groups, then their rules
    a.each("security_group", vpc.authorize_rules)
    a.each("network_acl", vpc.create_network_acl)       # network ACLs: entries, subnet associations
    a.each("route_table", vpc.create_route_table)       # route tables and subnet associations
    a.each("peering", links.create_peering)             # peerings, accepted by the accepter
    a.each("security_group", lambda a, d: vpc.authorize_rules(a, d, remote=True))  # a peer VPC's groups
    a.each("customer_gateway", links.create_customer_gateway)
    a.each("vpn_gateway", links.create_vpn_gateway)     # VPN gateways, attached to their VPC
    a.each("tgw_route_table", links.create_tgw_route_table)
    a.each("tgw_attachment", links.create_tgw_attachment)  # VPC and peering attachments, accepted
    a.each("vpn_connection", links.create_vpn_connection)  # VPN connections (+ static routes)
    a.each("direct_connect_gateway", links.create_direct_connect_gateway)  # + associations (TGW attachments)
    a.each("virtual_interface", links.create_virtual_interface)  # connection + VIF (+ BGP failover test)
    a.each("tgw_route_table", links.fill_tgw_route_table)  # associations, propagations, routes
    a.each("nat_gateway", vpc.create_nat_gateway)       # NAT gateways, each with a new Elastic IP
    a.each("network_interface", vpc.create_network_interface)
    a.each("instance", vpc.run_instance)
    a.each("endpoint_service", links.create_endpoint_service)  # NLB + endpoint service
    a.each("endpoint", links.create_endpoint)           # gateway and interface endpoints (accepted)
    a.each("route_table", vpc.create_routes)            # routes and VGW route propagation
    return a.net
