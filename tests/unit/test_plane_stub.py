"""src/vpclab/control/plane.pyi, the ControlPlane's typed face, is regenerated and must not drift.

Adding, removing or changing an action (or a member of plane.py's ControlPlane, or moving a module an
action's annotations name) changes the stub: run ``python tools/gen_plane_stub.py`` and commit it.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from vpclab.control import ControlPlane
from vpclab.control.plane import ACTIONS

ROOT = Path(__file__).resolve().parent.parent.parent
STUB = ROOT / "src" / "vpclab" / "control" / "plane.pyi"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_plane_stub", ROOT / "tools" / "gen_plane_stub.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered() -> str:
    return str(_generator().render())


def test_the_committed_stub_is_current(rendered: str) -> None:
    assert STUB.exists(), "no src/vpclab/control/plane.pyi: run python tools/gen_plane_stub.py"
    assert rendered == STUB.read_text(), (
        "src/vpclab/control/plane.pyi is stale (an action or ControlPlane member changed): "
        "run python tools/gen_plane_stub.py and commit the result")


def _methods(text: str) -> dict[str, ast.FunctionDef]:
    cls = next(n for n in ast.parse(text).body if isinstance(n, ast.ClassDef) and n.name == "ControlPlane")
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}


def test_the_stub_declares_every_action_without_its_ctx(rendered: str) -> None:
    methods = _methods(rendered)
    assert set(ACTIONS) <= set(methods)
    create_vpc = methods["create_vpc"]
    assert [a.arg for a in create_vpc.args.args] == ["self"]
    assert [a.arg for a in create_vpc.args.kwonlyargs] == [
        "cidr_block", "instance_tenancy", "amazon_provided_ipv6_cidr_block",
        "ipv6_cidr_block_network_border_group", "tags"]
    assert create_vpc.returns is not None and ast.unparse(create_vpc.returns) == "Vpc"
    assert (ast.get_docstring(create_vpc) or "").startswith("CreateVpc: ")


def test_the_stub_declares_the_classes_own_members_but_not_its_dynamic_lookup(rendered: str) -> None:
    methods = _methods(rendered)
    own = {name for name, value in vars(ControlPlane).items()
           if callable(value) or isinstance(value, property | staticmethod)} - {"__getattr__"}
    assert own <= set(methods)
    assert "__getattr__" not in methods  # else every misspelt action would type-check
    assert {"world: World", "ctx: Ctx"} <= {line.strip() for line in rendered.splitlines()}
