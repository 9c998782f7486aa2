"""Property: a failed ControlPlane operation leaves the World exactly as it was (DESIGN §5.9).

Random sequences of VPC, subnet and CIDR operations — many of them invalid — are applied; after
every call that raises AwsError, the World's resources and version must be unchanged.
"""

from __future__ import annotations

from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from vpclab import AwsError, ControlPlane, World

cidrs = st.builds(lambda a, b, p: f"10.{a}.{b}.0/{p}", st.integers(0, 3), st.sampled_from([0, 128]),
                  st.sampled_from([8, 16, 17, 24, 25, 29]))
ops = st.lists(st.tuples(st.sampled_from(["vpc", "subnet", "assoc", "delete_vpc", "delete_subnet"]),
                         cidrs, st.integers(0, 5)), max_size=25)


@given(ops)
@settings(max_examples=60, deadline=None)
def test_failed_operations_change_nothing(sequence) -> None:
    world = World(seed=1)
    cp = ControlPlane(world)
    for op, cidr, k in sequence:
        vpcs = [r.id for r in world.resources() if r.id.startswith("vpc-")]
        subnets = [r.id for r in world.resources() if r.id.startswith("subnet-")]
        vpc_id = vpcs[k % len(vpcs)] if vpcs else "vpc-00000000000000000"
        subnet_id = subnets[k % len(subnets)] if subnets else "subnet-00000000000000000"
        # partial binds this iteration's values now (a closure over the loop variables would not)
        calls = {
            "vpc": partial(cp.create_vpc, cidr_block=cidr),
            "subnet": partial(cp.create_subnet, vpc_id=vpc_id, cidr_block=cidr.replace("/16", "/24")),
            "assoc": partial(cp.associate_vpc_cidr_block, vpc_id=vpc_id, cidr_block=cidr),
            "delete_vpc": partial(cp.delete_vpc, vpc_id=vpc_id),
            "delete_subnet": partial(cp.delete_subnet, subnet_id=subnet_id),
        }
        before, version = {r.id: r for r in world.resources()}, world.version
        try:
            calls[op]()
        except AwsError:
            assert {r.id: r for r in world.resources()} == before
            assert world.version == version
