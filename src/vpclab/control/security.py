"""Security groups and network ACLs (DESIGN §3): the family's actions live in two modules,
imported here so that ``control.plane`` registers them by importing ``security``."""

from . import network_acls, security_groups  # noqa: F401  (importing registers the actions)
from .network_acls import network_acl_for_subnet
from .security_groups import RevokeResult, active_peering, is_participant

__all__ = ["RevokeResult", "active_peering", "is_participant", "network_acl_for_subnet"]
