"""Route table rules: main table, explicit subnet and gateway (edge) associations, replacing the main
table. AWS docs: Amazon VPC User Guide, "Configure route tables"
(https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html) and the EC2 API reference.
"""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from tests.rules.routing_setup import main_table, make_net, put_eni, table
from vpclab.model.route_table import route_table_for_subnet


@pytest.fixture
def net(cp):
    """A VPC 10.0.0.0/16 with subnet 10.0.1.0/24, a custom route table and an attached internet gateway."""
    return make_net(cp)


# -- route tables ----------------------------------------------------------------------------
def test_new_route_table_has_a_local_route_per_vpc_cidr(cp, world):
    """AWS: "When you create a VPC, it automatically has a main route table"; every route table
    contains a local route for each VPC CIDR
    (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16")
    rtb = cp.create_route_table(vpc_id=vpc.id, tags={"Name": "private"})
    assert [(r.destination, r.target) for r in rtb.routes] == [("10.0.0.0/16", "local"),
                                                               ("10.1.0.0/16", "local")]
    assert not rtb.main and rtb.name == "private"


def test_route_table_quota_per_vpc(cp, world):
    """AWS "Amazon VPC quotas": route tables per VPC, 200, the main route table included
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    for _ in range(199):
        cp.create_route_table(vpc_id=vpc.id)
    with unchanged(world), raises_aws("RouteTableLimitExceeded",
                                      "The maximum number of route tables has been reached."):
        cp.create_route_table(vpc_id=vpc.id)


def test_main_route_table_cannot_be_deleted(cp, world):
    """AWS: "You can't delete the main route table"
    (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    main = main_table(world, vpc.id)
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The routeTable '{main.id}' has dependencies and cannot be deleted."):
        cp.delete_route_table(route_table_id=main.id)


def test_route_table_with_subnet_association_cannot_be_deleted(cp, world, net):
    """AWS DeleteRouteTable: "You must disassociate the route table from any subnets before you can
    delete it" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteRouteTable.html)."""
    _, subnet, rtb, _ = net
    assoc = cp.associate_route_table(route_table_id=rtb.id, subnet_id=subnet.id)
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The routeTable '{rtb.id}' has dependencies and cannot be deleted."):
        cp.delete_route_table(route_table_id=rtb.id)
    cp.disassociate_route_table(association_id=assoc.route_table_association_id)
    cp.delete_route_table(route_table_id=rtb.id)
    assert rtb.id not in world


def test_subnet_has_one_explicit_association(cp, world, net):
    """AWS: "A subnet can only be associated with one route table at a time"
    (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#subnet-route-tables)."""
    vpc, subnet, rtb, _ = net
    cp.associate_route_table(route_table_id=rtb.id, subnet_id=subnet.id)
    other = cp.create_route_table(vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "Resource.AlreadyAssociated",
            f"the specified association for route table {other.id} conflicts with an existing association"):
        cp.associate_route_table(route_table_id=other.id, subnet_id=subnet.id)


