"""VPC endpoints and PrivateLink through boto3: gateway and interface endpoints, endpoint services
behind a network load balancer, permissions and connection acceptance across accounts."""

from __future__ import annotations

from typing import Any

from .conftest import Server, client_error

PROVIDER, CONSUMER, STRANGER = "600000000001", "600000000002", "600000000003"


def _network(ec2: Any, cidr: str) -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    prefix = cidr.rsplit(".", 2)[0]
    subnets = [
        # by zone id: the same physical zones in every account (zone names differ per account)
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{prefix}.{i}.0/24", AvailabilityZoneId=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "use1-az1"), (2, "use1-az2"))
    ]
    return vpc_id, subnets


def test_privatelink_across_accounts(clean_server: Server) -> None:
    """The provider puts an NLB (elbv2) with a target group and listener behind an endpoint service that
    requires acceptance and allows the consumer; the consumer's interface endpoint waits in
    pendingAcceptance until the provider accepts it, then is available with an interface per subnet.

    AWS: "Share your services through AWS PrivateLink"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html) and
    "Accept or reject connection requests"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#accept-reject-connection-requests).
    """
    p_ec2 = clean_server.client(account=PROVIDER)
    p_elb = clean_server.client("elbv2", account=PROVIDER)
    p_vpc, p_subnets = _network(p_ec2, "10.30.0.0/16")
    lb_arn = p_elb.create_load_balancer(Name="provider-nlb", Subnets=p_subnets, Type="network")[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    tg_arn = p_elb.create_target_group(
        Name="provider-tg", Protocol="TCP", Port=443, VpcId=p_vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    p_elb.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": "10.30.1.20"}])
    p_elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="TCP",
        Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
    )
    svc = p_ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb_arn],
        AcceptanceRequired=True,
        TagSpecifications=[
            {"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "Name", "Value": "api"}]}
        ],
    )["ServiceConfiguration"]
    svc_id, svc_name = svc["ServiceId"], svc["ServiceName"]
    assert svc_name == f"com.amazonaws.vpce.us-east-1.{svc_id}"
    assert svc["AcceptanceRequired"] is True and len(svc["AvailabilityZones"]) == 2
    assert sorted(svc["AvailabilityZoneIds"]) == ["use1-az1", "use1-az2"]
    assert svc["NetworkLoadBalancerArns"] == [lb_arn] and svc["ServiceState"] == "Available"

    c_ec2 = clean_server.client(account=CONSUMER)
    c_vpc, c_subnets = _network(c_ec2, "10.40.0.0/16")
    # not yet allowed: the consumer cannot see the service
    assert svc_name not in c_ec2.describe_vpc_endpoint_services()["ServiceNames"]
    with client_error("InvalidServiceName", f"The Vpc Endpoint Service '{svc_name}' does not exist"):
        c_ec2.create_vpc_endpoint(
            VpcId=c_vpc, ServiceName=svc_name, VpcEndpointType="Interface", SubnetIds=c_subnets
        )

    added = p_ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=svc_id, AddAllowedPrincipals=[f"arn:aws:iam::{CONSUMER}:root"]
    )
    assert added["ReturnValue"] is True
    assert [(a["Principal"], a["PrincipalType"]) for a in added["AddedPrincipals"]] == [
        (f"arn:aws:iam::{CONSUMER}:root", "Account")
    ]
    perms = p_ec2.describe_vpc_endpoint_service_permissions(ServiceId=svc_id)["AllowedPrincipals"]
    assert [p["Principal"] for p in perms] == [f"arn:aws:iam::{CONSUMER}:root"]

    found = c_ec2.describe_vpc_endpoint_services(ServiceNames=[svc_name])
    assert found["ServiceNames"] == [svc_name]
    [detail] = found["ServiceDetails"]
    assert (detail["Owner"], detail["AcceptanceRequired"], detail["ServiceType"]) == (
        PROVIDER,
        True,
        [{"ServiceType": "Interface"}],
    )

    vpce = c_ec2.create_vpc_endpoint(
        VpcId=c_vpc,
        ServiceName=svc_name,
        VpcEndpointType="Interface",
        SubnetIds=c_subnets,
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "to-api"}]}],
    )["VpcEndpoint"]
    vpce_id = vpce["VpcEndpointId"]
    assert vpce["State"] == "pendingAcceptance" and vpce["OwnerId"] == CONSUMER
    assert vpce["PrivateDnsEnabled"] is False and vpce["SubnetIds"] == c_subnets
    assert len(vpce["NetworkInterfaceIds"]) == 2 and [g["GroupName"] for g in vpce["Groups"]] == ["default"]
    assert vpce["DnsEntries"][0]["DnsName"].endswith(f".{svc_id}.us-east-1.vpce.amazonaws.com")

    [conn] = p_ec2.describe_vpc_endpoint_connections(
        Filters=[{"Name": "vpc-endpoint-state", "Values": ["pendingAcceptance"]}]
    )["VpcEndpointConnections"]
    assert (conn["VpcEndpointId"], conn["VpcEndpointOwner"], conn["ServiceId"]) == (vpce_id, CONSUMER, svc_id)
    # the provider does not see the consumer's endpoint as its own
    with client_error("InvalidVpcEndpointId.NotFound", f"The Vpc Endpoint Id '{vpce_id}' does not exist"):
        p_ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce_id])
    with client_error(
        "ExistingVpcEndpointConnections", "Service has existing active VPC Endpoint connections!"
    ):
        p_ec2.modify_vpc_endpoint_service_configuration(
            ServiceId=svc_id, RemoveNetworkLoadBalancerArns=[lb_arn]
        )

    out = p_ec2.accept_vpc_endpoint_connections(
        ServiceId=svc_id, VpcEndpointIds=[vpce_id, "vpce-0000000000000000f"]
    )
    assert out["Unsuccessful"] == [
        {
            "Error": {
                "Code": "InvalidVpcEndpointId.NotFound",
                "Message": "The Vpc Endpoint Id 'vpce-0000000000000000f' does not exist",
            },
            "ResourceId": "vpce-0000000000000000f",
        }
    ]
    [ready] = c_ec2.describe_vpc_endpoints(
        Filters=[{"Name": "service-name", "Values": [svc_name]}, {"Name": "tag:Name", "Values": ["to-api"]}]
    )["VpcEndpoints"]
    assert ready["State"] == "available" and ready["NetworkInterfaceIds"] == vpce["NetworkInterfaceIds"]
    assert ready["VpcEndpointType"] == "Interface" and ready["VpcId"] == c_vpc

    # a third account is not allowed, so the service does not exist for it
    stranger = clean_server.client(account=STRANGER)
    assert svc_name not in stranger.describe_vpc_endpoint_services()["ServiceNames"]

    deleted = p_ec2.delete_vpc_endpoint_service_configurations(ServiceIds=[svc_id])
    assert deleted["Unsuccessful"][0]["Error"] == {
        "Code": "ExistingVpcEndpointConnections",
        "Message": "Service has existing active VPC Endpoint connections!",
    }
    rejected = p_ec2.reject_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[vpce_id])
    assert rejected["Unsuccessful"] == []
    assert c_ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce_id])["VpcEndpoints"][0]["State"] == "rejected"
    assert p_ec2.delete_vpc_endpoint_service_configurations(ServiceIds=[svc_id])["Unsuccessful"] == []
    [conf_gone] = [
        c
        for c in p_ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
        if c["ServiceId"] == svc_id
    ] or [None]
    assert conf_gone is None


