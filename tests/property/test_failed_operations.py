"""Property: a failed ControlPlane operation leaves the World exactly as it was (DESIGN §5.9).

Random sequences of VPC, subnet and CIDR operations — many of them invalid — are applied; after
every call that raises AwsError, the World's resources and version must be unchanged.
"""

from __future__ import annotations

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
        calls = {
            "vpc": lambda: cp.create_vpc(cidr_block=cidr),
            "subnet": lambda: cp.create_subnet(vpc_id=vpc_id, cidr_block=cidr.replace("/16", "/24")),
            "assoc": lambda: cp.associate_vpc_cidr_block(vpc_id=vpc_id, cidr_block=cidr),
            "delete_vpc": lambda: cp.delete_vpc(vpc_id=vpc_id),
            "delete_subnet": lambda: cp.delete_subnet(
                subnet_id=subnets[k % len(subnets)] if subnets else "subnet-00000000000000000"),
        }
        before, version = {r.id: r for r in world.resources()}, world.version
        try:
            calls[op]()
        except AwsError:
            assert {r.id: r for r in world.resources()} == before
            assert world.version == version
