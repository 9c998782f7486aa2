// The AWS SDK for JavaScript v3 against `vpclab serve` (tests/interop/test_js_sdk.py runs it).
//
// A flow across VPCs, subnets, peering, a transit gateway, a gateway endpoint, a Site-to-Site VPN,
// a RAM share and a Reachability Analyzer analysis, asserting on every answer what the SDK's types
// declare (ids, states, numbers, booleans, arrays) and `$metadata.requestId`, which the SDK reads
// from the x-amzn-RequestId header. Usage: VPCLAB_URL=http://127.0.0.1:PORT node flow.mjs
// It prints one JSON line (the calls made and their request ids) and exits 1 on the first mismatch.
import * as ec2sdk from "@aws-sdk/client-ec2";
import { RAMClient, CreateResourceShareCommand, GetResourceSharesCommand } from "@aws-sdk/client-ram";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";

const endpoint = process.env.VPCLAB_URL;
const ACCOUNT = "111111111111";
const PEER = "222222222222";
const config = (account) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: account, secretAccessKey: "lab" },
  maxAttempts: 1,
});
const ec2 = new ec2sdk.EC2Client(config(ACCOUNT));
const ram = new RAMClient(config(ACCOUNT));
const sts = new STSClient(config(ACCOUNT));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const requestIds = [];

function check(condition, what) {
  if (!condition) {
    throw new Error(`expected ${what}`);
  }
}

async function call(client, name, input) {
  const Command = name.endsWith("Command") ? name : `${name}Command`;
  const ctor = client === ram ? { CreateResourceShareCommand, GetResourceSharesCommand }[Command]
    : client === sts ? { GetCallerIdentityCommand }[Command] : ec2sdk[Command];
  check(ctor !== undefined, `a command ${Command}`);
  const out = await client.send(new ctor(input));
  check(out.$metadata.httpStatusCode === 200, `${name}: HTTP 200, not ${out.$metadata.httpStatusCode}`);
  check(UUID.test(out.$metadata.requestId ?? ""), `${name}: $metadata.requestId, not ${out.$metadata.requestId}`);
  requestIds.push(out.$metadata.requestId);
  return out;
}

