"""The read-only calls a snapshot makes, in one table: (service, operation, result key, file).

Only ``Describe*``, ``Get*`` and ``List*`` operations appear here (tests/interop assert it), so
taking a snapshot can never change an account. The layout is Batfish's AWS snapshot layout:
``OUT/aws_configs/<account>/<region>/<File>.json``, one file per describe call holding the raw
response (every page's items under the response's own key), plus ``OUT/manifest.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the snapshot format this vpclab writes and reads; a manifest with a larger one is refused
FORMAT_VERSION = 1
CONFIGS = "aws_configs"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Op:
    service: str
    operation: str  # the AWS operation name (botocore's), e.g. DescribeVpcs
    key: str  # the response member that holds the items, e.g. Vpcs

    @property
    def file(self) -> str:
        return f"{self.operation}.json"


OPS: tuple[Op, ...] = (
    Op("ec2", "DescribeVpcs", "Vpcs"),
    Op("ec2", "DescribeSubnets", "Subnets"),
    Op("ec2", "DescribeInternetGateways", "InternetGateways"),
    Op("ec2", "DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways"),
    Op("ec2", "DescribeRouteTables", "RouteTables"),
    Op("ec2", "DescribeNatGateways", "NatGateways"),
    Op("ec2", "DescribeAddresses", "Addresses"),
    Op("ec2", "DescribeSecurityGroups", "SecurityGroups"),
    Op("ec2", "DescribeSecurityGroupRules", "SecurityGroupRules"),
    Op("ec2", "DescribeNetworkAcls", "NetworkAcls"),
    Op("ec2", "DescribeNetworkInterfaces", "NetworkInterfaces"),
    Op("ec2", "DescribeInstances", "Reservations"),
    Op("ec2", "DescribeManagedPrefixLists", "PrefixLists"),
    Op("ec2", "DescribeVpcPeeringConnections", "VpcPeeringConnections"),
    Op("ec2", "DescribeTransitGateways", "TransitGateways"),
    Op("ec2", "DescribeTransitGatewayAttachments", "TransitGatewayAttachments"),
    Op("ec2", "DescribeTransitGatewayVpcAttachments", "TransitGatewayVpcAttachments"),
    Op("ec2", "DescribeTransitGatewayPeeringAttachments", "TransitGatewayPeeringAttachments"),
    Op("ec2", "DescribeTransitGatewayRouteTables", "TransitGatewayRouteTables"),
    Op("ec2", "DescribeVpcEndpoints", "VpcEndpoints"),
    Op("ec2", "DescribeVpcEndpointServiceConfigurations", "ServiceConfigurations"),
    Op("ec2", "DescribeCustomerGateways", "CustomerGateways"),
    Op("ec2", "DescribeVpnGateways", "VpnGateways"),
    Op("ec2", "DescribeVpnConnections", "VpnConnections"),
    Op("ram", "GetResourceShares", "resourceShares"),
    Op("ram", "ListResources", "resources"),
    Op("ram", "GetResourceShareAssociations", "resourceShareAssociations"),
    Op("elbv2", "DescribeLoadBalancers", "LoadBalancers"),
    Op("elbv2", "DescribeTargetGroups", "TargetGroups"),
    Op("directconnect", "DescribeDirectConnectGateways", "directConnectGateways"),
    Op("directconnect", "DescribeConnections", "connections"),
    Op("directconnect", "DescribeVirtualInterfaces", "virtualInterfaces"),
)

#: calls made once per item of another call (the item's id as the named parameter)
PER_ITEM: tuple[tuple[Op, str, str, str], ...] = (
    # (call, the listing file's items key, the item's id member, the call's parameter)
    (
        Op("ec2", "GetTransitGatewayRouteTableAssociations", "Associations"),
        "TransitGatewayRouteTables",
        "TransitGatewayRouteTableId",
        "TransitGatewayRouteTableId",
    ),
    (
        Op("ec2", "GetTransitGatewayRouteTablePropagations", "TransitGatewayRouteTablePropagations"),
        "TransitGatewayRouteTables",
        "TransitGatewayRouteTableId",
        "TransitGatewayRouteTableId",
    ),
    (Op("ec2", "GetManagedPrefixListEntries", "Entries"), "PrefixLists", "PrefixListId", "PrefixListId"),
    (
        Op("ec2", "DescribeVpcEndpointServicePermissions", "AllowedPrincipals"),
        "ServiceConfigurations",
        "ServiceId",
        "ServiceId",
    ),
    (
        Op("directconnect", "DescribeDirectConnectGatewayAssociations", "directConnectGatewayAssociations"),
        "directConnectGateways",
        "directConnectGatewayId",
        "directConnectGatewayId",
    ),
    (Op("elbv2", "DescribeListeners", "Listeners"), "LoadBalancers", "LoadBalancerArn", "LoadBalancerArn"),
    (
        Op("elbv2", "DescribeLoadBalancerAttributes", "Attributes"),
        "LoadBalancers",
        "LoadBalancerArn",
        "LoadBalancerArn",
    ),
    (
        Op("elbv2", "DescribeTargetHealth", "TargetHealthDescriptions"),
        "TargetGroups",
        "TargetGroupArn",
        "TargetGroupArn",
    ),
    # a transit gateway route table's static routes: AWS offers no Describe/Get/List for them, and
    # SearchTransitGatewayRoutes only reads (the one read-only call not named Describe/Get/List)
    (
        Op("ec2", "SearchTransitGatewayRoutes", "Routes"),
        "TransitGatewayRouteTables",
        "TransitGatewayRouteTableId",
        "TransitGatewayRouteTableId",
    ),
)

#: extra parameters a call needs (GetResourceShares and ListResources require resourceOwner; the
#: share associations read are the principals: a share's resources come from ListResources)
PARAMS: dict[str, dict[str, object]] = {
    "GetResourceShares": {"resourceOwner": "SELF"},
    "ListResources": {"resourceOwner": "SELF"},
    "GetResourceShareAssociations": {"associationType": "PRINCIPAL"},
    "SearchTransitGatewayRoutes": {"Filters": [{"Name": "type", "Values": ["static"]}]},
}

#: read-only operations whose names do not start with Describe/Get/List (tests/interop assert the rest do)
READ_ONLY_EXCEPTIONS = {"AssumeRole", "SearchTransitGatewayRoutes"}

#: the identity calls (STS): who the snapshot is of; AssumeRole (only with --role-arn) changes
#: nothing in the account, it hands out temporary credentials
IDENTITY = ("GetCallerIdentity", "AssumeRole")


def operations() -> set[str]:
    """Every AWS operation name a snapshot can call."""
    return (
        {op.operation for op in OPS}
        | {p[0].operation for p in PER_ITEM}
        | {"DescribeRegions"}
        | set(IDENTITY)
    )
