"""The World: journaled transactions, indexes and change listeners."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc
from vpclab.model.world import World


def _vpc(world: World, cidr: str = "10.0.0.0/16") -> Vpc:
    return Vpc(id=world.ids.new("vpc"), owner_id="111111111111", region="us-east-1", cidr_block=cidr)


def test_transaction_rolls_back_puts_replacements_and_removals() -> None:
    world = World(seed=1)
    keep = world.put(_vpc(world))
    gone = world.put(_vpc(world, "10.1.0.0/16"))
    before = {r.id: r for r in world.resources()}
    with pytest.raises(RuntimeError), world.transaction():
        world.put(replace(keep, state="pending"))
        world.remove(gone.id)
        world.put(_vpc(world, "10.2.0.0/16"))
        raise RuntimeError("boom")
    assert {r.id: r for r in world.resources()} == before
    assert list(world.all(Vpc)) == [keep, gone]
    assert list(world.in_vpc(gone.id, Vpc)) == [gone]


def test_listeners_see_one_change_set_per_transaction() -> None:
    world = World(seed=1)
    seen: list[dict] = []
    world.subscribe(seen.append)
    with world.transaction():
        vpc = world.put(_vpc(world))
        world.put(replace(vpc, state="pending"))
    assert len(seen) == 1 and seen[0][vpc.id] == (None, world.get(vpc.id))
    with pytest.raises(ValueError), world.transaction():
        world.remove(vpc.id)
        raise ValueError
    assert len(seen) == 1 and world.version == 1


def test_in_vpc_index_follows_changes() -> None:
    world = World(seed=1)
    vpc = world.put(_vpc(world))
    subnet = world.put(Subnet(id="subnet-1", owner_id="1", region="us-east-1", vpc_id=vpc.id,
                              cidr_block="10.0.0.0/24", availability_zone="us-east-1a",
                              availability_zone_id="use1-az1"))
    assert list(world.in_vpc(vpc.id, Subnet)) == [subnet]
    world.remove(subnet.id)
    assert list(world.in_vpc(vpc.id, Subnet)) == []


def test_ids_are_deterministic_under_a_seed() -> None:
    assert World(seed=3).ids.new("vpc") == World(seed=3).ids.new("vpc")
    assert World(seed=3).ids.new("vpc").startswith("vpc-")
    assert len(World(seed=3).ids.new("vpc")) == len("vpc-") + 17


def test_a_failing_listener_rolls_the_change_back() -> None:
    """The durable store subscribes to the World: if it cannot record a change, the change is undone."""
    world = World(seed=1)
    kept = world.put(_vpc(world))

    def refuse(changes: dict) -> None:
        raise OSError("disk full")

    world.subscribe(refuse)
    with pytest.raises(OSError):
        world.put(_vpc(world, "10.1.0.0/16"))
    assert list(world.resources()) == [kept] and world.version == 1


def test_new_ids_never_collide_with_restored_resources() -> None:
    first = World(seed=9)
    vpc = first.put(_vpc(first))
    restored = World(seed=9)  # a restart replays the same seed
    restored.put(vpc)
    assert restored.new_id("vpc") != vpc.id
