"""DHCP options sets and VPC attributes through boto3 against a live ``vpclab serve``."""

from __future__ import annotations

from .conftest import Server, client_error


def test_dhcp_options_lifecycle_and_vpc_attributes(server: Server) -> None:
    """Create/Describe (ids, filters, tags)/Associate/Delete a DHCP options set; a new VPC shows the
    Region's default set; DescribeVpcAttribute enableNetworkAddressUsageMetrics as the Terraform AWS
    provider reads it.

    AWS: "CreateDhcpOptions" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDhcpOptions.html),
    "AssociateDhcpOptions" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateDhcpOptions.html),
    "DescribeVpcAttribute" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcAttribute.html).
    """
    ec2 = server.client(account="100000000071")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    default_id = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["DhcpOptionsId"]
    assert default_id.startswith("dopt-")
    (default,) = ec2.describe_dhcp_options(DhcpOptionsIds=[default_id])["DhcpOptions"]
    amazon_dns = {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}
    assert amazon_dns in default["DhcpConfigurations"]

    dopt = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name", "Values": ["corp.example"]},
                            {"Key": "domain-name-servers", "Values": ["10.0.0.2", "10.0.0.3"]}],
        TagSpecifications=[{"ResourceType": "dhcp-options", "Tags": [{"Key": "Name", "Value": "corp"}]}],
    )["DhcpOptions"]
    assert dopt["OwnerId"] == "100000000071" and dopt["Tags"] == [{"Key": "Name", "Value": "corp"}]
    assert dopt["DhcpConfigurations"][1] == {
        "Key": "domain-name-servers", "Values": [{"Value": "10.0.0.2"}, {"Value": "10.0.0.3"}]}
    by_value = ec2.describe_dhcp_options(
        Filters=[{"Name": "value", "Values": ["corp.example"]}])["DhcpOptions"]
    assert [d["DhcpOptionsId"] for d in by_value] == [dopt["DhcpOptionsId"]]
    by_tag = ec2.describe_dhcp_options(Filters=[{"Name": "tag:Name", "Values": ["corp"]}])["DhcpOptions"]
    assert by_tag == [dopt]

    ec2.associate_dhcp_options(DhcpOptionsId=dopt["DhcpOptionsId"], VpcId=vpc_id)
    assert ec2.describe_vpcs(Filters=[{"Name": "dhcp-options-id", "Values": [dopt["DhcpOptionsId"]]}])[
        "Vpcs"][0]["VpcId"] == vpc_id
    with client_error("DependencyViolation"):
        ec2.delete_dhcp_options(DhcpOptionsId=dopt["DhcpOptionsId"])
    ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc_id)
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["DhcpOptionsId"] == "default"
    ec2.delete_dhcp_options(DhcpOptionsId=dopt["DhcpOptionsId"])
    with client_error("InvalidDhcpOptionID.NotFound"):
        ec2.describe_dhcp_options(DhcpOptionsIds=[dopt["DhcpOptionsId"]])
    with client_error("InvalidParameterValue"):
        ec2.create_dhcp_options(DhcpConfigurations=[{"Key": "netbios-node-type", "Values": ["3"]}])

    attr = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableNetworkAddressUsageMetrics")
    assert attr["EnableNetworkAddressUsageMetrics"] == {"Value": False}
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableNetworkAddressUsageMetrics={"Value": True})
    attr = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableNetworkAddressUsageMetrics")
    assert attr["EnableNetworkAddressUsageMetrics"] == {"Value": True}
