"""vpclab: an offline lab for AWS VPC connectivity.

    >>> import vpclab
    >>> cp = vpclab.ControlPlane()
    >>> vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
"""

from .control import ControlPlane
from .errors import AwsError, VpclabError
from .model.world import World

__all__ = ["AwsError", "ControlPlane", "VpclabError", "World"]
__version__ = "0.1.0"
