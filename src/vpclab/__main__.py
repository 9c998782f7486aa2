"""`python -m vpclab …` runs the vpclab command line."""

from .cli.main import app

app(prog_name="vpclab")
