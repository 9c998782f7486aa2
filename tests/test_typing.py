"""mypy over src/vpclab, with the project's configuration ([tool.mypy] in pyproject.toml): no errors.

plane.pyi (generated, see tests/unit/test_plane_stub.py) gives type checkers the ControlPlane's
actions; because a stub hides its module's source from mypy, plane.py itself is checked separately.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api  # in the test extra

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "vpclab"


def _mypy(cache: Path, *targets: Path) -> None:
    stdout, stderr, status = api.run([
        "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache),
        "--no-error-summary", "--hide-error-context", *map(str, targets),
    ])
    assert status == 0 and not stdout.strip(), f"mypy found errors:\n{stdout}{stderr}"


@pytest.mark.slow
def test_mypy_finds_no_errors_in_the_package(tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path_factory.mktemp("mypy_cache")
    _mypy(cache, SRC)
    _mypy(cache, SRC / "control" / "plane.py")  # the stub's module, which the run above reads as plane.pyi
