"""vpclab: an offline lab for AWS VPC connectivity.

    >>> import vpclab
    >>> cp = vpclab.ControlPlane()                       # AWS's rules over an empty World
    >>> vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    >>> net = vpclab.load("examples/two-peered-vpcs.yaml")  # a YAML topology, by name
    >>> after = vpclab.load("examples/terraform/plan.json")  # a Terraform plan: the network after it

This module is the composition root of the Python API: it wires vpclab's tracer into the
ControlPlane as its Reachability Analyzer, so nothing below it imports across the layers.
"""

from __future__ import annotations

from pathlib import Path

from .control import ControlPlane as _BareControlPlane
from .control.access_scopes import AccessScopeAnalyser
from .control.insights import Analyser
from .core.errors import AwsError, VpclabError
from .model.regions import DEFAULT_ACCOUNT, DEFAULT_REGION
from .model.world import World
from .network import Network, diff
from .network.access_scopes import analyse_scope
from .network.insights import analyse
from .topology import TopologyError, loads


class ControlPlane(_BareControlPlane):
    """``vpclab.control.ControlPlane`` with vpclab's tracer as its Reachability Analyzer, so
    StartNetworkInsightsAnalysis (``start_network_insights_analysis``) answers."""

    def __init__(self, world: World | None = None, *, account_id: str = DEFAULT_ACCOUNT,
                 region: str = DEFAULT_REGION, analyser: Analyser | None = analyse,
                 access_analyser: AccessScopeAnalyser | None = analyse_scope) -> None:
        super().__init__(world, account_id=account_id, region=region, analyser=analyser,
                         access_analyser=access_analyser)


def load(path: str | Path) -> Network:
    """The network of a topology YAML file, of a snapshot folder (``vpclab snapshot aws``'s layout,
    or ``vpclab export describe-json``'s: ``vpclab.load("snap/")``, its load report — what was not
    modelled, what was inconsistent — in ``net.report``), or of a Terraform plan or state JSON file
    (``terraform show -json``: a plan's network after the change)."""
    if Path(path).is_dir():
        from .interop.snapshot_load import load_snapshot

        return load_snapshot(path)
    if str(path).endswith(".json"):
        from .interop.terraform_import import load_plan

        return load_plan(path)
    from .topology import load as load_topology

    return load_topology(path)


def __getattr__(name: str) -> object:
    """``vpclab.mock_aws``, imported on first use (it brings the endpoint's web stack)."""
    if name in ("mock_aws", "MockAws"):
        from . import mock

        return getattr(mock, name)
    raise AttributeError(f"module 'vpclab' has no attribute {name!r}")


__all__ = ["AwsError", "ControlPlane", "MockAws", "Network", "TopologyError", "VpclabError", "World", "diff",
           "load", "loads", "mock_aws"]
__version__ = "0.1.0"
