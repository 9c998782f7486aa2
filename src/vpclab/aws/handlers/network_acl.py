"""Network ACLs and their entries (AWS: the EC2 API reference's network ACL actions)."""

from __future__ import annotations

from typing import Any

from ...model.network_acl import NetworkAcl
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..filter_shapes import network_acl_entry
from ..registry import mutating

Shape = dict[str, Any]


def network_acl(world: World, acl: NetworkAcl) -> Shape:
    # AWS lists the egress entries first, each direction by rule number
    entries = sorted(acl.entries, key=lambda e: (not e.egress, e.rule_number))
    return shapes.with_tags(
        {
            "Associations": [
                {
                    "NetworkAclAssociationId": a.network_acl_association_id,
                    "NetworkAclId": a.network_acl_id,
                    "SubnetId": a.subnet_id,
                }
                for a in acl.associations
            ],
            "Entries": [network_acl_entry(e) for e in entries],
            "IsDefault": acl.is_default,
            "NetworkAclId": acl.id,
            "VpcId": acl.vpc_id,
            "OwnerId": acl.owner_id,
        },
        acl,
    )


def _entries(attr: str) -> Any:
    return lambda w, acl: [getattr(e, attr) for e in acl.entries if getattr(e, attr) is not None]


ACL_FILTERS = {
    "network-acl-id": lambda w, a: a.id,
    "vpc-id": lambda w, a: a.vpc_id,
    "default": lambda w, a: a.is_default,
    "association.association-id": lambda w, a: [x.network_acl_association_id for x in a.associations],
    "association.network-acl-id": lambda w, a: [x.network_acl_id for x in a.associations],
    "association.subnet-id": lambda w, a: [x.subnet_id for x in a.associations],
    "entry.cidr": _entries("cidr_block"),
    "entry.ipv6-cidr": _entries("ipv6_cidr_block"),
    "entry.egress": _entries("egress"),
    "entry.icmp.code": _entries("icmp_code"),
    "entry.icmp.type": _entries("icmp_type"),
    "entry.port-range.from": _entries("port_from"),
    "entry.port-range.to": _entries("port_to"),
    "entry.protocol": _entries("protocol"),
    "entry.rule-action": _entries("rule_action"),
    "entry.rule-number": _entries("rule_number"),
}

mutating("CreateNetworkAcl", returns=network_acl, key="NetworkAcl", tag_type=NetworkAcl.RESOURCE_TYPE)
mutating("DeleteNetworkAcl")
mutating("CreateNetworkAclEntry")
mutating("ReplaceNetworkAclEntry")
mutating("DeleteNetworkAclEntry")
mutating("ReplaceNetworkAclAssociation", result=lambda call, new_id: {"NewAssociationId": new_id})
describe_handler(
    "DescribeNetworkAcls",
    Kind(NetworkAcl, key="NetworkAcls", ids="NetworkAclIds", shape=network_acl, filters=ACL_FILTERS),
)
