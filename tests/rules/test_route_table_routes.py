"""Route rules (CreateRoute, ReplaceRoute, DeleteRoute, route state). AWS docs: Amazon VPC User
Guide, "Configure route tables"
(https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html) and the EC2 API reference.

Resources of other families (peering connections, endpoints, interfaces, instances) are put into the
World directly here, so these tests exercise only the route rules.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import ACCOUNT_A, ACCOUNT_B, raises_aws, unchanged
from tests.rules.routing_setup import REGION, main_table, make_net, put_eni, table
from vpclab.model.endpoints import VpcEndpoint
from vpclab.model.interfaces import Instance
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.prefix_lists import ManagedPrefixList, PrefixListEntry, aws_managed_prefix_list_id
from vpclab.model.route_table import route_state


@pytest.fixture
def net(cp):
    """A VPC 10.0.0.0/16 with subnet 10.0.1.0/24, a custom route table and an attached internet gateway."""
    return make_net(cp)


def put_pcx(world, vpc_a, vpc_b, status="pending-acceptance") -> VpcPeeringConnection:
    return world.put(VpcPeeringConnection(
        id=world.ids.new("vpc_peering_connection"), owner_id=ACCOUNT_A, region=REGION,
        requester_vpc_id=vpc_a.id, requester_owner_id=ACCOUNT_A, requester_region=REGION,
        accepter_vpc_id=vpc_b.id, accepter_owner_id=ACCOUNT_A, accepter_region=REGION, status_code=status))


# -- routes ----------------------------------------------------------------------------------
def test_route_already_exists(cp, world, net):
    """AWS CreateRoute: a destination appears once per table; use ReplaceRoute to change its target
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, igw = net
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    with unchanged(world), raises_aws("RouteAlreadyExists",
                                      "The route identified by 0.0.0.0/0 already exists."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)


def test_destination_is_made_canonical(cp, world, net):
    """AWS CreateRoute: "We modify the specified CIDR block to its canonical form; for example, if you
    specify 100.68.0.18/18, we modify it to 100.68.0.0/18"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, igw = net
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="100.68.0.18/18", gateway_id=igw.id)
    assert route.destination_cidr_block == "100.68.0.0/18"
    with raises_aws("InvalidParameterValue",
                    "Value (300.1.0.0/16) for parameter destinationCidrBlock is invalid. "
                    "This is not a valid CIDR block."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="300.1.0.0/16", gateway_id=igw.id)


def test_exactly_one_target(cp, world, net):
    """AWS CreateRoute: "You must also specify exactly one of the resources from the parameter list"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, igw = net
    pcx = put_pcx(world, net[0], cp.create_vpc(cidr_block="10.5.0.0/16"))
    with unchanged(world), raises_aws("MissingParameter"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0")
    with unchanged(world), raises_aws(
            "InvalidParameterCombination",
            "Only one target may be specified for a route; got gatewayId, vpcPeeringConnectionId."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id,
                        vpc_peering_connection_id=pcx.id)


def test_local_route_cannot_be_deleted(cp, world, net):
    """AWS: "You cannot delete the local route" — every route table has one per VPC CIDR
    (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#route-table-routes)."""
    _, _, rtb, _ = net
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"cannot remove local route 10.0.0.0/16 in route table {rtb.id}"):
        cp.delete_route(route_table_id=rtb.id, destination_cidr_block="10.0.0.0/16")


def test_delete_missing_route(cp, world, net):
    """AWS DeleteRoute: the route must exist
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteRoute.html)."""
    _, _, rtb, _ = net
    with unchanged(world), raises_aws("InvalidRoute.NotFound",
                                      "no route with destination-cidr-block "
                                      f"192.168.0.0/16 in route table {rtb.id}"):
        cp.delete_route(route_table_id=rtb.id, destination_cidr_block="192.168.0.0/16")


def test_replace_missing_route(cp, world, net):
    """AWS ReplaceRoute: replaces an existing route; create new ones with CreateRoute
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRoute.html)."""
    _, _, rtb, igw = net
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "There is no route defined for '0.0.0.0/0' in the route table. Use CreateRoute instead."):
        cp.replace_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)


