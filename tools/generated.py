"""What every generator in tools/ does with its output: write it, or with ``--check`` say it is stale."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(out: Path, text: str, command: str, argv: list[str]) -> int:
    """Write ``text`` to ``out`` (0); with ``--check`` in ``argv`` compare instead (1 if stale)."""
    if "--check" in argv:
        if not out.exists() or out.read_text() != text:
            print(f"{out.relative_to(ROOT)} is stale: run {command}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text)
    print(f"wrote {out.relative_to(ROOT)}")
    return 0
