"""Shared fixtures: a fresh World and ControlPlane per test, and helpers to assert AWS errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from vpclab import AwsError, ControlPlane, World

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"


@pytest.fixture
def world() -> World:
    return World(seed=7)


@pytest.fixture
def cp(world: World) -> ControlPlane:
    """Account 111111111111 in us-east-1."""
    return ControlPlane(world, account_id=ACCOUNT_A, region="us-east-1")


@contextmanager
def raises_aws(code: str, message: str | None = None) -> Iterator[pytest.ExceptionInfo[AwsError]]:
    """Assert the block raises AwsError with AWS's exact code (and message, when given)."""
    with pytest.raises(AwsError) as info:
        yield info
    assert info.value.code == code, f"expected {code}, got {info.value.code}: {info.value.message}"
    if message is not None:
        assert info.value.message == message


@contextmanager
def unchanged(world: World) -> Iterator[None]:
    """Assert the block leaves the World exactly as it was (resources and their values)."""
    before = {r.id: r for r in world.resources()}
    version = world.version
    try:
        yield
    finally:
        after = {r.id: r for r in world.resources()}
        assert after == before, "a failed operation changed the World"
        assert world.version == version
