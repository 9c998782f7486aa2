"""``vpclab import terraform``: a Terraform plan or state in, a topology YAML file out.

The plan → network pipeline lives in interop/terraform_import.py; this is its shell: one-line
errors naming the file and JSON path, exit 1, never a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..core.errors import VpclabError
from .common import EXIT_INVALID, check_files, err, out

app = typer.Typer(
    help="Bring real networks in: Terraform plans and state (see docs/interop.md).\n\n"
    "Example:  vpclab import terraform --help",
    no_args_is_help=True,
)


class Side(StrEnum):
    planned = "planned"
    prior = "prior"


@app.command("terraform")
def terraform(
    file: Annotated[
        Path,
        typer.Argument(
            help="`terraform show -json` output of a saved plan, or of a state.",
            show_default=False,
            metavar="PLAN.json",
        ),
    ],
    side: Annotated[
        Side,
        typer.Option(
            "--side", metavar="planned|prior", help="planned: the network after the change; prior: before it."
        ),
    ] = Side.planned,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="OUT.yaml", help="Write the topology here (default: standard output)."
        ),
    ] = None,
) -> None:
    """Translate a Terraform plan (or state) into a vpclab topology YAML file.

    Every aws_* resource vpclab models becomes a resource named after its Terraform address
    (module.net.aws_vpc.this[0] → module.net.aws_vpc.this.0); values unknown until apply are
    followed through the plan's configuration references. The network is loaded through AWS's
    rules first, so what is printed is a topology vpclab accepts.

    Example:  vpclab import terraform examples/terraform/plan.json -o after.yaml
    """
    from ..interop.terraform_import import TerraformProblems, load_plan, notes, to_yaml, topology

    check_files([file])
    try:
        topo, doc = topology(file, side.value)
        load_plan(file, side.value)  # AWS's rules: a topology vpclab would refuse is not printed
    except (VpclabError, TerraformProblems) as exc:
        out().print(str(exc), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    for line in notes(doc):
        err().print(line, markup=False)
    text = to_yaml(topo, header=f"# vpclab topology imported from {file} ({side.value} values)\n")
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
