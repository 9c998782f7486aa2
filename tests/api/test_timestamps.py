"""Creation times through boto3: the time members AWS always returns for the resources vpclab models.

AWS's EC2 API reference documents them as members of the output structures: NatGateway.CreateTime
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html),
TransitGateway.CreationTime (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGateway.html),
TransitGatewayVpcAttachment / TransitGatewayAttachment / TransitGatewayRouteTable.CreationTime,
VpcEndpoint.CreationTimestamp (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html)
and, in Elastic Load Balancing, LoadBalancer.CreatedTime
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancer.html).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from vpclab import ControlPlane, World
from vpclab.aws.handlers.transit_gateway import route_table, transit_gateway, vpc_attachment
from vpclab.aws.shapes import nat_gateway
from vpclab.model.serialize import from_dict, to_dict
from vpclab.model.world import Clock

from .conftest import Server

ACCOUNT = "300000000003"


def _near_now(value: Any, before: datetime) -> None:
    """A timezone-aware datetime between the start of the test (to the second) and now."""
    assert isinstance(value, datetime), value
    assert value.tzinfo is not None
    assert before - timedelta(seconds=1) <= value <= datetime.now(UTC) + timedelta(seconds=1)


def test_created_resources_carry_their_creation_time(clean_server: Server) -> None:
    """CreateNatGateway, CreateTransitGateway (+ its default route table), CreateTransitGatewayVpcAttachment,
    CreateVpcEndpoint and CreateLoadBalancer answer their creation time, and the Describe calls repeat it."""
    before = datetime.now(UTC)
    ec2 = clean_server.client(account=ACCOUNT)
    vpc_id = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.30.1.0/24", AvailabilityZone="us-east-1a")[
        "Subnet"
    ]["SubnetId"]

    nat = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]
    _near_now(nat["CreateTime"], before)
    [listed] = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    assert listed["CreateTime"] == nat["CreateTime"]

    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]
    _near_now(tgw["CreationTime"], before)
    tgw_id = tgw["TransitGatewayId"]
    [tgw_listed] = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    assert tgw_listed["CreationTime"] == tgw["CreationTime"]
    [rtb] = ec2.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw["TransitGatewayId"]]}]
    )["TransitGatewayRouteTables"]
    _near_now(rtb["CreationTime"], before)
    att = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id, SubnetIds=[subnet_id]
    )["TransitGatewayVpcAttachment"]
    _near_now(att["CreationTime"], before)
    [generic] = ec2.describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=[att["TransitGatewayAttachmentId"]]
    )["TransitGatewayAttachments"]
    assert generic["CreationTime"] == att["CreationTime"]

    vpce = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway"
    )["VpcEndpoint"]
    _near_now(vpce["CreationTimestamp"], before)
    [vpce_listed] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce["VpcEndpointId"]])["VpcEndpoints"]
    assert vpce_listed["CreationTimestamp"] == vpce["CreationTimestamp"]

    elb = clean_server.client("elbv2", account=ACCOUNT)
    [lb] = elb.create_load_balancer(Name="timed-nlb", Subnets=[subnet_id], Type="network")["LoadBalancers"]
    _near_now(lb["CreatedTime"], before)
    [lb_listed] = elb.describe_load_balancers(LoadBalancerArns=[lb["LoadBalancerArn"]])["LoadBalancers"]
    assert lb_listed["CreatedTime"] == lb["CreatedTime"]


def test_creation_time_is_the_worlds_clock() -> None:
    """The creation time is the World's clock (a lab may fix or move it), not the wall clock."""
    start = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    world = World(seed=1, clock=Clock(start=start))
    cp = ControlPlane(world, account_id=ACCOUNT, region="us-east-1")
    vpc = cp.create_vpc(cidr_block="10.40.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.40.1.0/24", availability_zone="us-east-1a")
    nat = cp.create_nat_gateway(subnet_id=subnet.id, connectivity_type="private")
    world.clock.advance(timedelta(minutes=5))
    tgw = cp.create_transit_gateway()
    att = cp.create_transit_gateway_vpc_attachment(
        transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[subnet.id])
    assert nat_gateway(world, nat)["CreateTime"] == start
    assert transit_gateway(world, tgw)["CreationTime"] == start + timedelta(minutes=5)
    assert vpc_attachment(world, att)["CreationTime"] == start + timedelta(minutes=5)
    default_rtb = world.get(tgw.options.association_default_route_table_id or "")
    assert default_rtb is not None
    assert route_table(world, default_rtb)["CreationTime"] == start + timedelta(minutes=5)


def test_resources_saved_without_a_creation_time_leave_the_member_out() -> None:
    """A resource saved before vpclab kept creation times loads with None and shapes without the
    member (not with a null); a new one round-trips its time through the serializer."""
    world = World(seed=1)
    cp = ControlPlane(world, account_id=ACCOUNT, region="us-east-1")
    tgw = cp.create_transit_gateway()
    saved = to_dict(tgw)
    assert from_dict(saved) == tgw
    del saved["create_time"]
    old = from_dict(saved)
    assert old == replace(tgw, create_time=None)
    assert "CreationTime" not in transit_gateway(world, old)
