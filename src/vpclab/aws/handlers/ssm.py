"""AWS Systems Manager (service ``ssm``, JSON 1.1): the public parameters that name the image
catalogue's AMIs — GetParameter, GetParameters, GetParametersByPath.

AWS: "Discovering public parameters in Parameter Store"
(https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html)
and the API reference of each action. Read-only: vpclab keeps no parameters of its own (no
PutParameter), so every other name is ``ParameterNotFound``. ``WithDecryption`` is accepted and
changes nothing, as AWS documents for ``String`` parameters ("ignored for String and StringList
parameter types"); no public parameter is a ``SecureString``, so ``InvalidKeyId`` never arises.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import AwsError
from ...model.public_parameters import PublicParameter, public_parameters
from ..registry import Call, handler

Shape = dict[str, Any]

#: GetParametersByPath's default page (the model's maximum for MaxResults)
_PAGE = 10
#: the filter keys vpclab answers (GetParametersByPath; AWS also has KeyId, Label and tag:…, which no
#: public parameter carries)
_FILTER_KEYS = ("Type", "DataType")


def _parameter(p: PublicParameter, selector: str | None = None) -> Shape:
    out: Shape = {
        "Name": p.name,
        "Type": p.type,
        "Value": p.value,
        "Version": p.version,
        "LastModifiedDate": p.last_modified_date,
        "ARN": p.arn,
        "DataType": p.data_type,
    }
    if selector:
        out["Selector"] = selector
    return out


def _split(call: Call, name: str) -> tuple[str, str | None]:
    """(name, selector) of ``name[:version|:label]``; an ARN of the caller's Region is its name."""
    arn_prefix = f"arn:aws:ssm:{call.region}::parameter"
    if name.startswith(arn_prefix + "/"):
        name = name[len(arn_prefix) :]
    base, sep, selector = name.rpartition(":")
    if sep and base and ":" not in base:
        return base, ":" + selector
    return name, None


def _lookup(call: Call, name: str) -> tuple[PublicParameter | None, str | None, AwsError | None]:
    base, selector = _split(call, name)
    found = public_parameters(call.region).get(base)
    if found is None:
        return None, selector, AwsError("ParameterNotFound", "")
    if selector is not None and selector[1:].isdigit() and int(selector[1:]) != found.version:
        return (
            found,
            selector,
            AwsError(
                "ParameterVersionNotFound",
                f"Systems Manager could not find version {selector[1:]} of {base}. "
                "Verify the version and try again.",
            ),
        )
    if selector is not None and not selector[1:].isdigit():
        # a label: public parameters carry none
        return None, selector, AwsError("ParameterNotFound", "")
    return found, selector, None


@handler("GetParameter", service="ssm")
def get_parameter(call: Call) -> Shape:
    """AWS GetParameter
    (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html)."""
    found, selector, error = _lookup(call, call.params["Name"])
    if error is not None:
        raise error
    assert found is not None
    return {"Parameter": _parameter(found, selector)}


@handler("GetParameters", service="ssm")
def get_parameters(call: Call) -> Shape:
    """AWS GetParameters: the names found, and the others under ``InvalidParameters``
    (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html)."""
    params: list[Shape] = []
    invalid: list[str] = []
    for name in dict.fromkeys(call.params["Names"]):  # a name asked twice is answered once
        found, selector, error = _lookup(call, name)
        if error is not None or found is None:
            invalid.append(name)
        else:
            params.append(_parameter(found, selector))
    return {"Parameters": params, "InvalidParameters": invalid}


def _filters(raw: list[dict[str, Any]]) -> list[tuple[str, set[str]]]:
    out = []
    for f in raw:
        key, option = f["Key"], f.get("Option", "Equals")
        if key not in _FILTER_KEYS:
            raise AwsError(
                "InvalidFilterKey",
                f"The following filter key is not valid: {key}. "
                f"Valid filter keys include: [{', '.join(_FILTER_KEYS)}].",
            )
        if option != "Equals":
            raise AwsError(
                "InvalidFilterOption",
                f"The following filter option is not valid: {option}. Valid options include: [Equals].",
            )
        if not f.get("Values"):
            raise AwsError(
                "InvalidFilterValue", f"The following filter values are missing : null for filter key {key}."
            )
        out.append((key, set(f["Values"])))
    return out


@handler("GetParametersByPath", service="ssm")
def get_parameters_by_path(call: Call) -> Shape:
    """AWS GetParametersByPath: the parameters one level under the path (all levels with
    ``Recursive``), at most ``MaxResults`` (10) a page
    (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html)."""
    path = call.params["Path"]
    if not path.startswith("/"):
        # AWS: "Hierarchies start with a forward slash (/)"; the wording of its refusal is
        # undocumented (ValidationException, SSM's error for an invalid request)
        raise AwsError(
            "ValidationException", f"The parameter path {path} must begin with a forward slash (/)."
        )
    prefix = path.rstrip("/") + "/"
    recursive = bool(call.params.get("Recursive"))
    filters = _filters(call.params.get("ParameterFilters") or [])
    matches = [
        p
        for name, p in public_parameters(call.region).items()
        if name.startswith(prefix)
        and (recursive or "/" not in name[len(prefix) :])
        and all((p.type if key == "Type" else p.data_type) in values for key, values in filters)
    ]
    start = 0
    token = call.params.get("NextToken")
    if token is not None:
        if not token.isdigit() or not 0 < int(token) < len(matches):
            raise AwsError("InvalidNextToken", "The specified token is not valid.")
        start = int(token)
    size = call.params.get("MaxResults", _PAGE)
    page = matches[start : start + size]
    out: Shape = {"Parameters": [_parameter(p) for p in page]}
    if start + size < len(matches):
        out["NextToken"] = str(start + size)
    return out