def test_local_route_target_replaced_only_by_a_middlebox_and_restored(cp, world, net):
    """AWS "Replace or restore the target for a local route": a network interface or GWLB endpoint may
    replace it, ``local`` restores it; other targets may not
    (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html#replace-local-route-target)."""
    _vpc, subnet, rtb, igw = net
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "The destination CIDR block 10.0.0.0/16 is equal to or more specific than one of this VPC's CIDR "
            "blocks. This route can target only an interface or an instance."):
        cp.replace_route(route_table_id=rtb.id, destination_cidr_block="10.0.0.0/16", gateway_id=igw.id)
    eni = put_eni(world, subnet)
    cp.replace_route(route_table_id=rtb.id, destination_cidr_block="10.0.0.0/16", network_interface_id=eni.id)
    assert table(world, rtb.id).routes[0].target == eni.id
    with raises_aws("InvalidParameterValue",
                    f"cannot remove local route 10.0.0.0/16 in route table {rtb.id}"):
        cp.delete_route(route_table_id=rtb.id, destination_cidr_block="10.0.0.0/16")
    cp.replace_route(route_table_id=rtb.id, destination_cidr_block="10.0.0.0/16", gateway_id="local")
    assert table(world, rtb.id).routes[0].target == "local"


def test_internet_gateway_target_must_be_attached_to_the_vpc(cp, world, net):
    """AWS CreateRoute: GatewayId is "The ID of an internet gateway or virtual private gateway attached
    to your VPC" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, _ = net
    loose = cp.create_internet_gateway()
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {rtb.id} and network gateway {loose.id} belong to different networks"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=loose.id)
    with unchanged(world), raises_aws("InvalidGatewayID.NotFound",
                                      "The gateway ID 'igw-0123456789abcdef0' does not exist"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0",
                        gateway_id="igw-0123456789abcdef0")


def test_an_egress_only_internet_gateway_takes_no_ipv4_route(cp, world, net):
    """AWS "Enable outbound IPv6 traffic using an egress-only internet gateway": the route table
    routes IPv6 traffic (::/0) to it; an egress-only internet gateway is for IPv6 only
    (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html). The
    error for an IPv4 destination is undocumented (vpclab's code and wording)."""
    vpc, _, rtb, _ = net
    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0",
                        egress_only_internet_gateway_id=eigw.id)
    with unchanged(world), raises_aws("InvalidGatewayID.NotFound", "The eigw ID 'eigw-0000' does not exist"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0",
                        egress_only_internet_gateway_id="eigw-0000")


def test_targets_must_belong_to_the_vpc(cp, world, net):
    """AWS "Example routing options": a route's NAT gateway, network interface or instance is in the
    table's VPC, and a peering connection involves it
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""
    _vpc, _, rtb, _ = net
    other = cp.create_vpc(cidr_block="10.5.0.0/16")
    far_subnet = cp.create_subnet(vpc_id=other.id, cidr_block="10.5.1.0/24", availability_zone="us-east-1a")
    eni = put_eni(world, far_subnet, ip="10.5.1.10")
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {rtb.id} and network interface {eni.id} belong to different networks"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0",
                        network_interface_id=eni.id)
    third = cp.create_vpc(cidr_block="10.6.0.0/16")
    pcx = put_pcx(world, other, third)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {rtb.id} and VPC peering connection {pcx.id} belong to different networks"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.6.0.0/16",
                        vpc_peering_connection_id=pcx.id)
    with unchanged(world), raises_aws("InvalidVpcPeeringConnectionID.NotFound"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.6.0.0/16",
                        vpc_peering_connection_id="pcx-0123456789abcdef0")


def test_more_specific_than_local_needs_a_middlebox_target(cp, world, net):
    """AWS "Example routing options", middlebox routing: a route equal to or more specific than the
    local route can target only a middlebox
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""
    _vpc, subnet, rtb, igw = net
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "The destination CIDR block 10.0.1.0/24 is equal to or more specific than one of this VPC's CIDR "
            "blocks. This route can target only an interface or an instance."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.0.1.0/24", gateway_id=igw.id)
    eni = put_eni(world, subnet)
    with unchanged(world), raises_aws("InvalidParameterValue") as info:
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.0.2.0/24",
                        network_interface_id=eni.id)
    assert "does not match the CIDR block of a subnet" in info.value.message
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.0.1.0/24",
                            network_interface_id=eni.id)
    assert route_state(world, table(world, rtb.id), route) == "active"


