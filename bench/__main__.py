"""Run every benchmark and print each figure beside its same-run baseline."""

from __future__ import annotations

import platform
import sys
from datetime import date

from . import control_plane


def main() -> int:
    print(f"vpclab benchmarks — {date.today()} — {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}")
    print(f"{'benchmark':70} {'vpclab':>10} {'baseline':>10} {'ratio':>8}")
    for name, value, baseline in control_plane.run():
        print(f"{name:70} {value * 1000:8.1f}ms {baseline * 1000:8.1f}ms {value / baseline:7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
