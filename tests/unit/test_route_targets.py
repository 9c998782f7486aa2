"""The one route-target table (model.route_table.ROUTE_TARGETS) agrees with every layer that reads it."""

from __future__ import annotations

import dataclasses
import inspect

from vpclab.aws import protocol
from vpclab.control.plane import ACTIONS
from vpclab.model.base import ID_PREFIXES as PREFIXES
from vpclab.model.route_table import ROUTE_TARGETS, TARGET_FIELDS, YAML_TARGETS, Route
from vpclab.topology.resolve import ROUTE_TARGETS as TOPOLOGY_TARGETS


def test_every_target_is_a_route_field_and_a_create_route_parameter() -> None:
    route_fields = {f.name for f in dataclasses.fields(Route)}
    params = set(inspect.signature(ACTIONS["create_route"]).parameters)
    replace_params = set(inspect.signature(ACTIONS["replace_route"]).parameters)
    for t in ROUTE_TARGETS:
        assert t.field in route_fields and t.field in params and t.field in replace_params, t
    assert tuple(t.field for t in ROUTE_TARGETS) == TARGET_FIELDS


def test_wire_names_are_members_of_aws_route_shape() -> None:
    """EC2 API reference, Route: the members an answer shows a route's target in."""
    route_shape = protocol.operation("ec2", "DescribeRouteTables").output_shape  # type: ignore[union-attr]
    tables = route_shape.members["RouteTables"].member
    members = set(tables.members["Routes"].member.members)
    for t in ROUTE_TARGETS:
        assert t.wire in members, t


def test_kinds_have_id_prefixes_and_yaml_spellings_reach_the_topology() -> None:
    for t in ROUTE_TARGETS:
        assert all(k in PREFIXES for k in t.kinds), t
    assert set(TOPOLOGY_TARGETS) == set(YAML_TARGETS)
