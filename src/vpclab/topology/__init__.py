"""Topologies as YAML: resources by name, loaded through the ControlPlane.

    >>> from vpclab.topology import loads
    >>> net = loads('''
    ... vpcs:
    ...   app: {cidr: 10.0.0.0/16, subnets: {web: {cidr: 10.0.1.0/24}}}
    ... ''')
    >>> net.resource("web").cidr_block
    '10.0.1.0/24'

The format is documented in docs/yaml.md; ``json_schema()`` is its JSON Schema.
"""

from .errors import Problem, TopologyError
from .loader import load, loads
from .schema import Topology, json_schema

__all__ = ["Problem", "Topology", "TopologyError", "json_schema", "load", "loads"]