async function main() {
  const who = await call(sts, "GetCallerIdentity", {});
  check(who.Account === ACCOUNT, `the caller's account, not ${who.Account}`);

  const vpcs = [];
  const subnets = [];
  for (const [i, az] of [[0, "us-east-1a"], [1, "us-east-1a"]]) {
    const { Vpc } = await call(ec2, "CreateVpc", { CidrBlock: `10.${i}.0.0/16` });
    check(Vpc.VpcId.startsWith("vpc-") && Vpc.State === "available", "a new VPC");
    check(Array.isArray(Vpc.CidrBlockAssociationSet), "CidrBlockAssociationSet as an array");
    const { Subnet } = await call(ec2, "CreateSubnet", {
      VpcId: Vpc.VpcId, CidrBlock: `10.${i}.1.0/24`, AvailabilityZone: az,
    });
    check(typeof Subnet.AvailableIpAddressCount === "number" && Subnet.AvailableIpAddressCount === 251,
      "AvailableIpAddressCount 251 as a number");
    check(Subnet.MapPublicIpOnLaunch === false, "MapPublicIpOnLaunch as a boolean");
    vpcs.push(Vpc.VpcId);
    subnets.push(Subnet.SubnetId);
  }

  // an error: the SDK's exception carries AWS's code and a request id too
  try {
    await ec2.send(new ec2sdk.CreateSubnetCommand({ VpcId: vpcs[0], CidrBlock: "10.9.0.0/24" }));
    check(false, "InvalidSubnet.Range");
  } catch (err) {
    check(err.name === "InvalidSubnet.Range", `InvalidSubnet.Range, not ${err.name}`);
    check(err.$metadata.httpStatusCode === 400 && UUID.test(err.$metadata.requestId ?? ""),
      "an error's status 400 and request id");
  }

  const { VpcPeeringConnection: pcx } = await call(ec2, "CreateVpcPeeringConnection", {
    VpcId: vpcs[0], PeerVpcId: vpcs[1],
  });
  check(pcx.Status.Code === "pending-acceptance", `a pending peering, not ${pcx.Status.Code}`);
  const accepted = await call(ec2, "AcceptVpcPeeringConnection", {
    VpcPeeringConnectionId: pcx.VpcPeeringConnectionId,
  });
  check(["provisioning", "active"].includes(accepted.VpcPeeringConnection.Status.Code), "an accepted peering");

  const { TransitGateway: tgw } = await call(ec2, "CreateTransitGateway", { Description: "hub" });
  check(tgw.TransitGatewayId.startsWith("tgw-") && Array.isArray(tgw.Tags), "a transit gateway with Tags []");
  check(typeof tgw.Options.AmazonSideAsn === "number", "Options.AmazonSideAsn as a number");
  const { TransitGatewayVpcAttachment: att } = await call(ec2, "CreateTransitGatewayVpcAttachment", {
    TransitGatewayId: tgw.TransitGatewayId, VpcId: vpcs[0], SubnetIds: [subnets[0]],
  });
  check(att.TransitGatewayAttachmentId.startsWith("tgw-attach-"), "a VPC attachment");

  const tables = await call(ec2, "DescribeRouteTables", {
    Filters: [{ Name: "vpc-id", Values: [vpcs[0]] }],
  });
  const main = tables.RouteTables[0];
  check(main.Routes.some((r) => r.GatewayId === "local"), "the local route");
  const { VpcEndpoint: vpce } = await call(ec2, "CreateVpcEndpoint", {
    VpcId: vpcs[0], ServiceName: "com.amazonaws.us-east-1.s3", VpcEndpointType: "Gateway",
    RouteTableIds: [main.RouteTableId],
  });
  check(vpce.VpcEndpointId.startsWith("vpce-") && vpce.VpcEndpointType === "Gateway", "a gateway endpoint");

  const { CustomerGateway: cgw } = await call(ec2, "CreateCustomerGateway", {
    Type: "ipsec.1", BgpAsn: 65010, IpAddress: "203.0.113.10",
  });
  const { VpnGateway: vgw } = await call(ec2, "CreateVpnGateway", { Type: "ipsec.1" });
  await call(ec2, "AttachVpnGateway", { VpnGatewayId: vgw.VpnGatewayId, VpcId: vpcs[1] });
  const { VpnConnection: vpn } = await call(ec2, "CreateVpnConnection", {
    Type: "ipsec.1", CustomerGatewayId: cgw.CustomerGatewayId, VpnGatewayId: vgw.VpnGatewayId,
  });
  check(vpn.VpnConnectionId.startsWith("vpn-") && vpn.Options.StaticRoutesOnly === false, "a BGP VPN");
  check(typeof vpn.CustomerGatewayConfiguration === "string"
        && vpn.CustomerGatewayConfiguration.split("<ipsec_tunnel>").length === 3,
        "CreateVpnConnection answers the customer gateway configuration (two ipsec_tunnel elements)");
  check(vpn.Options.TunnelOptions.length === 2
        && vpn.Options.TunnelOptions.every((t) => vpn.CustomerGatewayConfiguration.includes(
          `<pre_shared_key>${t.PreSharedKey}</pre_shared_key>`)), "the tunnels' keys are the document's");

  const described = await call(ec2, "DescribeSubnets", { SubnetIds: [subnets[0]] });
  const share = await call(ram, "CreateResourceShare", {
    name: "app-subnet", resourceArns: [described.Subnets[0].SubnetArn], principals: [PEER],
  });
  check(share.resourceShare.status === "ACTIVE", `an active share, not ${share.resourceShare.status}`);
  check(share.resourceShare.creationTime instanceof Date && !isNaN(share.resourceShare.creationTime)
        && share.resourceShare.lastUpdatedTime instanceof Date, "RAM answers creationTime and lastUpdatedTime");
  const shares = await call(ram, "GetResourceShares", { resourceOwner: "SELF" });
  check(shares.resourceShares.length === 1, "one share");

  const enis = [];
  for (const subnet of subnets) {
    const { NetworkInterface } = await call(ec2, "CreateNetworkInterface", { SubnetId: subnet });
    enis.push(NetworkInterface.NetworkInterfaceId);
  }
  const { NetworkInsightsPath: path } = await call(ec2, "CreateNetworkInsightsPath", {
    Source: enis[0], Destination: enis[1], Protocol: "tcp", DestinationPort: 22,
  });
  const { NetworkInsightsAnalysis: started } = await call(ec2, "StartNetworkInsightsAnalysis", {
    NetworkInsightsPathId: path.NetworkInsightsPathId,
  });
  const { NetworkInsightsAnalyses: [analysis] } = await call(ec2, "DescribeNetworkInsightsAnalyses", {
    NetworkInsightsAnalysisIds: [started.NetworkInsightsAnalysisId],
  });
  check(analysis.Status === "succeeded", `a finished analysis, not ${analysis.Status}`);
  check(typeof analysis.NetworkPathFound === "boolean", "NetworkPathFound as a boolean");
  check(analysis.StartDate instanceof Date, "StartDate as a Date");
  // without routes between the VPCs' subnets (the peering has none yet) the path is not found
  check(analysis.NetworkPathFound === false && Array.isArray(analysis.Explanations), "explanations");

  console.log(JSON.stringify({ calls: requestIds.length, distinct: new Set(requestIds).size,
    codes: analysis.Explanations.map((e) => e.ExplanationCode) }));
}

main().catch((err) => {
  console.error(`js sdk flow failed: ${err.message}`);
  process.exit(1);
});
