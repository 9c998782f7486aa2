"""bench/terraform.py's plan loads (the benchmark itself runs in `make bench`)."""

from __future__ import annotations

from bench import terraform


def test_the_benchmark_plan_loads() -> None:
    resources, seconds = terraform.run(vpcs=3)
    assert resources == 3 * 14
    assert seconds > 0
    assert "Terraform plan load (42 resources" in terraform.report((resources, seconds))[0]
