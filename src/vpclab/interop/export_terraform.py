"""``vpclab export terraform``: a loaded network as HCL for the AWS provider (docs/interop.md).

Every resource refers to the others by reference (``vpc_id = aws_vpc.prod.id``), never by a literal
id, so ``terraform plan`` against an empty account creates the whole network. Resource names are
the network's names as HCL identifiers (``app-web`` stays, ``10.0.0.0/16`` routes are spelled
``app_public_0_0_0_0_0``); each keeps its name as its ``Name`` tag. One provider per account and
Region: the most common pair is the default provider, the others are aliases (another account
through ``assume_role`` of the organisation's access role). ``split`` writes one file per VPC
(plus ``main.tf`` for what joins them and ``providers.tf``): Terraform reads a folder as one module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.gateways import Address, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.prefix_lists import ManagedPrefixList
from ..model.regions import DEFAULT_REGION
from ..model.vpc import Vpc
from ..network import Network
from .export_hcl import Block, Expr, identifier, render
from .export_names import Names, most_common
from .export_yaml_vpc import tags as extra_tags

PROVIDER_VERSION = ">= 5.0"
#: the role an organisation's management account assumes in a member account (AWS Organizations'
#: default name for the role it creates in new member accounts)
ORG_ROLE = "OrganizationAccountAccessRole"
AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


@dataclass
class TerraformExport:
    """The files (name → HCL text), the notes on what was left out, and each resource's address."""

    files: dict[str, str]
    notes: list[str] = field(default_factory=list)
    addresses: dict[str, str] = field(default_factory=dict)


