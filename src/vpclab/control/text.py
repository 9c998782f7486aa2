"""Free text AWS stores (names, descriptions): its length and its characters, checked once here.

Security groups keep their own, stricter character set (``security_group.check_group_text``) and
tags theirs (``tags.validate_tags``); every other name or description goes through ``check_text``.
"""

from __future__ import annotations

from ..core.errors import invalid_parameter_value
from ..core.text import describe_char, invalid_char

#: the bound AWS documents for most EC2 names and descriptions ("Up to 255 characters in length":
#: API_CreateManagedPrefixList PrefixListName, API_AddPrefixListEntry Description,
#: API_CreateCustomerGateway DeviceName). Where AWS documents no bound (a network interface's or a
#: transit gateway's description) vpclab applies the same one: the API reference is silent, and a
#: bound keeps a request's work and the state file's rows small.
MAX_TEXT_LENGTH = 255


def check_text(param: str, value: str | None, *, max_length: int = MAX_TEXT_LENGTH) -> None:
    """``value`` (None: not given) is at most ``max_length`` characters an answer can carry, or
    InvalidParameterValue naming ``param`` as AWS's messages do."""
    if value is None:
        return
    if not isinstance(value, str):
        raise invalid_parameter_value(f"Value for parameter {param} is invalid: expected a string.")
    if len(value) > max_length:
        raise invalid_parameter_value(f"Value for parameter {param} is invalid. "
                                      f"Length exceeds maximum of {max_length} characters.")
    bad = invalid_char(value)
    if bad is not None:
        raise invalid_parameter_value(f"Value for parameter {param} is invalid: "
                                      f"character {describe_char(bad)} is not allowed.")