def test_gateway_endpoint_is_not_a_route_target(cp, world, net):
    """AWS CreateRoute: VpcEndpointId is "Supported for Gateway Load Balancer endpoints only"; a gateway
    endpoint's routes are managed by the endpoint
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    vpc, _, rtb, _ = net
    vpce = world.put(VpcEndpoint(id=world.ids.new("vpc_endpoint"), owner_id=ACCOUNT_A, region=REGION,
                                 vpc_id=vpc.id,
                                 service_name="com.amazonaws.us-east-1.s3", vpc_endpoint_type="Gateway"))
    message = (f"Route table contains unsupported route target: {vpce.id}. "
               "VPC Endpoints of this type cannot be used as route targets.")
    with unchanged(world), raises_aws("RouteNotSupported", message):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=vpce.id)
    with unchanged(world), raises_aws("RouteNotSupported", message):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=vpce.id)


def test_gateway_endpoint_route_is_managed_by_the_endpoint(cp, world, net):
    """AWS "Gateway endpoints": "You can't modify or delete the route that's created for a gateway
    endpoint" except through the endpoint
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    from vpclab.model.route_table import Route

    _vpc, _, rtb, _igw = net
    pl_id = aws_managed_prefix_list_id(REGION, "s3")
    vpce_id = world.ids.new("vpc_endpoint")
    route = Route(destination_prefix_list_id=pl_id, gateway_id=vpce_id)
    world.put(replace(table(world, rtb.id), routes=(*table(world, rtb.id).routes, route)))
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"cannot remove VPC endpoint route {pl_id} in route table {rtb.id}"):
        cp.delete_route(route_table_id=rtb.id, destination_prefix_list_id=pl_id)


def test_customer_prefix_list_route_counts_its_max_entries(world):
    """AWS "Managed prefix lists": a prefix list referenced in a route table counts its maximum number
    of entries against "Routes per route table" (50 by default)
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    from vpclab import ControlPlane

    world.settings.quotas = "default"
    cp = ControlPlane(world, account_id=ACCOUNT_A, region=REGION)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    rtb = cp.create_route_table(vpc_id=vpc.id)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    pl = world.put(ManagedPrefixList(id=world.ids.new("managed_prefix_list"), owner_id=ACCOUNT_A,
                                     region=REGION,
                                     prefix_list_name="offices", max_entries=45,
                                     entries=(PrefixListEntry(cidr="198.51.100.0/24"),)))
    cp.create_route(route_table_id=rtb.id, destination_prefix_list_id=pl.id, gateway_id=igw.id)
    for i in range(5):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block=f"192.168.{i}.0/24", gateway_id=igw.id)
    with unchanged(world), raises_aws("RouteLimitExceeded", "The maximum number of routes has been reached."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="192.168.9.0/24", gateway_id=igw.id)


def test_instance_with_several_interfaces_is_not_a_target(cp, world, net):
    """AWS CreateRoute: InstanceId is "The ID of a NAT instance in your VPC. The operation fails if you
    specify an instance ID unless exactly one network interface is attached"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, subnet, rtb, _ = net
    a, b = put_eni(world, subnet, ip="10.0.1.10"), put_eni(world, subnet, ip="10.0.1.11")
    inst = world.put(Instance(id=world.ids.new("instance"), owner_id=ACCOUNT_A, region=REGION,
                              vpc_id=subnet.vpc_id,
                              subnet_id=subnet.id, image_id="ami-0123456789abcdef0",
                              network_interface_ids=(a.id, b.id)))
    with unchanged(world), raises_aws(
            "InvalidInstanceID",
            f"There are multiple interfaces attached to instance '{inst.id}'. "
            "Please specify an interface ID for the operation instead."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", instance_id=inst.id)
    world.put(replace(inst, network_interface_ids=(a.id,)))
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", instance_id=inst.id)
    assert (route.instance_id, route.network_interface_id) == (inst.id, a.id)


# -- derived route state ---------------------------------------------------------------------
def test_route_to_a_peering_is_a_blackhole_until_active(cp, world, net):
    """AWS "Update your route tables for a VPC peering connection": routes to a peering connection
    work once it is active (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html)."""
    vpc, _, rtb, _ = net
    pcx = put_pcx(world, vpc, cp.create_vpc(cidr_block="10.5.0.0/16"))
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.5.0.0/16",
                            vpc_peering_connection_id=pcx.id)
    assert route_state(world, table(world, rtb.id), route) == "blackhole"
    world.put(replace(pcx, status_code="active"))
    assert route_state(world, table(world, rtb.id), route) == "active"
    world.remove(pcx.id)
    assert route_state(world, table(world, rtb.id), route) == "blackhole"
    assert table(world, rtb.id).route_to("10.5.0.0/16") == route  # not removed


