"""Errors vpclab raises.

``AwsError`` carries AWS's exact error code and message; every rule the ControlPlane enforces
raises one, so a YAML file, the Python API and the EC2 endpoint all report the same thing.
"""

from __future__ import annotations


class VpclabError(Exception):
    """Base of every error vpclab raises on purpose."""


class AwsError(VpclabError):
    """An error AWS itself would return: ``code`` and ``message`` exactly as AWS words them.

    >>> AwsError("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist").code
    'InvalidVpcID.NotFound'
    """

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AwsError) and (self.code, self.message) == (other.code, other.message)

    def __hash__(self) -> int:
        return hash((self.code, self.message))


def wire_name(snake: str, *, lower_first: bool = False) -> str:
    """AWS's name for a snake_case parameter, as AWS's messages spell it:
    ``transit_gateway_cidr_blocks`` → ``TransitGatewayCidrBlocks``
    (with ``lower_first``: ``transitGatewayCidrBlocks``).

    >>> wire_name("dns_support", lower_first=True)
    'dnsSupport'
    """
    name = "".join(part[:1].upper() + part[1:] for part in snake.split("_"))
    return name[:1].lower() + name[1:] if lower_first else name


def invalid_parameter_value(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


def missing_parameter(name: str) -> AwsError:
    return AwsError("MissingParameter", f"The request must contain the parameter {name}")


def invalid_parameter_combination(message: str) -> AwsError:
    return AwsError("InvalidParameterCombination", message)


def unauthorized(message: str = "You are not authorized to perform this operation.") -> AwsError:
    return AwsError("UnauthorizedOperation", message)


def dependency_violation(message: str) -> AwsError:
    return AwsError("DependencyViolation", message)
