"""uv.lock, from which `make` installs, names PyPI only: no local index, wheel directory or file path
of the machine it was made on (`make test` checks separately, with `uv lock --check`, that it matches
pyproject.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def test_every_locked_package_comes_from_pypi() -> None:
    for package in LOCK["package"]:
        source = package["source"]
        if package["name"] == "vpclab":
            assert source == {"editable": "."}
            continue
        assert source == {"registry": "https://pypi.org/simple"}, (package["name"], source)
        for dist in [package.get("sdist", {}), *package.get("wheels", [])]:
            if dist:
                assert dist["url"].startswith("https://files.pythonhosted.org/"), (package["name"], dist)
                assert dist["hash"].startswith("sha256:")


def test_the_lock_names_no_local_path() -> None:
    text = (ROOT / "uv.lock").read_text(encoding="utf-8")
    assert "file://" not in text and "/opt/" not in text
