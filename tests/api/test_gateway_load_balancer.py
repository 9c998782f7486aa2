"""Gateway Load Balancer inspection through boto3 and the aws CLI against ``vpclab serve``: a gateway
load balancer, a GENEVE target group and its listener (elbv2), an endpoint service backed by it, a
GatewayLoadBalancer endpoint and a route to it (ec2), and the errors AWS gives for what a Gateway
Load Balancer does not take."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error


def _inspection(ec2: Any, elb: Any) -> dict[str, Any]:
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "us-east-1a"), (2, "us-east-1b"))
    ]
    [lb] = elb.create_load_balancer(Name="inspect", Subnets=subnets, Type="gateway")["LoadBalancers"]
    [tg] = elb.create_target_group(
        Name="firewalls",
        Protocol="GENEVE",
        Port=6081,
        VpcId=vpc_id,
        TargetType="ip",
        HealthCheckProtocol="HTTP",
        HealthCheckPort="8080",
    )["TargetGroups"]
    elb.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": "10.40.1.10"}])
    [ls] = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )["Listeners"]
    return {"vpc_id": vpc_id, "subnets": subnets, "lb": lb, "tg": tg, "listener": ls}


def test_gateway_load_balancer_geneve_target_group_and_listener(clean_server: Server) -> None:
    """CreateLoadBalancer Type=gateway (no scheme, no security groups), a GENEVE target group on 6081 with
    its health check settings, a listener without protocol or port.

    AWS: "Gateway Load Balancers" (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-load-balancers.html),
    "Target groups for your Gateway Load Balancers" (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/target-groups.html).
    """
    account = "500000000101"
    ec2 = clean_server.client(account=account)
    elb = clean_server.client("elbv2", account=account)
    lab = _inspection(ec2, elb)
    lb, tg, ls = lab["lb"], lab["tg"], lab["listener"]
    assert lb["LoadBalancerArn"].startswith(
        f"arn:aws:elasticloadbalancing:us-east-1:{account}:loadbalancer/gwy/inspect/"
    )
    assert lb["Type"] == "gateway" and "Scheme" not in lb and "SecurityGroups" not in lb
    assert (
        tg["Protocol"],
        tg["Port"],
        tg["HealthCheckProtocol"],
        tg["HealthCheckPort"],
        tg["HealthCheckPath"],
        tg["HealthCheckIntervalSeconds"],
        tg["HealthCheckTimeoutSeconds"],
    ) == ("GENEVE", 6081, "HTTP", "8080", "/", 10, 5)
    assert "Port" not in ls and "Protocol" not in ls
    assert ls["ListenerArn"].startswith(
        f"arn:aws:elasticloadbalancing:us-east-1:{account}:listener/gwy/inspect/"
    )
    [described] = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert described["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}]
    [health] = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
    assert (health["Target"]["Port"], health["HealthCheckPort"], health["TargetHealth"]["State"]) == (
        6081,
        "8080",
        "healthy",
    )
    [tg_again] = elb.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]
    assert tg_again["LoadBalancerArns"] == [lb["LoadBalancerArn"]]

    attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
    assert {a["Key"]: a["Value"] for a in attrs} == {
        "deletion_protection.enabled": "false",
        "load_balancing.cross_zone.enabled": "false",
    }
    tg_attrs = elb.describe_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"])["Attributes"]
    assert {a["Key"]: a["Value"] for a in tg_attrs}["target_failover.on_deregistration"] == "no_rebalance"

    with client_error("ValidationError", "Scheme is not supported for Gateway Load Balancers"):
        elb.create_load_balancer(Name="bad", Subnets=lab["subnets"], Type="gateway", Scheme="internal")
    with client_error("ValidationError"):
        elb.create_target_group(Name="bad", Protocol="GENEVE", Port=443, VpcId=lab["vpc_id"])
    with client_error("ValidationError"):
        elb.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Protocol="TCP",
            Port=443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
        )


def test_gwlb_endpoint_service_endpoint_and_route(clean_server: Server) -> None:
    """An endpoint service backed by the Gateway Load Balancer (ServiceType GatewayLoadBalancer), an
    endpoint of type GatewayLoadBalancer in one subnet, and a route to it (shown as GatewayId).

    AWS: "Access an inspection system using a Gateway Load Balancer endpoint"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html).
    """
    account = "500000000102"
    ec2 = clean_server.client(account=account)
    elb = clean_server.client("elbv2", account=account)
    lab = _inspection(ec2, elb)
    lb_arn = lab["lb"]["LoadBalancerArn"]
    svc = ec2.create_vpc_endpoint_service_configuration(
        GatewayLoadBalancerArns=[lb_arn], AcceptanceRequired=False
    )["ServiceConfiguration"]
    assert svc["ServiceType"] == [{"ServiceType": "GatewayLoadBalancer"}]
    assert svc["GatewayLoadBalancerArns"] == [lb_arn] and "NetworkLoadBalancerArns" not in svc
    [details] = ec2.describe_vpc_endpoint_services(ServiceNames=[svc["ServiceName"]])["ServiceDetails"]
    assert details["ServiceType"] == [{"ServiceType": "GatewayLoadBalancer"}]

    app_vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=app_vpc, CidrBlock="10.41.0.0/28", AvailabilityZone="us-east-1a")["Subnet"]
    vpce = ec2.create_vpc_endpoint(
        VpcId=app_vpc,
        ServiceName=svc["ServiceName"],
        VpcEndpointType="GatewayLoadBalancer",
        SubnetIds=[sub["SubnetId"]],
    )["VpcEndpoint"]
    assert (vpce["VpcEndpointType"], vpce["State"], vpce["SubnetIds"]) == (
        "GatewayLoadBalancer",
        "available",
        [sub["SubnetId"]],
    )
    assert len(vpce["NetworkInterfaceIds"]) == 1 and vpce["Groups"] == []
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=vpce["NetworkInterfaceIds"])
    [eni] = enis["NetworkInterfaces"]
    assert eni["InterfaceType"] == "gateway_load_balancer_endpoint"

    rtb = ec2.create_route_table(VpcId=app_vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=vpce["VpcEndpointId"])
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"]
    route = next(r for r in table["Routes"] if r["DestinationCidrBlock"] == "0.0.0.0/0")
    assert (route["GatewayId"], route["State"]) == (vpce["VpcEndpointId"], "active")

    with client_error("InvalidParameter"):
        ec2.create_vpc_endpoint(
            VpcId=app_vpc,
            ServiceName=svc["ServiceName"],
            VpcEndpointType="GatewayLoadBalancer",
            SubnetIds=[sub["SubnetId"]],
            SecurityGroupIds=["sg-0123456789abcdef0"],
        )
    with client_error("ResourceInUse"):
        elb.delete_load_balancer(LoadBalancerArn=lb_arn)


def test_aws_cli_gateway_load_balancer(clean_server: Server) -> None:
    """The aws CLI (v1) creates a gateway load balancer and describes it and its endpoint service in
    boto3's shape (https://docs.aws.amazon.com/cli/latest/reference/elbv2/create-load-balancer.html)."""
    account = "500000000103"
    ec2 = clean_server.client(account=account)
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.1.0/24", AvailabilityZone="us-east-1a")[
        "Subnet"
    ]
    env = {
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }

    def aws(*args: str) -> Any:
        out = subprocess.run(
            [sys.executable, "-m", "awscli", *args, "--endpoint-url", clean_server.url, "--output", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        return json.loads(out.stdout)

    [lb] = aws(
        "elbv2",
        "create-load-balancer",
        "--name",
        "cli-gwlb",
        "--type",
        "gateway",
        "--subnets",
        subnet["SubnetId"],
    )["LoadBalancers"]
    assert lb["Type"] == "gateway" and ":loadbalancer/gwy/cli-gwlb/" in lb["LoadBalancerArn"]
    svc = aws(
        "ec2",
        "create-vpc-endpoint-service-configuration",
        "--gateway-load-balancer-arns",
        lb["LoadBalancerArn"],
        "--no-acceptance-required",
    )["ServiceConfiguration"]
    assert svc["ServiceType"] == [{"ServiceType": "GatewayLoadBalancer"}]
    [described] = aws(
        "ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", svc["ServiceId"]
    )["ServiceConfigurations"]
    assert described["GatewayLoadBalancerArns"] == [lb["LoadBalancerArn"]]
