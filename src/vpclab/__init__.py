"""vpclab: an offline lab for AWS VPC connectivity.

    >>> import vpclab
    >>> cp = vpclab.ControlPlane()                       # AWS's rules over an empty World
    >>> vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    >>> net = vpclab.load("examples/two-peered-vpcs.yaml")  # a YAML topology, by name
"""

from .control import ControlPlane
from .core.errors import AwsError, VpclabError
from .model.world import World
from .topology import Network, TopologyError, load, loads
from .topology.network import diff

__all__ = ["AwsError", "ControlPlane", "Network", "TopologyError", "VpclabError", "World", "diff", "load",
           "loads"]
__version__ = "0.1.0"
