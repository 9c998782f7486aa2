"""A World with names: the facade that YAML topologies, snapshots and plans all build.

    >>> import vpclab
    >>> net = vpclab.load("examples/two-peered-vpcs.yaml")
    >>> net.trace("web-1", "db-1", protocol="tcp", port=5432).disposition
    'reachable'

``Network`` answers questions by name (trace, matrix, check, diff) over ``vpclab.reach``; it sits
above the analysis and below every front end, so whatever builds a World with names can ask.
"""

from .diff import DEFAULT_FLOWS, FlowChange, NetworkDiff
from .facade import Network, diff
from .intents import CheckReport, Intent, IntentError

__all__ = ["DEFAULT_FLOWS", "CheckReport", "FlowChange", "Intent", "IntentError", "Network", "NetworkDiff",
           "diff"]
