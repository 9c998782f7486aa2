"""Dual-stack PrivateLink through boto3 against a live ``vpclab serve``: a dualstack interface endpoint
to an AWS service, a dualstack network load balancer behind an endpoint service that supports IPv6,
and a dualstack endpoint to it.

AWS: "Access an AWS service using an interface VPC endpoint" — IP address types
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), "Share your
services through AWS PrivateLink" — IP address types
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html), "Update the
IP address types for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-ip-address-type.html).
"""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network
from typing import Any

from .conftest import Server, client_error


def _dual_network(ec2: Any, cidr: str) -> tuple[str, list[str], list[IPv6Network]]:
    vpc = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vpc_id = vpc["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    block = IPv6Network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    prefix = cidr.rsplit(".", 2)[0]
    subnets, nets = [], []
    for i, az in ((1, "us-east-1a"), (2, "us-east-1b")):
        net = list(block.subnets(new_prefix=64))[i]
        subnets.append(ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{prefix}.{i}.0/24", AvailabilityZone=az,
                                         Ipv6CidrBlock=str(net))["Subnet"]["SubnetId"])
        nets.append(net)
    return vpc_id, subnets, nets


def _eni_ipv6(ec2: Any, eni_ids: list[str]) -> list[str]:
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=eni_ids)["NetworkInterfaces"]
    return [a["Ipv6Address"] for e in enis for a in e.get("Ipv6Addresses", [])]


def test_dualstack_interface_endpoint_to_an_aws_service(clean_server: Server) -> None:
    """CreateVpcEndpoint IpAddressType=dualstack and DnsOptions in dual-stack subnets; the endpoint's
    interfaces get an IPv6 address each; DescribeVpcEndpoints and its ip-address-type filter;
    DescribeVpcEndpointServices' SupportedIpAddressTypes; an IPv4-only service refuses dualstack."""
    ec2 = clean_server.client(account="510000000001")
    vpc_id, subnets, nets = _dual_network(ec2, "10.30.0.0/16")
    kms = "com.amazonaws.us-east-1.kms"
    [svc] = ec2.describe_vpc_endpoint_services(ServiceNames=[kms])["ServiceDetails"]
    assert svc["SupportedIpAddressTypes"] == ["ipv4", "ipv6"]
    vpce = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=kms, VpcEndpointType="Interface",
                                   SubnetIds=subnets, IpAddressType="dualstack",
                                   DnsOptions={"DnsRecordIpType": "dualstack"})["VpcEndpoint"]
    assert (vpce["IpAddressType"], vpce["DnsOptions"]) == ("dualstack", {"DnsRecordIpType": "dualstack"})
    addrs = _eni_ipv6(ec2, vpce["NetworkInterfaceIds"])
    assert sorted(any(IPv6Address(a) in n for a in addrs) for n in nets) == [True, True]
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "ip-address-type", "Values": ["dualstack"]}])
    assert [e["VpcEndpointId"] for e in found["VpcEndpoints"]] == [vpce["VpcEndpointId"]]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce["VpcEndpointId"], IpAddressType="ipv4")
    [after] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce["VpcEndpointId"]])["VpcEndpoints"]
    assert (after["IpAddressType"], after["DnsOptions"]) == ("ipv4", {"DnsRecordIpType": "ipv4"})
    assert _eni_ipv6(ec2, after["NetworkInterfaceIds"]) == []
    with client_error("InvalidParameter", "The VPC endpoint service com.amazonaws.us-east-1.sqs does not "
                                          "support IP address type dualstack."):
        ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.sqs",
                                VpcEndpointType="Interface", SubnetIds=subnets, IpAddressType="dualstack")


def test_dualstack_nlb_endpoint_service_and_endpoint(clean_server: Server) -> None:
    """CreateLoadBalancer IpAddressType=dualstack (addresses in both families), SetIpAddressType, the
    error for subnets without IPv6 blocks; an endpoint service with SupportedIpAddressTypes ipv4 and
    ipv6, and a consumer's dualstack endpoint to it."""
    account = "510000000002"
    ec2 = clean_server.client(account=account)
    elb = clean_server.client("elbv2", account=account)
    vpc_id, subnets, nets = _dual_network(ec2, "10.31.0.0/16")
    [lb] = elb.create_load_balancer(Name="dual-nlb", Subnets=subnets, Type="network", Scheme="internal",
                                    IpAddressType="dualstack")["LoadBalancers"]
    assert lb["IpAddressType"] == "dualstack"
    for zone, net in zip(lb["AvailabilityZones"], nets, strict=True):
        (address,) = zone["LoadBalancerAddresses"]
        assert IPv6Address(address["IPv6Address"]) in net
        assert address["PrivateIPv4Address"].startswith("10.31.")
    arn = lb["LoadBalancerArn"]
    set_v4 = elb.set_ip_address_type(LoadBalancerArn=arn, IpAddressType="ipv4")
    assert set_v4["IpAddressType"] == "ipv4"
    [lb] = elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    assert lb["IpAddressType"] == "ipv4"
    assert "IPv6Address" not in lb["AvailabilityZones"][0]["LoadBalancerAddresses"][0]
    set_dual = elb.set_ip_address_type(LoadBalancerArn=arn, IpAddressType="dualstack")
    assert set_dual["IpAddressType"] == "dualstack"

    v4_vpc = ec2.create_vpc(CidrBlock="10.32.0.0/16")["Vpc"]["VpcId"]
    v4_subnet = ec2.create_subnet(VpcId=v4_vpc, CidrBlock="10.32.1.0/24")["Subnet"]["SubnetId"]
    with client_error("InvalidConfigurationRequest",
                      "You must specify subnets with an associated IPv6 CIDR block."):
        elb.create_load_balancer(Name="v4-nlb", Subnets=[v4_subnet], Type="network",
                                 IpAddressType="dualstack")

    svc = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[arn], SupportedIpAddressTypes=["ipv4", "ipv6"])["ServiceConfiguration"]
    assert svc["SupportedIpAddressTypes"] == ["ipv4", "ipv6"]
    found = ec2.describe_vpc_endpoint_service_configurations(
        Filters=[{"Name": "supported-ip-address-types", "Values": ["ipv6"]}])["ServiceConfigurations"]
    assert [s["ServiceId"] for s in found] == [svc["ServiceId"]]
    vpce = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=svc["ServiceName"], VpcEndpointType="Interface",
                                   SubnetIds=subnets[:1], IpAddressType="dualstack")["VpcEndpoint"]
    assert vpce["IpAddressType"] == "dualstack" and len(_eni_ipv6(ec2, vpce["NetworkInterfaceIds"])) == 1
    [conn] = ec2.describe_vpc_endpoint_connections()["VpcEndpointConnections"]
    assert conn["IpAddressType"] == "dualstack"
    with client_error("InvalidConfigurationRequest"):
        elb.set_ip_address_type(LoadBalancerArn=arn, IpAddressType="ipv4")
