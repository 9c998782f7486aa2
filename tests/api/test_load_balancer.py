"""Elastic Load Balancing v2 through boto3's elbv2 client: network load balancers, target groups,
targets and listeners (what a PrivateLink endpoint service stands on)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .conftest import Server, client_error


def _network(ec2: Any, cidr: str = "10.20.0.0/16") -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    prefix = cidr.rsplit(".", 2)[0]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{prefix}.{i}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "us-east-1a"), (2, "us-east-1b"))
    ]
    return vpc_id, subnets


def test_network_load_balancer_target_group_and_listener(clean_server: Server) -> None:
    """CreateLoadBalancer (network), CreateTargetGroup (ip), RegisterTargets, CreateListener, and the
    Describe calls, including DescribeTargetHealth (registered targets are healthy).

    AWS: "Network Load Balancers" (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html),
    "Target groups for your Network Load Balancers" (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html).
    """
    account = "500000000001"
    ec2 = clean_server.client(account=account)
    elb = clean_server.client("elbv2", account=account)
    vpc_id, subnets = _network(ec2)
    [lb] = elb.create_load_balancer(
        Name="svc-nlb",
        Subnets=subnets,
        Type="network",
        Scheme="internal",
        Tags=[{"Key": "team", "Value": "a"}],
    )["LoadBalancers"]
    lb_arn = lb["LoadBalancerArn"]
    assert lb_arn.startswith(f"arn:aws:elasticloadbalancing:us-east-1:{account}:loadbalancer/net/svc-nlb/")
    assert (lb["Type"], lb["Scheme"], lb["VpcId"], lb["State"]) == (
        "network",
        "internal",
        vpc_id,
        {"Code": "active"},
    )
    assert [(z["ZoneName"], z["SubnetId"]) for z in lb["AvailabilityZones"]] == [
        ("us-east-1a", subnets[0]),
        ("us-east-1b", subnets[1]),
    ]
    assert lb["AvailabilityZones"][0]["LoadBalancerAddresses"][0]["PrivateIPv4Address"].startswith("10.20.1.")
    # the load balancer's interfaces are requester-managed ENIs in its subnets
    assert lb["DNSName"].startswith("internal-svc-nlb-")

    [tg] = elb.create_target_group(Name="svc-tg", Protocol="TCP", Port=443, VpcId=vpc_id, TargetType="ip")[
        "TargetGroups"
    ]
    tg_arn = tg["TargetGroupArn"]
    assert (tg["Protocol"], tg["Port"], tg["TargetType"], tg["LoadBalancerArns"]) == ("TCP", 443, "ip", [])
    elb.register_targets(
        TargetGroupArn=tg_arn, Targets=[{"Id": "10.20.1.10"}, {"Id": "10.20.2.10", "Port": 8443}]
    )
    [ls] = elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="TCP",
        Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
    )["Listeners"]
    assert ls["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": tg_arn}]
    assert ls["ListenerArn"].startswith(
        f"arn:aws:elasticloadbalancing:us-east-1:{account}:listener/net/svc-nlb/"
    )

    health = elb.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    assert [(h["Target"]["Id"], h["Target"]["Port"], h["TargetHealth"]["State"]) for h in health] == [
        ("10.20.1.10", 443, "healthy"),
        ("10.20.2.10", 8443, "healthy"),
    ]
    [unknown] = elb.describe_target_health(TargetGroupArn=tg_arn, Targets=[{"Id": "10.20.1.99"}])[
        "TargetHealthDescriptions"
    ]
    assert (
        unknown["TargetHealth"]["State"] == "unused"
        and unknown["TargetHealth"]["Reason"] == "Target.NotRegistered"
    )
    elb.deregister_targets(TargetGroupArn=tg_arn, Targets=[{"Id": "10.20.2.10"}])
    assert len(elb.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]) == 1

    [by_name] = elb.describe_load_balancers(Names=["svc-nlb"])["LoadBalancers"]
    assert by_name["LoadBalancerArn"] == lb_arn
    [tg_seen] = elb.describe_target_groups(LoadBalancerArn=lb_arn)["TargetGroups"]
    assert tg_seen["LoadBalancerArns"] == [lb_arn]
    assert [x["ListenerArn"] for x in elb.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]] == [
        ls["ListenerArn"]
    ]

    with client_error("LoadBalancerNotFound", "Load balancers '[nope]' not found"):
        elb.describe_load_balancers(Names=["nope"])
    with client_error("TargetGroupNotFound", "One or more target groups not found"):
        elb.describe_target_groups(TargetGroupArns=[tg_arn.replace("svc-tg", "other")])
    with client_error(
        "DuplicateListener", f"A listener already exists on this port for this load balancer '{lb_arn}'"
    ):
        elb.create_listener(
            LoadBalancerArn=lb_arn,
            Protocol="TCP",
            Port=443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
        )
    with client_error(
        "DuplicateLoadBalancerName",
        "A load balancer with the same name 'svc-nlb' exists, but with different settings",
    ):
        elb.create_load_balancer(Name="svc-nlb", Subnets=subnets[:1], Type="network")
    with client_error("ValidationError", "You must specify either listener ARNs or a load balancer ARN"):
        elb.describe_listeners()

    # another account sees none of it
    other = clean_server.client("elbv2", account="500000000002")
    assert other.describe_load_balancers()["LoadBalancers"] == []
    with client_error("LoadBalancerNotFound", "One or more load balancers not found"):
        other.describe_load_balancers(LoadBalancerArns=[lb_arn])

    elb.delete_load_balancer(LoadBalancerArn=lb_arn)
    assert elb.describe_load_balancers()["LoadBalancers"] == []
    # AWS: deleting a load balancer that does not exist succeeds
    elb.delete_load_balancer(LoadBalancerArn=lb_arn)


def test_elbv2_errors_use_the_query_error_envelope(clean_server: Server) -> None:
    """elbv2 answers errors in the Query protocol's <ErrorResponse> envelope, with ELB's codes.

    AWS: "Common errors" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html).
    """
    status, body = clean_server.post(
        {"Action": "DescribeTargetHealth", "Version": "2015-12-01", "TargetGroupArn": "arn:aws:x"},
        service="elasticloadbalancing",
        account="500000000003",
    )
    assert status == 400
    root = ET.fromstring(body)
    assert root.tag == "ErrorResponse"
    assert root.findtext("Error/Code") == "TargetGroupNotFound"
    assert root.findtext("Error/Message") == "One or more target groups not found"
    assert root.findtext("Error/Type") == "Sender"


def test_load_balancer_in_use_by_endpoint_service(clean_server: Server) -> None:
    """A load balancer behind an endpoint service cannot be deleted (ResourceInUse).

    AWS: "DeleteLoadBalancer" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html).
    """
    account = "500000000004"
    ec2 = clean_server.client(account=account)
    elb = clean_server.client("elbv2", account=account)
    _vpc, subnets = _network(ec2, "10.21.0.0/16")
    lb_arn = elb.create_load_balancer(Name="used", Subnets=subnets, Type="network")["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[lb_arn])
    with client_error(
        "ResourceInUse",
        f"Load balancer '{lb_arn}' cannot be deleted because it is currently associated with another service",
    ):
        elb.delete_load_balancer(LoadBalancerArn=lb_arn)


def test_attributes_and_tags_through_boto3(clean_server: Server) -> None:
    """Describe/ModifyLoadBalancerAttributes, Describe/ModifyTargetGroupAttributes, AddTags /
    RemoveTags / DescribeTags as community.aws's ELB modules call them; an ELBv2 DescribeTags is
    answered by ELB, never by EC2's DescribeTags.

    AWS: "Edit attributes for your Network Load Balancer"
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html),
    DescribeTags (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html).
    """
    ec2 = clean_server.client()
    elb = clean_server.client("elbv2")
    vpc_id, subnets = _network(ec2, "10.30.0.0/16")
    lb_arn = elb.create_load_balancer(Name="attrs", Subnets=subnets, Type="network")["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    tg_arn = elb.create_target_group(Name="attrs-tg", Protocol="TCP", Port=80, VpcId=vpc_id)["TargetGroups"][
        0
    ]["TargetGroupArn"]
    attrs = {
        a["Key"]: a["Value"]
        for a in elb.describe_load_balancer_attributes(LoadBalancerArn=lb_arn)["Attributes"]
    }
    assert attrs["load_balancing.cross_zone.enabled"] == "false"
    out = elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb_arn, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]
    )["Attributes"]
    assert {"Key": "load_balancing.cross_zone.enabled", "Value": "true"} in out
    with client_error("ValidationError", "Load balancer attribute key 'nope' is not recognized"):
        elb.modify_load_balancer_attributes(
            LoadBalancerArn=lb_arn, Attributes=[{"Key": "nope", "Value": "1"}]
        )
    tg_attrs = {
        a["Key"]: a["Value"]
        for a in elb.describe_target_group_attributes(TargetGroupArn=tg_arn)["Attributes"]
    }
    assert (tg_attrs["deregistration_delay.timeout_seconds"], tg_attrs["preserve_client_ip.enabled"]) == (
        "300",
        "true",
    )
    elb.modify_target_group_attributes(
        TargetGroupArn=tg_arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}]
    )

    elb.add_tags(
        ResourceArns=[lb_arn, tg_arn], Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "x"}]
    )
    elb.remove_tags(ResourceArns=[tg_arn], TagKeys=["env"])
    described = elb.describe_tags(ResourceArns=[lb_arn, tg_arn])["TagDescriptions"]
    assert [(d["ResourceArn"], sorted((t["Key"], t["Value"]) for t in d["Tags"])) for d in described] == [
        (lb_arn, [("env", "x"), ("team", "a")]),
        (tg_arn, [("team", "a")]),
    ]
    with client_error("DuplicateTagKeys"):
        elb.add_tags(ResourceArns=[lb_arn], Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
    with client_error("LoadBalancerNotFound"):
        elb.describe_tags(ResourceArns=[lb_arn + "0"])
