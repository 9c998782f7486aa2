"""The PrivateLink candidate: service-style flows carried by AWS PrivateLink instead of routes.

When a flow is service-style (the rule ``vpclab advise`` applies; docs/advisor.md):

- an intent that needs traffic between VPCs (``expect: reachable``) whose destinations are
  instances of one VPC (the provider), on TCP and a given port, from sources in other VPCs of the
  provider's Region (the consumers) — what "Share your services through AWS PrivateLink"
  describes: the service behind a Network Load Balancer, each consumer reaching it through an
  interface endpoint in its own VPC
  (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html);
- one direction only: consumers create endpoints in their VPCs to connect to the provider's
  endpoint service (https://docs.aws.amazon.com/vpc/latest/privatelink/concepts.html), and the
  service sees the load balancer's addresses, not the consumers'
  (https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html): connections
  go from the consumer to the service, never back (AWS gives the provider no endpoint toward its
  consumers; vpclab's reading). So no intent may need a provider to reach one of its consumers.

The candidate is applicable when every intent that needs traffic between VPCs is service-style;
otherwise it is reported as not applicable, naming the intents it cannot carry (an
``expect: unreachable`` intent is carried by the absence of routes, as in the other candidates).

The design, over the VPCs without what joins them (:func:`~vpclab.advisor.candidates.strip`): per
service (a provider VPC and the instances the intents name there) an endpoint service in the
provider's account, acceptance not required, the consumers' accounts allowed, in front of a
Network Load Balancer in the targets' subnets (one per Availability Zone) with a TCP listener and
target group per port holding the instances — and the targets' security groups admit the load
balancer's subnets on the port (traffic through PrivateLink reaches the targets from the load
balancer's private addresses, never the client's). In each consumer VPC an interface endpoint
in the consumers' Availability Zones among the service's (an endpoint's subnets must be in zones
the service supports — CreateVpcEndpoint refuses others with InvalidParameter,
https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), with a
security group admitting the consumers' subnets on the port.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model.interfaces import Instance
from ..model.subnet import Subnet
from ..network.intents import Intent, members

if TYPE_CHECKING:
    from ..network.facade import Network

Topology = dict[str, Any]

DESIGN = "privatelink"


@dataclass
class Service:
    """One endpoint service of the candidate: a provider VPC's instances on some TCP ports."""

    name: str
    provider: str
    targets: tuple[str, ...]
    ports: list[int] = field(default_factory=list)
    #: consumer VPC → the subnets its consumers are in
    consumers: dict[str, set[str]] = field(default_factory=dict)

    def endpoint(self, vpc: str) -> str:
        """The name of ``vpc``'s interface endpoint to this service."""
        return f"{vpc}-to-{self.name}"


@dataclass
class Plan:
    """The services the intents ask for, which intents they carry (by index), and why the
    candidate is not applicable (empty when it is)."""

    services: list[Service] = field(default_factory=list)
    carried: dict[int, Service] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def _where(net: Network, spec: str) -> tuple[str | None, str | None]:
    """(VPC name, subnet name) of a selector member (None for internet, on-premises sites)."""
    res = net.world.get(spec)
    if res is None:
        return None, None
    vpc_id = getattr(res, "vpc_id", None)
    subnet_id = res.id if isinstance(res, Subnet) else getattr(res, "subnet_id", None)
    return (net.names.get(vpc_id) if vpc_id else None), (net.names.get(subnet_id) if subnet_id else None)


