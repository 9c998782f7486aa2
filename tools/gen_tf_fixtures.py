"""Write the Terraform JSON examples (examples/terraform/*.json) from tests/interop/terraform/networks.py.

    PYTHONPATH=src python tools/gen_tf_fixtures.py

No terraform binary is installable here: the files are written to HashiCorp's documented "JSON
Output Format" by tests/interop/terraform/tfjson.py; tests/interop/terraform/test_cli.py fails
when they are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.interop.terraform import networks  # noqa: E402

FILES = {"plan.json": networks.change, "plan-new.json": networks.new_network, "state.json": networks.state}


def render(name: str) -> str:
    return json.dumps(FILES[name](), indent=2) + "\n"


def main() -> None:
    out = ROOT / "examples" / "terraform"
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out / name).write_text(render(name), encoding="utf-8")
        print(f"wrote examples/terraform/{name}")


if __name__ == "__main__":
    main()