def test_subnet_and_table_must_share_a_vpc(cp, world, net):
    """AWS AssociateRouteTable: "The route table and subnet must be in the same VPC"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html)."""
    _, subnet, _, _ = net
    other_vpc = cp.create_vpc(cidr_block="10.9.0.0/16")
    other = cp.create_route_table(vpc_id=other_vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {other.id} and subnet {subnet.id} belong to different networks"):
        cp.associate_route_table(route_table_id=other.id, subnet_id=subnet.id)


def test_subnet_without_explicit_association_uses_the_main_table(cp, world, net):
    """AWS: "A subnet that's not explicitly associated with any route table is implicitly associated
    with the main route table" (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html)."""
    vpc, subnet, rtb, _ = net
    assert route_table_for_subnet(world, subnet.id).id == main_table(world, vpc.id).id
    assoc = cp.associate_route_table(route_table_id=rtb.id, subnet_id=subnet.id)
    assert route_table_for_subnet(world, subnet.id).id == rtb.id
    cp.disassociate_route_table(association_id=assoc.route_table_association_id)
    assert route_table_for_subnet(world, subnet.id).id == main_table(world, vpc.id).id


def test_main_association_cannot_be_disassociated(cp, world):
    """AWS DisassociateRouteTable: the main route table's association is changed with
    ReplaceRouteTableAssociation, not removed
    (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html#Route_Replacing_Main_Table)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    (main_assoc,) = main_table(world, vpc.id).associations
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"cannot disassociate the main route table association {main_assoc.route_table_association_id}"):
        cp.disassociate_route_table(association_id=main_assoc.route_table_association_id)
    with raises_aws("InvalidAssociationID.NotFound",
                    "The association ID 'rtbassoc-0123456789abcdef0' does not exist"):
        cp.disassociate_route_table(association_id="rtbassoc-0123456789abcdef0")


def test_replace_the_main_route_table(cp, world, net):
    """AWS "Replace the main route table": ReplaceRouteTableAssociation on the main association makes
    another table main; the former main table can then be deleted
    (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html#Route_Replacing_Main_Table)."""
    vpc, subnet, rtb, _ = net
    old_main = main_table(world, vpc.id)
    (main_assoc,) = old_main.associations
    new_assoc = cp.replace_route_table_association(association_id=main_assoc.route_table_association_id,
                                                   route_table_id=rtb.id)
    assert new_assoc.main and new_assoc.route_table_association_id != main_assoc.route_table_association_id
    assert main_table(world, vpc.id).id == rtb.id
    assert route_table_for_subnet(world, subnet.id).id == rtb.id
    cp.delete_route_table(route_table_id=old_main.id)


def test_replace_subnet_association_stays_within_the_vpc(cp, world, net):
    """AWS ReplaceRouteTableAssociation: changes the table a subnet is associated with, within its VPC
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRouteTableAssociation.html)."""
    vpc, subnet, rtb, _ = net
    assoc = cp.associate_route_table(route_table_id=rtb.id, subnet_id=subnet.id)
    second = cp.create_route_table(vpc_id=vpc.id)
    foreign = cp.create_route_table(vpc_id=cp.create_vpc(cidr_block="10.9.0.0/16").id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {foreign.id} and subnet {subnet.id} belong to different networks"):
        cp.replace_route_table_association(association_id=assoc.route_table_association_id,
                                           route_table_id=foreign.id)
    cp.replace_route_table_association(association_id=assoc.route_table_association_id,
                                       route_table_id=second.id)
    assert route_table_for_subnet(world, subnet.id).id == second.id and not table(world, rtb.id).associations


def test_edge_association_needs_the_gateway_attached_to_the_vpc(cp, world, net):
    """AWS "Gateway route tables": a route table can be associated with an internet gateway or virtual
    private gateway attached to its VPC
    (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html)."""
    _, _, rtb, igw = net
    loose = cp.create_internet_gateway()
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {rtb.id} and network gateway {loose.id} belong to different networks"):
        cp.associate_route_table(route_table_id=rtb.id, gateway_id=loose.id)
    assoc = cp.associate_route_table(route_table_id=rtb.id, gateway_id=igw.id)
    assert assoc.gateway_id == igw.id and assoc.subnet_id is None
    with raises_aws("Resource.AlreadyAssociated"):
        cp.associate_route_table(route_table_id=rtb.id, gateway_id=igw.id)


def test_gateway_route_table_targets_only_middleboxes(cp, world, net):
    """AWS "Gateway route tables", rules: a table whose routes target anything but local, a network
    interface or a GWLB endpoint cannot be associated with a gateway, nor gain such a route
    (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html)."""
    _, subnet, rtb, igw = net
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    with unchanged(world), raises_aws("InvalidParameterValue") as info:
        cp.associate_route_table(route_table_id=rtb.id, gateway_id=igw.id)
    assert f"target {igw.id} of route 0.0.0.0/0" in info.value.message
    cp.delete_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0")
    eni = put_eni(world, subnet)
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.0.1.0/24", network_interface_id=eni.id)
    cp.associate_route_table(route_table_id=rtb.id, gateway_id=igw.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)


def test_another_account_cannot_change_the_route_table(cp, world, net):
    """AWS "Share your VPC with other accounts": only the owner manages route tables
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    _, _, rtb, _ = net
    with unchanged(world), raises_aws("InvalidRouteTableID.NotFound",
                                      f"The routeTable ID '{rtb.id}' does not exist"):
        cp.as_(account_id=ACCOUNT_B).delete_route_table(route_table_id=rtb.id)
