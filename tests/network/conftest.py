"""Helpers for the reachability front end's tests: examples by name, edited copies of examples."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import vpclab
from vpclab.network import Network

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def example(name: str) -> Network:
    return vpclab.load(EXAMPLES / f"{name}.yaml")


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """``edited("centralized-egress", ("old text", "new text"), ...)``: an edited copy of an example."""

    def make(name: str, *changes: tuple[str, str]) -> Path:
        text = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
        for old, new in changes:
            assert old in text, f"{old!r} is not in {name}.yaml"
            text = text.replace(old, new)
        path = tmp_path / f"{name}.edited.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return make