def test_route_to_a_deleted_internet_gateway_is_a_blackhole(cp, world, net):
    """AWS "Troubleshoot reachability issues": a route whose target was deleted or detached stays in the
    table as a blackhole (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html)."""
    vpc, _, rtb, igw = net
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    assert route_state(world, table(world, rtb.id), route) == "active"
    cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    assert route_state(world, table(world, rtb.id), route) == "blackhole"
    cp.delete_internet_gateway(internet_gateway_id=igw.id)
    assert table(world, rtb.id).route_to("0.0.0.0/0") == route
    assert route_state(world, table(world, rtb.id), route) == "blackhole"
    with raises_aws("InvalidGatewayID.NotFound"):
        cp.replace_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    cp.delete_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0")


def test_route_to_a_stopped_instance_is_a_blackhole(cp, world, net):
    """AWS "Gateway route tables": the target network interface must be attached to a running instance
    for traffic to reach the middlebox
    (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html)."""
    _, subnet, rtb, _ = net
    eni = put_eni(world, subnet)
    inst = world.put(Instance(id=world.ids.new("instance"), owner_id=ACCOUNT_A, region=REGION,
                              vpc_id=subnet.vpc_id,
                              subnet_id=subnet.id, image_id="ami-0123456789abcdef0",
                              network_interface_ids=(eni.id,)))
    world.put(replace(eni, instance_id=inst.id))
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", instance_id=inst.id)
    assert route_state(world, table(world, rtb.id), route) == "active"
    world.put(replace(inst, state="stopped"))
    assert route_state(world, table(world, rtb.id), route) == "blackhole"


def test_route_priority_longest_prefix_then_static_then_prefix_list_then_propagated(cp, world, net):
    """AWS "How route priority works": longest prefix, then static routes, then prefix-list routes, then
    propagated routes (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html)."""
    from vpclab.model.route_table import Route, lookup

    vpc, _, rtb, igw = net
    pcx = put_pcx(world, vpc, cp.create_vpc(cidr_block="10.5.0.0/16"), status="active")
    pl = world.put(ManagedPrefixList(id=world.ids.new("managed_prefix_list"), owner_id=ACCOUNT_A,
                                     region=REGION,
                                     prefix_list_name="partners", max_entries=5,
                                     entries=(PrefixListEntry(cidr="172.31.0.0/24"),
                                              PrefixListEntry(cidr="172.31.1.0/24"))))
    cp.create_route(route_table_id=rtb.id, destination_prefix_list_id=pl.id, vpc_peering_connection_id=pcx.id)
    static = cp.create_route(route_table_id=rtb.id, destination_cidr_block="172.31.0.0/24", gateway_id=igw.id)
    wide = cp.create_route(route_table_id=rtb.id, destination_cidr_block="172.16.0.0/12", gateway_id=igw.id)
    vgw_route = Route(destination_cidr_block="172.31.1.0/24", gateway_id="vgw-0123456789abcdef0",
                      origin="EnableVgwRoutePropagation")
    with pytest.MonkeyPatch.context() as mp:
        import vpclab.model.vpn as vpn

        mp.setattr(vpn, "propagated_routes", lambda w, t, **_: (vgw_route,), raising=False)
        rt = table(world, rtb.id)
        assert lookup(world, rt, "172.31.0.9") == (static, "active")  # static CIDR beats the prefix list
        assert lookup(world, rt, "172.31.1.9")[0].destination_prefix_list_id == pl.id  # prefix list beats VGW
        assert lookup(world, rt, "172.30.0.1") == (wide, "active")
        assert lookup(world, rt, "10.0.1.5")[0].gateway_id == "local"
        assert lookup(world, rt, "8.8.8.8") is None