def test_gateway_endpoint_routes_and_errors(clean_server: Server) -> None:
    """A gateway endpoint to S3 puts a route to the service's prefix list in each chosen route table;
    DescribeVpcEndpoints filters; DeleteVpcEndpoints reports unknown ids as unsuccessful items.

    AWS: "Gateway endpoints" (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
    """
    ec2 = clean_server.client(account="600000000004")
    vpc_id, _subnets = _network(ec2, "10.50.0.0/16")
    rtb_id = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0][
        "RouteTableId"
    ]
    vpce = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[rtb_id],
    )["VpcEndpoint"]
    vpce_id = vpce["VpcEndpointId"]
    assert vpce["State"] == "available" and vpce["RouteTableIds"] == [rtb_id]
    assert '"Effect":"Allow"' in vpce["PolicyDocument"]
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"]
    [route] = [r for r in table["Routes"] if r.get("GatewayId") == vpce_id]
    assert route["DestinationPrefixListId"].startswith("pl-") and route["State"] == "active"
    with client_error(
        "RouteAlreadyExists",
        f"route table {rtb_id} already has a route with destination-prefix-list-id "
        f"{route['DestinationPrefixListId']}",
    ):
        ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            ServiceName="com.amazonaws.us-east-1.s3",
            VpcEndpointType="Gateway",
            RouteTableIds=[rtb_id],
        )
    with client_error(
        "InvalidServiceName", "The Vpc Endpoint Service 'com.amazonaws.us-east-1.nope' does not exist"
    ):
        ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.nope")
    with client_error(
        "InvalidParameter", "Endpoint type (Gateway) does not match available service types ([Interface])."
    ):
        ec2.create_vpc_endpoint(
            VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.sqs", VpcEndpointType="Gateway"
        )
    found = ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-endpoint-type", "Values": ["Gateway"]}, {"Name": "vpc-id", "Values": [vpc_id]}]
    )["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in found] == [vpce_id]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce_id, RemoveRouteTableIds=[rtb_id])
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"]
    assert not [r for r in table["Routes"] if r.get("GatewayId") == vpce_id]
    out = ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce_id, "vpce-00000000000000001"])
    assert out["Unsuccessful"] == [
        {
            "Error": {
                "Code": "InvalidVpcEndpointId.NotFound",
                "Message": "The Vpc Endpoint Id 'vpce-00000000000000001' does not exist",
            },
            "ResourceId": "vpce-00000000000000001",
        }
    ]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []


def test_describe_vpc_endpoint_services_catalogue(clean_server: Server) -> None:
    """DescribeVpcEndpointServices lists the Region's AWS services (S3 as both Gateway and Interface),
    with filters and paging.

    AWS: "DescribeVpcEndpointServices" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpointServices.html).
    """
    ec2 = clean_server.client(account="600000000005", region="eu-west-1")
    out = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": ["*.s3"]}])
    assert out["ServiceNames"] == ["com.amazonaws.eu-west-1.s3"]
    assert sorted(d["ServiceType"][0]["ServiceType"] for d in out["ServiceDetails"]) == [
        "Gateway",
        "Interface",
    ]
    gateways = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    assert gateways["ServiceNames"] == ["com.amazonaws.eu-west-1.dynamodb", "com.amazonaws.eu-west-1.s3"]
    first = ec2.describe_vpc_endpoint_services(MaxResults=5)
    assert len(first["ServiceDetails"]) == 5 and first["NextToken"]
    rest = ec2.describe_vpc_endpoint_services(MaxResults=100, NextToken=first["NextToken"])
    assert not set(first["ServiceNames"]) & set(rest["ServiceNames"]) - {"com.amazonaws.eu-west-1.s3"}
    with client_error(
        "InvalidServiceName", "The Vpc Endpoint Service 'com.amazonaws.us-east-1.s3' does not exist"
    ):
        ec2.describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.us-east-1.s3"])