def plan(net: Network, intents: Sequence[Intent], doc: Topology) -> Plan:
    """Which intents are service-style, grouped into services; reasons when some are not."""
    vpcs = doc.get("vpcs") or {}
    out = Plan()
    edges: dict[tuple[str, str], str] = {}
    named: set[str] = set()
    wanted: list[tuple[int, Intent, str, tuple[str, ...], dict[str, set[str]]]] = []
    for k, intent in enumerate(intents):
        srcs = [(s, *_where(net, s)) for s in members(net, intent, intent.source, [])]
        dsts = [(d, *_where(net, d)) for d in members(net, intent, intent.destination, [])]
        src_vpcs = {v for _, v, _ in srcs if v}
        dst_vpcs = {v for _, v, _ in dsts if v}
        between = {(a, b) for a in src_vpcs for b in dst_vpcs if a != b}
        if not between or intent.expect == "unreachable":
            continue  # within one VPC or off AWS; or carried by the absence of routes
        for a, b in between:
            edges.setdefault((a, b), intent.title)
        why = _not_service_style(net, intent, srcs, dsts, dst_vpcs, vpcs, doc)
        if why:
            out.reasons.append(f"intent '{intent.title}' {why}")
            named.add(intent.title)  # reported: not named again below
            continue
        (provider,) = dst_vpcs
        consumers: dict[str, set[str]] = defaultdict(set)
        for _, v, sub in srcs:
            if v and v != provider and sub:
                consumers[v].add(sub)
        targets = tuple(sorted({net.names.get(d, d) for d, _, _ in dsts}))
        unnamed = [t for t in targets if t not in (vpcs[provider].get("instances") or {})]
        if unnamed:
            out.reasons.append(
                f"intent '{intent.title}' ends at {unnamed[0]}, which the topology does not name"
            )
            continue
        wanted.append((k, intent, provider, targets, consumers))
    both = [
        (a, b, title, edges[(b, a)])
        for (a, b), title in sorted(edges.items())
        if (b, a) in edges and a < b and not {title, edges[(b, a)]} <= named
    ]
    if both:
        a, b, there, back = both[0]
        more = f", and {len(both) - 1} more pair(s) of VPCs" if len(both) > 1 else ""
        out.reasons.append(
            f"traffic both ways between {a} and {b} ({a} → {b}: '{there}'; {b} → {a}: '{back}'){more}: "
            "PrivateLink carries connections the consumer opens, never the provider's"
        )
    if out.reasons:
        return out
    if not wanted:
        out.reasons.append("no intent needs a service in one VPC reached from others")
        return out
    by_key: dict[tuple[str, tuple[str, ...]], Service] = {}
    for k, intent, provider, targets, consumers in wanted:
        svc = by_key.get((provider, targets))
        if svc is None:
            n = sum(1 for s in by_key.values() if s.provider == provider)
            svc = by_key[(provider, targets)] = Service(
                f"{provider}-svc" + (f"-{n + 1}" if n else ""), provider, targets
            )
            out.services.append(svc)
        if intent.port not in svc.ports and intent.port is not None:
            svc.ports.append(intent.port)
        for v, subs in consumers.items():
            svc.consumers.setdefault(v, set()).update(subs)
        out.carried[k] = svc
    for svc in out.services:
        svc.ports.sort()
        zones = {_az(doc, svc.provider, t) for t in svc.targets}
        for v in sorted(svc.consumers):
            if not _endpoint_subnets(doc, v, svc.consumers[v], zones):
                out.reasons.append(
                    f"{v} has no subnet in the Availability Zones of {svc.name} ({', '.join(sorted(zones))}):"
                    " an interface endpoint's zones must be among the service's"
                )
    return out


def _not_service_style(
    net: Network,
    intent: Intent,
    srcs: list[tuple[str, str | None, str | None]],
    dsts: list[tuple[str, str | None, str | None]],
    dst_vpcs: set[str],
    vpcs: dict[str, Any],
    doc: Topology,
) -> str | None:
    """Why an intent that needs traffic between VPCs is not service-style (None when it is)."""
    if intent.expect == "only-via":
        return "asks for a path through a component (only-via): PrivateLink has no transit path"
    if intent.protocol != "tcp" or intent.port is None:
        return "is not TCP to a given port: a Network Load Balancer's PrivateLink listeners are TCP ports"
    if intent.ip_version == 6:
        return "is IPv6: the candidate's load balancers and endpoints are IPv4"
    if len(dst_vpcs) != 1 or any(v is None for _, v, _ in dsts):
        return "does not end at one VPC's service"
    if any(v is None for _, v, _ in srcs):
        return "starts outside the VPCs (internet or on-premises): an interface endpoint serves its own VPC"
    if not all(isinstance(net.world.get(d), Instance) for d, _, _ in dsts):
        return "ends at something that is not an instance (the load balancer's targets are instances)"
    (provider,) = dst_vpcs
    region = _region(doc, vpcs[provider])
    for _, v, _ in srcs:
        if v and v in vpcs and _region(doc, vpcs[v]) != region:
            return f"starts in {v}, in another Region than the service ({region})"
    return None


def _region(doc: Topology, vpc: dict[str, Any]) -> str:
    return str(vpc.get("region") or doc.get("region") or "us-east-1")