def test_transit_gateway_target_must_exist_and_forwards_only_through_an_attachment(cp, world, net):
    """AWS CreateRoute: TransitGatewayId is "The ID of a transit gateway"; traffic reaches it through the
    VPC's attachment (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    from vpclab.model.transit_gateway import TransitGateway, TransitGatewayAttachment

    vpc, subnet, rtb, _ = net
    with unchanged(world), raises_aws("InvalidTransitGatewayID.NotFound",
                                      "Transit Gateway tgw-0123456789abcdef0 was deleted or does not exist."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.8.0.0/16",
                        transit_gateway_id="tgw-0123456789abcdef0")
    tgw = world.put(TransitGateway(id=world.ids.new("transit_gateway"), owner_id=ACCOUNT_A, region=REGION))
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.8.0.0/16",
                            transit_gateway_id=tgw.id)
    assert route_state(world, table(world, rtb.id), route) == "blackhole"
    world.put(TransitGatewayAttachment(id=world.ids.new("transit_gateway_attachment"), owner_id=ACCOUNT_A,
                                       region=REGION, transit_gateway_id=tgw.id, resource_type="vpc",
                                       resource_id=vpc.id, resource_owner_id=ACCOUNT_A,
                                       subnet_ids=(subnet.id,)))
    assert route_state(world, table(world, rtb.id), route) == "active"


def test_virtual_private_gateway_target_must_be_attached(cp, world, net):
    """AWS CreateRoute: GatewayId is "The ID of an internet gateway or virtual private gateway attached to
    your VPC" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    from vpclab.model.vpn import VpnGateway, VpnGatewayAttachment

    vpc, _, rtb, _ = net
    vgw = world.put(VpnGateway(id=world.ids.new("vpn_gateway"), owner_id=ACCOUNT_A, region=REGION))
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {rtb.id} and network gateway {vgw.id} belong to different networks"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="192.168.0.0/16", gateway_id=vgw.id)
    world.put(replace(vgw, vpc_attachments=(VpnGatewayAttachment(vpc_id=vpc.id),)))
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="192.168.0.0/16", gateway_id=vgw.id)
    assert route_state(world, table(world, rtb.id), route) == "active"
    world.put(replace(vgw, vpc_attachments=(VpnGatewayAttachment(vpc_id=vpc.id, state="detached"),)))
    assert route_state(world, table(world, rtb.id), route) == "blackhole"


def test_routes_to_a_peered_vpc_from_both_sides_and_accounts(cp, world):
    """AWS "Update your route tables for a VPC peering connection": each side adds a route to the other's
    CIDR through the peering connection, in its own account
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    other = cp.as_(account_id=ACCOUNT_B)
    b = other.create_vpc(cidr_block="10.1.0.0/16")
    pcx = world.put(VpcPeeringConnection(
        id=world.ids.new("vpc_peering_connection"), owner_id=ACCOUNT_A, region=REGION,
        requester_vpc_id=a.id, requester_owner_id=ACCOUNT_A, requester_region=REGION,
        accepter_vpc_id=b.id, accepter_owner_id=ACCOUNT_B, accepter_region=REGION, status_code="active"))
    rt_a, rt_b = main_table(world, a.id), main_table(world, b.id)
    cp.create_route(route_table_id=rt_a.id, destination_cidr_block="10.1.0.0/16",
                    vpc_peering_connection_id=pcx.id)
    other.create_route(route_table_id=rt_b.id, destination_cidr_block="10.0.0.0/16",
                       vpc_peering_connection_id=pcx.id)
    with unchanged(world), raises_aws("InvalidRouteTableID.NotFound"):
        other.create_route(route_table_id=rt_a.id, destination_cidr_block="10.9.0.0/16",
                           vpc_peering_connection_id=pcx.id)


def test_ingress_routing_through_a_gateway_load_balancer_endpoint(cp, world, net):
    """AWS "Gateway route tables": an internet gateway's route table sends traffic for a subnet's entire
    CIDR to a Gateway Load Balancer endpoint
    (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html)."""
    from vpclab.model.route_table import lookup, route_table_for_gateway

    vpc, subnet, rtb, igw = net
    gwlbe = world.put(VpcEndpoint(id=world.ids.new("vpc_endpoint"), owner_id=ACCOUNT_A, region=REGION,
                                  vpc_id=vpc.id,
                                  service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
                                  vpc_endpoint_type="GatewayLoadBalancer"))
    cp.create_route(route_table_id=rtb.id, destination_cidr_block=subnet.cidr_block, vpc_endpoint_id=gwlbe.id)
    cp.associate_route_table(route_table_id=rtb.id, gateway_id=igw.id)
    edge = route_table_for_gateway(world, igw.id)
    assert edge is not None and edge.id == rtb.id
    assert lookup(world, edge, "10.0.1.7")[0].vpc_endpoint_id == gwlbe.id
    assert lookup(world, edge, "10.0.2.7")[0].gateway_id == "local"
