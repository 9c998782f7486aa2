"""The shape of a topology file, as pydantic models (extra keys forbidden).

docs/yaml.md documents every key with examples; ``Topology.model_json_schema()`` is what
``vpclab schema`` prints for editors. Resources are keyed by NAME; names are unique across the
whole file, so one name means one resource (the reachability engine traces by name).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from ..model.route_table import YAML_TARGETS

#: a resource name: letters, digits, ".", "_" and "-" (no ":" — it separates a route target's kind)
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]


def _account(value: Any) -> Any:
    # YAML reads an unquoted 123456789012 as an int; account ids are always 12 digits
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:012d}"
    return value


#: a friendly account name from ``accounts:`` or a 12-digit account id
AccountRef = Annotated[str, BeforeValidator(_account)]
Tags = dict[str, str]
#: a port (443), a range ("1024-65535") or absent (all ports)
Ports = int | str | None
Protocol = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def _exactly_one(self, fields: tuple[str, ...], message: str) -> None:
        """Raise ``message`` unless exactly one of ``fields`` is given (not None)."""
        if sum(getattr(self, k) is not None for k in fields) != 1:
            raise ValueError(message)


class Placed(Spec):
    """Where a resource lives (defaults: the file's ``account`` and ``region``) and its tags."""

    account: AccountRef | None = None
    region: str | None = None
    tags: Tags = Field(default_factory=dict)


class Owned(Spec):
    """A resource inside a VPC: its Region is the VPC's; its account defaults to the VPC's."""

    account: AccountRef | None = None
    tags: Tags = Field(default_factory=dict)


# -- inside a VPC ------------------------------------------------------------------------------
class SubnetSpec(Owned):
    cidr: str | None = Field(None, description="the IPv4 CIDR block; absent for an IPv6-only subnet "
                                               "(give ipv6)")
    az: str | None = Field(None, description="Availability Zone name (us-east-1a) or id (use1-az1)")
    public: bool = Field(False, description="map_public_ip_on_launch")
    ipv6: Annotated[int, Field(ge=0, le=255)] | str | None = Field(
        None, description="the subnet's IPv6 /64: its index 0–255 within the VPC's /56 (0 is the /56's "
                          "first /64), or an explicit /64 CIDR")
    assign_ipv6: bool = Field(False, description="AssignIpv6AddressOnCreation: launches get an IPv6 address")
    dns64: bool = Field(False, description="EnableDns64")
    cidr_reservations: dict[str, Literal["prefix", "explicit"]] = Field(
        default_factory=dict,
        description="subnet CIDR reservations: an IPv4 or IPv6 CIDR inside the subnet → its type "
                    "(prefix | explicit); automatic addressing skips them")

    @model_validator(mode="after")
    def _some_block(self) -> SubnetSpec:
        if self.cidr is None and self.ipv6 is None:
            raise ValueError("a subnet needs cidr (IPv4), ipv6, or both; ipv6 without cidr is an IPv6-only "
                             "subnet")
        return self

    @property
    def ipv6_native(self) -> bool:
        """An IPv6-only subnet (CreateSubnet ``Ipv6Native``): ``ipv6`` and no ``cidr``."""
        return self.cidr is None


class RouteTableSpec(Owned):
    main: bool = Field(False, description="this is the VPC's main route table (not a new one)")
    subnets: list[Name] = Field(default_factory=list)
    routes: dict[str, str] = Field(
        default_factory=dict,
        description="destination (IPv4 or IPv6 CIDR, or pl:NAME) → target: "
                    + ", ".join(["igw", "eigw", "vgw", *(f"{k}:N" for k in YAML_TARGETS)]))
    propagate_vgw: bool = Field(False, description="EnableVgwRoutePropagation from the VPC's VPN gateway")
    edge: Literal["igw", "vgw"] | None = Field(
        None, description="edge association (ingress routing) with the VPC's internet gateway or VPN "
                          "gateway: routes may then only target vpce:N (a Gateway Load Balancer endpoint) "
                          "or eni:N for destinations inside the VPC")


class SgRule(Spec):
    protocol: Protocol = Field("all", description="tcp, udp, icmp, all, or a protocol number")
    port: Ports = Field(None, description="443 or '1024-65535' (tcp/udp); absent means all")
    cidr: str | None = Field(None, description="an IPv4 or IPv6 CIDR (IpRanges / Ipv6Ranges)")
    prefix_list: Name | None = None
    group: Name | None = Field(None, description="a security group name")
    description: str | None = None

    @model_validator(mode="after")
    def _one_peer(self) -> SgRule:
        self._exactly_one(("cidr", "prefix_list", "group"),
                          "a rule needs exactly one of cidr, prefix_list or group")
        return self


class SecurityGroupSpec(Owned):
    description: str | None = None
    default: bool = Field(False, description="this is the VPC's default group (rules are added to it)")
    replace_rules: bool = Field(False, description="with default: AWS's default rules are revoked first, "
                                                   "so the group has exactly the listed ones (Terraform's "
                                                   "aws_default_security_group)")
    ingress: list[SgRule] = Field(default_factory=list)
    egress: list[SgRule] | None = Field(
        None, description="when given, replaces AWS's default allow-all egress rule")


class AclRule(Spec):
    action: Literal["allow", "deny"]
    protocol: Protocol = "all"
    port: Ports = None
    cidr: str = Field("0.0.0.0/0", description="an IPv4 or IPv6 CIDR (CidrBlock / Ipv6CidrBlock)")
    icmp_type: int | None = None
    icmp_code: int | None = None


class NetworkAclSpec(Owned):
    default: bool = Field(False, description="this is the VPC's default ACL (rules are added to it)")
    replace_rules: bool = Field(False, description="with default: AWS's default allow rules (100, and 101 "
                                                   "for IPv6) are deleted first, so the ACL has exactly the "
                                                   "listed ones (Terraform's aws_default_network_acl)")
    subnets: list[Name] = Field(default_factory=list)
    ingress: dict[int, AclRule] = Field(default_factory=dict, description="rule number → rule")
    egress: dict[int, AclRule] = Field(default_factory=dict, description="rule number → rule")


class NatGatewaySpec(Owned):
    subnet: Name
    connectivity: Literal["public", "private"] = "public"
    private_ip: str | None = None


class InterfaceSpec(Owned):
    subnet: Name
    groups: list[Name] = Field(default_factory=list)
    private_ip: str | None = None
    elastic_ip: Name | None = Field(None, description="an elastic_ips name to associate")
    source_dest_check: bool = True
    description: str | None = None
    ipv6: Annotated[int, Field(ge=0)] | list[str] | None = Field(
        None, description="IPv6 addresses from the subnet's /64: a count, or the addresses")


class InstanceSpec(InterfaceSpec):
    image: str = Field("al2023",
                       description="an ami- id, or a catalogue name prefix: al2023, ubuntu, Windows")
    type: str = "t3.micro"
    public_ip: bool | None = Field(
        None, description="auto-assign a public IPv4 address (default: the subnet's)")


class EndpointSpec(Owned):
    service: str | None = Field(None, description="s3, dynamodb or a full service name")
    endpoint_service: Name | None = Field(None, description="an endpoint_services name (PrivateLink)")
    type: Literal["gateway", "interface", "gateway_load_balancer"] | None = Field(
        None, description="default: gateway for s3/dynamodb, interface for others, gateway_load_balancer "
                          "for an endpoint service with a gwlb")
    route_tables: list[Name] = Field(default_factory=list)
    subnets: list[Name] = Field(default_factory=list)
    groups: list[Name] = Field(default_factory=list)
    private_dns: bool = False
    accept: bool = Field(True, description="the service's provider accepts the connection")
    ip_address_type: Literal["ipv4", "dualstack", "ipv6"] | None = Field(
        None, description="IpAddressType (default ipv4); dualstack needs subnets with IPv6 blocks")
    dns_record_ip_type: Literal["ipv4", "dualstack", "ipv6", "service-defined"] | None = Field(
        None, description="DnsOptions.DnsRecordIpType (default: the IP address type)")

    @model_validator(mode="after")
    def _one_service(self) -> EndpointSpec:
        self._exactly_one(("service", "endpoint_service"),
                          "an endpoint needs exactly one of service or endpoint_service")
        return self


class DhcpOptionsSpec(Spec):
    """A DHCP options set for one VPC (CreateDhcpOptions, then AssociateDhcpOptions)."""

    domain_name: str | None = None
    domain_name_servers: list[str] | None = Field(
        None, description="AmazonProvidedDNS or up to four IP addresses")
    ntp_servers: list[str] | None = Field(None, description="up to four IP addresses")
    netbios_name_servers: list[str] | None = Field(None, description="up to four IP addresses")
    netbios_node_type: Literal[1, 2, 4, 8] | None = None
    ipv6_address_preferred_lease_time: int | None = Field(
        None, description="seconds, 140 to 2147483647")


class VpcSpec(Placed):
    cidr: str | None = None
    cidrs: list[str] | None = Field(None, description="primary first, then secondary CIDR blocks")
    dns_hostnames: bool | None = None
    network_address_usage_metrics: bool | None = Field(
        None, description="ModifyVpcAttribute EnableNetworkAddressUsageMetrics")
    dhcp_options: DhcpOptionsSpec | None = Field(
        None, description="a DHCP options set for the VPC, named VPC/dhcp-options (default: the Region's)")
    ipv6: Literal["amazon"] | None = Field(None, description="amazon: an Amazon-provided IPv6 /56")
    internet_gateway: bool | Name | None = Field(None, description="true, or the gateway's name")
    egress_only_internet_gateway: bool | None = Field(
        None, description="true: an egress-only internet gateway for IPv6 egress (named VPC/eigw)")
    subnets: dict[Name, SubnetSpec] = Field(default_factory=dict)
    route_tables: dict[Name, RouteTableSpec] = Field(default_factory=dict)
    security_groups: dict[Name, SecurityGroupSpec] = Field(default_factory=dict)
    network_acls: dict[Name, NetworkAclSpec] = Field(default_factory=dict)
    nat_gateways: dict[Name, NatGatewaySpec] = Field(default_factory=dict)
    network_interfaces: dict[Name, InterfaceSpec] = Field(default_factory=dict)
    instances: dict[Name, InstanceSpec] = Field(default_factory=dict)
    endpoints: dict[Name, EndpointSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_cidr(self) -> VpcSpec:
        if (self.cidr is None) == (self.cidrs is None) or self.cidrs == []:
            raise ValueError("a VPC needs exactly one of cidr or cidrs (a non-empty list)")
        return self

    @property
    def cidr_blocks(self) -> list[str]:
        return [self.cidr] if self.cidr is not None else list(self.cidrs or [])


# -- top level ---------------------------------------------------------------------------------
class ElasticIpSpec(Placed):
    pass


class PrefixListSpec(Placed):
    entries: list[str] = Field(default_factory=list)
    max_entries: int | None = None


class PeeringSpec(Spec):
    requester: Name
    accepter: Name
    accept: bool = Field(True, description="accept as the accepter's account, in its Region")
    tags: Tags = Field(default_factory=dict)


class TgwOptions(Spec):
    amazon_side_asn: int | None = None
    default_route_table_association: bool = True
    default_route_table_propagation: bool = True
    auto_accept_shared_attachments: bool = False
    dns_support: bool = True
    vpn_ecmp_support: bool = True


class TgwAttachmentSpec(Spec):
    vpc: Name | None = None
    subnets: list[Name] = Field(default_factory=list, description="one subnet per Availability Zone")
    appliance_mode: bool = False
    ipv6: bool = Field(False, description="Ipv6Support: the VPC's IPv6 blocks propagate, IPv6 crosses "
                                          "(its subnets need IPv6 blocks)")
    peer: Name | None = Field(None, description="a transit gateway name: a peering attachment")
    accept: bool = True
    tags: Tags = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> TgwAttachmentSpec:
        self._exactly_one(("vpc", "peer"), "an attachment needs exactly one of vpc or peer")
        return self


class TgwRouteTableSpec(Spec):
    default: bool = Field(False, description="the transit gateway's default route table (not a new one)")
    associations: list[Name] = Field(default_factory=list)
    propagations: list[Name] = Field(default_factory=list)
    routes: dict[str, str] = Field(default_factory=dict, description="CIDR → attachment name or blackhole")
    tags: Tags = Field(default_factory=dict)


class TransitGatewaySpec(Placed):
    description: str | None = None
    options: TgwOptions = Field(default_factory=TgwOptions)
    attachments: dict[Name, TgwAttachmentSpec] = Field(default_factory=dict)
    route_tables: dict[Name, TgwRouteTableSpec] = Field(default_factory=dict)


class NlbSpec(Spec):
    subnets: list[Name]
    listeners: list[int] = Field(default_factory=lambda: [443])
    targets: list[Name] = Field(default_factory=list, description="instance names")
    ip_address_type: Literal["ipv4", "dualstack"] = Field(
        "ipv4", description="dualstack: subnets with IPv6 blocks; each interface gets an IPv6 address")
    cross_zone: bool = Field(False, description="load_balancing.cross_zone.enabled: each node also sends "
                                                "to targets in other zones")
    groups: list[Name] = Field(default_factory=list, description="the load balancer's security groups")
    enforce_private_link_inbound_rules: bool = Field(
        True, description="with groups: their inbound rules apply to PrivateLink traffic (AWS's default)")


IpAddressType = Literal["ipv4", "ipv6"]


def _ipv4_only() -> list[IpAddressType]:
    return ["ipv4"]


class GwlbSpec(Spec):
    """A Gateway Load Balancer (``NAME-gwlb``), its GENEVE target group (``NAME-appliances``, port
    6081) and its listener."""

    subnets: list[Name] = Field(description="one subnet per Availability Zone (the appliance VPC's)")
    targets: list[Name] = Field(default_factory=list, description="appliance instance names")
    cross_zone: bool = Field(False, description="load_balancing.cross_zone.enabled (off by default, as AWS)")
    health_check_port: int | None = Field(None, description="the appliances' health check port (default 80)")


class EndpointServiceSpec(Placed):
    nlb: NlbSpec | None = Field(None, description="a network load balancer: an Interface (PrivateLink) "
                                                  "service")
    gwlb: GwlbSpec | None = Field(None, description="a Gateway Load Balancer: a GatewayLoadBalancer service, "
                                                    "used through endpoints of type gateway_load_balancer")
    acceptance_required: bool = False
    allowed_principals: list[AccountRef] = Field(default_factory=list)
    supported_ip_address_types: list[IpAddressType] = Field(
        default_factory=_ipv4_only, description="ipv6 needs a dualstack nlb")

    @model_validator(mode="after")
    def _one_load_balancer(self) -> EndpointServiceSpec:
        self._exactly_one(("nlb", "gwlb"), "an endpoint service needs exactly one of nlb or gwlb")
        return self


class CustomerGatewaySpec(Placed):
    ip: str
    asn: int = 65000
    on_premises_cidrs: list[str] = Field(default_factory=list)
    device_name: str | None = None


class VpnGatewaySpec(Placed):
    vpc: Name | None = None
    amazon_side_asn: int | None = None


class VpnConnectionSpec(Placed):
    customer_gateway: Name
    vpn_gateway: Name | None = None
    transit_gateway: Name | None = None
    routing: Literal["bgp", "static"] = "bgp"
    static_routes: list[str] = Field(default_factory=list,
                                     description="with a VPN gateway and routing: static")

    @model_validator(mode="after")
    def _one_gateway(self) -> VpnConnectionSpec:
        self._exactly_one(("vpn_gateway", "transit_gateway"),
                          "a VPN connection needs exactly one of vpn_gateway or transit_gateway")
        if self.static_routes and self.routing != "static":
            raise ValueError("static_routes need routing: static")
        return self


class VirtualInterfaceSpec(Placed):
    type: Literal["transit", "private"] = Field("transit", description="transit (to a transit gateway "
                                                "association) or private (to a VPN gateway association)")
    location: str = Field("EqDC2", description="the Direct Connect location of its connection")
    bandwidth: Literal["1Gbps", "10Gbps", "100Gbps", "400Gbps"] = "10Gbps"
    vlan: int
    asn: int = Field(65000, description="the customer router's BGP ASN")
    on_premises_cidrs: list[str] = Field(default_factory=list,
                                         description="what the customer router advertises over BGP")
    bgp: Literal["up", "down"] = Field("up", description="down: a BGP failover test holds the session down "
                                                         "(its routes are withdrawn)")


class DirectConnectGatewaySpec(Placed):
    amazon_side_asn: int = 64512
    associations: dict[Name, list[str]] = Field(
        default_factory=dict, description="transit gateway or VPN gateway name → allowed prefixes")
    virtual_interfaces: dict[Name, VirtualInterfaceSpec] = Field(default_factory=dict)


class ShareSpec(Placed):
    resources: list[Name] = Field(description="subnet, transit gateway or prefix list names")
    principals: list[AccountRef]
    allow_external_principals: bool = True


class Settings(Spec):
    quotas: Literal["maximum", "default", "lab", "aws-default"] = "maximum"
    seed: int = Field(0, description="seed for resource ids (the same file always gets the same ids)")


class Topology(Spec):
    """A vpclab network. See docs/yaml.md."""

    account: AccountRef | None = None
    region: str | None = None
    accounts: dict[Name, AccountRef] = Field(default_factory=dict)
    # a pydantic model's constructor fits both of Field's default_factory overloads, so mypy infers
    # Never; Settings() with no arguments is the intended default
    settings: Settings = Field(default_factory=Settings)  # type: ignore[arg-type]
    vpcs: dict[Name, VpcSpec] = Field(default_factory=dict)
    elastic_ips: dict[Name, ElasticIpSpec] = Field(default_factory=dict)
    prefix_lists: dict[Name, PrefixListSpec] = Field(default_factory=dict)
    peerings: dict[Name, PeeringSpec] = Field(default_factory=dict)
    transit_gateways: dict[Name, TransitGatewaySpec] = Field(default_factory=dict)
    endpoint_services: dict[Name, EndpointServiceSpec] = Field(default_factory=dict)
    customer_gateways: dict[Name, CustomerGatewaySpec] = Field(default_factory=dict)
    vpn_gateways: dict[Name, VpnGatewaySpec] = Field(default_factory=dict)
    vpn_connections: dict[Name, VpnConnectionSpec] = Field(default_factory=dict)
    direct_connect_gateways: dict[Name, DirectConnectGatewaySpec] = Field(default_factory=dict)
    shares: dict[Name, ShareSpec] = Field(default_factory=dict)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a topology file (for editors: yaml-language-server and the like)."""
    schema = Topology.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vpclab topology"
    return schema