def _account(doc: Topology, vpc: dict[str, Any]) -> str:
    return str(vpc.get("account") or doc.get("account") or "123456789012")


def _az(doc: Topology, vpc: str, instance: str) -> str:
    spec = doc["vpcs"][vpc]
    return str(spec["subnets"][spec["instances"][instance]["subnet"]].get("az", ""))


def _endpoint_subnets(doc: Topology, vpc: str, used: set[str], zones: set[str]) -> list[str]:
    """One subnet per Availability Zone for ``vpc``'s endpoint: the consumers' own subnets in the
    service's zones, else the first IPv4 subnet of the VPC in one of them."""
    subnets = doc["vpcs"][vpc].get("subnets") or {}
    per_az: dict[str, str] = {}
    for name in sorted(used):
        az = str(subnets.get(name, {}).get("az", ""))
        if az in zones and subnets[name].get("cidr"):
            per_az.setdefault(az, name)
    if not per_az:
        for name, spec in sorted(subnets.items()):
            if spec.get("cidr") and str(spec.get("az", "")) in zones:
                per_az[str(spec.get("az"))] = name
                break
    return [per_az[az] for az in sorted(per_az)]


def build(doc: Topology, p: Plan) -> tuple[Topology, list[str]]:
    """The candidate's document over the stripped ``doc`` (a copy), and its notes."""
    doc = copy.deepcopy(doc)
    notes: list[str] = []
    vpcs = doc["vpcs"]
    services = doc.setdefault("endpoint_services", {})
    for svc in p.services:
        prov = vpcs[svc.provider]
        per_az: dict[str, str] = {}
        for t in svc.targets:
            sub = prov["instances"][t]["subnet"]
            per_az.setdefault(str(prov["subnets"][sub].get("az", "")), sub)
        nlb_subnets = [per_az[az] for az in sorted(per_az)]
        owner = _account(doc, prov)
        spec: dict[str, Any] = {
            "account": owner,
            "acceptance_required": False,
            "nlb": {"subnets": nlb_subnets, "listeners": list(svc.ports), "targets": list(svc.targets)},
        }
        if prov.get("region") and prov["region"] != doc.get("region"):
            spec["region"] = prov["region"]
        principals = sorted({_account(doc, vpcs[v]) for v in svc.consumers} - {owner})
        if principals:
            spec["allowed_principals"] = principals
        services[svc.name] = spec
        _admit_load_balancer(prov, svc, nlb_subnets, notes)
        zones = set(per_az)
        for v in sorted(svc.consumers):
            vpc = vpcs[v]
            sources = sorted(svc.consumers[v])
            group = f"{v}-to-{svc.name}-sg"
            vpc.setdefault("security_groups", {})[group] = {
                "description": f"tcp {' '.join(map(str, svc.ports))} to {svc.name} from the consumers in {v}",
                "ingress": [
                    {"protocol": "tcp", "port": port, "cidr": vpc["subnets"][s]["cidr"]}
                    for port in svc.ports
                    for s in sources
                    if vpc["subnets"][s].get("cidr")
                ],
            }
            vpc.setdefault("endpoints", {})[svc.endpoint(v)] = {
                "endpoint_service": svc.name,
                "subnets": _endpoint_subnets(doc, v, svc.consumers[v], zones),
                "groups": [group],
            }
    return doc, notes


def _admit_load_balancer(
    prov: dict[str, Any], svc: Service, nlb_subnets: list[str], notes: list[str]
) -> None:
    """The targets' security groups admit the load balancer's subnets on the service's ports (the
    targets see the load balancer's addresses, not the client's)."""
    groups: list[str] = []
    for t in svc.targets:
        named = prov["instances"][t].get("groups") or []
        if not named:
            notes.append(
                f"{t} is in its VPC's default security group: admit {', '.join(nlb_subnets)} on "
                f"{', '.join(map(str, svc.ports))} there for the load balancer"
            )
        groups += [g for g in named if g not in groups]
    for g in groups:
        spec = prov.setdefault("security_groups", {}).setdefault(g, {})
        rules = spec.setdefault("ingress", [])
        for port in svc.ports:
            for sub in nlb_subnets:
                rule = {"protocol": "tcp", "port": port, "cidr": prov["subnets"][sub]["cidr"]}
                if rule not in rules:
                    rules.append(rule)
