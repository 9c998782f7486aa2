"""The README's Python examples run as written (a feature is done when a user can use it from the
README). The boto3 example needs a live server and is exercised by tests/api instead."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


@pytest.mark.parametrize("block", [b for b in BLOCKS if "boto3" not in b],
                         ids=lambda b: b.split("\n")[0][:40])
def test_readme_python_block_runs(block: str) -> None:
    # the diff line needs two networks the reader brings; everything else runs as printed
    code = "\n".join(line for line in block.splitlines() if "old_net" not in line)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
