"""The ControlPlane: one method per EC2 action, each all-or-nothing.

    >>> cp = ControlPlane(World(seed=1))
    >>> vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    >>> cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a").cidr_block
    '10.0.1.0/24'

Every action runs in a World transaction: it checks AWS's rules, then applies; if anything
raises, the World is rolled back to exactly what it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from ..core.errors import invalid_parameter_value
from ..model.regions import DEFAULT_ACCOUNT, DEFAULT_REGION, is_region
from ..model.world import World
from . import (
    access_scopes,
    addresses,
    dhcp_options,
    direct_connect,
    direct_connect_interfaces,
    endpoint_services,
    endpoints,
    gateways,
    insights,
    instances,
    interfaces,
    load_balancer,
    load_balancer_security,
    network_acl,
    peering,
    prefix_lists,
    route_table,
    routes,
    security_group,
    sharing,
    subnet,
    subnet_cidr_reservation,
    tags,
    transit_gateway,
    transit_gateway_routes,
    vpc,
    vpn,
)
from .access_scopes import AccessScopeAnalyser
from .context import Ctx
from .insights import Analyser
from .registry import actions_of

#: every action of every family, by snake_case name (the family modules, listed once, here)
ACTIONS: Final[Mapping[str, Callable[..., Any]]] = actions_of(
    access_scopes, addresses, dhcp_options, direct_connect, direct_connect_interfaces, endpoint_services,
    endpoints, gateways, insights, instances, interfaces, load_balancer, load_balancer_security,
    network_acl, peering, prefix_lists, route_table, routes, security_group, sharing, subnet,
    subnet_cidr_reservation, tags, transit_gateway, transit_gateway_routes, vpc, vpn,
)

#: actions whose ``tags`` argument names tags to remove, not tags to store
_TAGS_UNCHECKED: Final = frozenset({"delete_tags"})


class ControlPlane:
    """AWS's rules over a World, acting as one account in one Region.

    ``cp.as_(account_id="222233334444", region="eu-west-1")`` acts as another caller on the same World.
    Type checkers see every action as a method through plane.pyi (``python tools/gen_plane_stub.py``).
    """

    world: World
    ctx: Ctx

    def __init__(self, world: World | None = None, *, account_id: str = DEFAULT_ACCOUNT,
                 region: str = DEFAULT_REGION, analyser: Analyser | None = None,
                 access_analyser: AccessScopeAnalyser | None = None) -> None:
        if not is_region(region):
            raise invalid_parameter_value(f"Invalid region: {region}")
        if not (len(account_id) == 12 and account_id.isdigit()):
            raise invalid_parameter_value(f"Invalid account id: {account_id} (expected 12 digits)")
        self.world = world if world is not None else World()
        self.ctx = Ctx(self.world, account_id, region, analyser, access_analyser)

    @property
    def account_id(self) -> str:
        return self.ctx.account_id

    @property
    def region(self) -> str:
        return self.ctx.region

    def as_(self, account_id: str | None = None, region: str | None = None) -> ControlPlane:
        """The same World, seen by another account and/or from another Region."""
        return type(self)(self.world, account_id=account_id or self.account_id,
                          region=region or self.region, analyser=self.ctx.analyser,
                          access_analyser=self.ctx.access_analyser)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        fn = ACTIONS.get(name)
        if fn is None:
            raise AttributeError(f"ControlPlane has no action {name!r}")
        ctx = self.ctx
        check_tags = name not in _TAGS_UNCHECKED

        def run(*args: Any, **params: Any) -> Any:
            if check_tags:
                given = params.get("tags")
                if given:  # AWS's tag restrictions, wherever tags enter (nothing changed yet)
                    tags.validate_tags(given)
            with ctx.world.transaction():
                return fn(ctx, *args, **params)

        run.__name__ = name
        run.__doc__ = fn.__doc__
        return run

    def call(self, name: str, params: dict[str, Any]) -> Any:
        """Run an action by its snake_case name with keyword parameters (what ``getattr(cp, name)``
        runs, without making the bound function: loaders make hundreds of thousands of calls)."""
        fn = ACTIONS.get(name)
        if fn is None:
            raise AttributeError(f"ControlPlane has no action {name!r}")
        if name not in _TAGS_UNCHECKED:
            given = params.get("tags")
            if given:  # AWS's tag restrictions, wherever tags enter (nothing changed yet)
                tags.validate_tags(given)
        with self.ctx.world.transaction():
            return fn(self.ctx, **params)

    @staticmethod
    def actions() -> list[str]:
        """Every action's name, sorted."""
        return sorted(ACTIONS)

    @staticmethod
    def has_action(name: str) -> bool:
        """Whether ``name`` (snake_case) is an action of the ControlPlane."""
        return name in ACTIONS

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(ACTIONS))