class TerraformWriter:
    def __init__(self, net: Network) -> None:
        self.net, self.world, self.names = net, net.world, Names(net)
        self.blocks: list[Block] = []
        self.notes: list[str] = []
        self.addresses: dict[str, str] = {}
        self._taken: dict[str, set[str]] = {}
        vpcs = list(self.world.all(Vpc))
        owners = [v.owner_id for v in vpcs] or ["123456789012"]
        self.account = most_common(owners, owners[0])
        self.region = most_common([v.region for v in vpcs], DEFAULT_REGION)
        self.providers: dict[tuple[str, str], str | None] = {(self.account, self.region): None}
        self._amis: dict[str | None, str] = {}

    # -- naming, providers, blocks ----------------------------------------------------------------
    def label(self, kind: str, name: str) -> str:
        taken = self._taken.setdefault(kind, set())
        base = identifier(name)
        label, n = base, 1
        while label in taken:
            n += 1
            label = f"{base}_{n}"
        taken.add(label)
        return label

    def provider(self, account: str, region: str) -> str | None:
        key = (account, region)
        if key not in self.providers:
            region_part = region.replace("-", "_")
            self.providers[key] = (
                region_part if account == self.account else f"account_{account}_{region_part}"
            )
        return self.providers[key]

    def add(
        self,
        kind: str,
        name: str,
        attrs: dict[str, Any],
        *,
        res: Any = None,
        group: str = "main",
        owner: tuple[str, str] | None = None,
        blocks: list[Block] | None = None,
        tag_name: str | None = None,
    ) -> str:
        """A resource block; its address. ``res`` (a model resource) gives its provider and tags."""
        label = self.label(kind, name)
        account, region = owner or (
            (res.owner_id, res.region) if res is not None else (self.account, self.region)
        )
        alias = self.provider(account, region)
        body: dict[str, Any] = {}
        if alias is not None:
            body["provider"] = Expr(f"aws.{alias}")
        body.update(attrs)
        if tag_name is not None:
            body["tags"] = {"Name": tag_name, **(extra_tags(res) if res is not None else {})}
        self.blocks.append(Block("resource", (kind, label), body, blocks or [], group))
        address = f"{kind}.{label}"
        if res is not None and res.id not in self.addresses:
            self.addresses[res.id] = address
        return address

    def ref(self, rid: str | None, attr: str = "id") -> Expr | None:
        if rid is None:
            return None
        address = self.addresses.get(rid)
        if address is None:
            return None
        return Expr(f"{address}.{attr}")

    def ami(self, account: str, region: str) -> Expr:
        alias = self.provider(account, region)
        if alias not in self._amis:
            label = f"al2023_{alias or 'default'}"
            attrs: dict[str, Any] = {"provider": Expr(f"aws.{alias}")} if alias else {}
            attrs["name"] = AL2023
            self.blocks.append(
                Block(
                    "data",
                    ("aws_ssm_parameter", label),
                    attrs,
                    group="main",
                    comment="the Region's current Amazon Linux 2023 image (the AMI plays "
                    "no part in reachability)",
                )
            )
            self._amis[alias] = f"data.aws_ssm_parameter.{label}.value"
        return Expr(self._amis[alias])

    # -- the whole network ------------------------------------------------------------------------
    def write(self, split: bool = False) -> TerraformExport:
        from . import export_terraform_links as links
        from . import export_terraform_services as services
        from . import export_terraform_vpc as vpcs

        for pl in sorted(self.world.all(ManagedPrefixList), key=lambda p: self.names(p.id)):
            if not pl.aws_managed:
                self.prefix_list(pl)
        vpcs.write_vpcs(self)
        links.write_links(self)
        vpcs.write_hosts(self)
        services.write_services(self)
        vpcs.write_endpoints(self)
        links.write_late(self)
        return TerraformExport(self.files(split), self.notes, self.addresses)

    def prefix_list(self, pl: ManagedPrefixList) -> None:
        name = self.names(pl.id)
        entries = [Block("entry", (), {"cidr": c}) for c in pl.cidrs]
        self.add(
            "aws_ec2_managed_prefix_list",
            name,
            {
                "name": pl.prefix_list_name,
                "address_family": pl.address_family,
                "max_entries": pl.max_entries or max(len(pl.cidrs), 1),
            },
            res=pl,
            blocks=entries,
            tag_name=name,
        )

    def files(self, split: bool) -> dict[str, str]:
        head = [
            Block(
                "terraform",
                (),
                {},
                [
                    Block(
                        "required_providers",
                        (),
                        {"aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}},
                    )
                ],
            )
        ]
        for (account, region), alias in sorted(self.providers.items(), key=lambda kv: (kv[1] or "",)):
            attrs: dict[str, Any] = {"alias": alias} if alias else {}
            attrs["region"] = region
            attrs["allowed_account_ids"] = [account]
            nested = []
            if account != self.account:
                nested.append(
                    Block("assume_role", (), {"role_arn": f"arn:aws:iam::{account}:role/{ORG_ROLE}"})
                )
            head.append(Block("provider", ("aws",), attrs, nested))
        intro = (
            f"# Written by `vpclab export terraform` from {self.net.file}: the network as HCL for the\n"
            "# AWS provider. Review it, then `terraform init && terraform plan`.\n"
        )
        notes = "".join(f"# note: {line}\n" for line in self.notes)
        if not split:
            body = "\n".join(render(b) for b in [*head, *self.blocks])
            return {"main.tf": intro + notes + "\n" + body}
        groups: dict[str, list[Block]] = {}
        for b in self.blocks:
            groups.setdefault(b.group, []).append(b)
        files = {"providers.tf": intro + notes + "\n" + "\n".join(render(b) for b in head)}
        for group, blocks in sorted(groups.items()):
            fname = "main.tf" if group == "main" else f"vpc-{identifier(group)}.tf"
            files[fname] = "\n".join(render(b) for b in blocks)
        return files


def export_terraform(net: Network, split: bool = False) -> TerraformExport:
    """The network as Terraform files (one ``main.tf``, or with ``split`` one per VPC)."""
    return TerraformWriter(net).write(split)


def primary_interface(world: Any, inst: Instance) -> NetworkInterface | None:
    return world.get(inst.network_interface_ids[0], NetworkInterface) if inst.network_interface_ids else None


def nat_allocations(world: Any) -> set[str | None]:
    return {g.allocation_id for g in world.all(NatGateway)}


def standalone_addresses(world: Any) -> list[Address]:
    used = nat_allocations(world)
    return [a for a in world.all(Address) if a.id not in used]
