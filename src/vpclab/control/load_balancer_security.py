"""Security groups on a Network Load Balancer: SetSecurityGroups (elbv2).

AWS docs: Elastic Load Balancing, "Update the security groups for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html):
"If you create a Network Load Balancer without associating any security groups, you can't associate
them with the load balancer later on"; once created with security groups, they can be changed at any
time; the setting "Enforce inbound rules on PrivateLink traffic" (on by default) decides whether the
inbound rules are evaluated for traffic that reaches the load balancer through AWS PrivateLink. The
API reference (SetSecurityGroups) answers InvalidConfigurationRequest and InvalidSecurityGroup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..core.errors import AwsError
from ..model.load_balancer import LoadBalancer
from ..model.security_group import SecurityGroup
from .context import Ctx
from .load_balancer import require_load_balancer
from .registry import action

#: "Security groups per load balancer: 5" (Elastic Load Balancing quotas for Network Load Balancers)
MAX_GROUPS = 5
ENFORCE_VALUES = ("on", "off")


def check_groups(ctx: Ctx, vpc_id: str, group_ids: Sequence[str]) -> tuple[str, ...]:
    """The groups, each an existing group of the load balancer's VPC (AWS's InvalidSecurityGroup
    otherwise), at most five."""
    if len(group_ids) > MAX_GROUPS:
        raise AwsError("InvalidConfigurationRequest",
                       f"A load balancer can have at most {MAX_GROUPS} security groups")
    for group_id in group_ids:
        sg = ctx.world.get(group_id, SecurityGroup)
        if sg is None or sg.vpc_id != vpc_id or not sg.visible_to(ctx.world, ctx.account_id, ctx.region):
            raise AwsError("InvalidSecurityGroup",
                           f"Security group '{group_id}' does not exist in VPC '{vpc_id}'")
    return tuple(dict.fromkeys(group_ids))


@action
def set_security_groups(ctx: Ctx, *, load_balancer_arn: str, security_groups: Sequence[str],
                        enforce_security_group_inbound_rules_on_private_link_traffic: str | None = None
                        ) -> LoadBalancer:
    """SetSecurityGroups: replaces the load balancer's groups (a Network Load Balancer created without
    any cannot get them, nor lose all of them) and sets the PrivateLink enforcement (on | off)."""
    lb = require_load_balancer(ctx, load_balancer_arn)
    enforce = enforce_security_group_inbound_rules_on_private_link_traffic
    if enforce is not None and enforce not in ENFORCE_VALUES:
        raise AwsError("ValidationError",
                       f"Value '{enforce}' at 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic' failed "
                       "to satisfy constraint: Member must satisfy enum value set: [on, off]")
    if not lb.security_groups:
        raise AwsError("InvalidConfigurationRequest",
                       "You cannot set security groups on a Network Load Balancer which was created without "
                       "any security groups")
    if not security_groups:
        # the same rule the other way (AWS: a load balancer created with groups keeps at least one;
        # the wording is vpclab's)
        raise AwsError("InvalidConfigurationRequest",
                       "You cannot remove every security group from a Network Load Balancer created with "
                       "security groups")
    groups = check_groups(ctx, lb.vpc_id, security_groups)
    from ..model.interfaces import NetworkInterface

    for eni_id in lb.network_interface_ids:
        eni = ctx.world.get(eni_id, NetworkInterface)
        if eni is not None:
            ctx.world.put(replace(eni, groups=groups))
    enforced = enforce or lb.enforce_private_link_inbound_rules
    return ctx.world.put(replace(lb, security_groups=groups, enforce_private_link_inbound_rules=enforced))
