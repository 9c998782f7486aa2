"""Terraform plans and state in: ``terraform show -json`` output read as a vpclab network.

    >>> from vpclab.interop.terraform import load_plan
    >>> after = load_plan("tests/interop/terraform/plan-basic.json")  # doctest: +SKIP

HashiCorp documents the format as "JSON Output Format"
(https://developer.hashicorp.com/terraform/internals/json-format): a saved plan has
``planned_values``, ``resource_changes`` (``change.after`` and ``change.after_unknown``),
``prior_state`` and ``configuration``; a state has ``values``. The pipeline, in one function
(``topology``): read → pick the resource instances of one side (planned or prior) → translate
each into the YAML topology's shape (terraform_map.py) → load it through the ControlPlane like any
YAML file, so AWS's rules and errors apply.

Values unknown until apply (ids above all) are placeholders: a resource is named after its
Terraform address (``module.net.aws_vpc.this[0]`` → ``module.net.aws_vpc.this.0``) and a reference
to it is followed through the ``configuration`` expressions' ``references``, so the network keeps
its shape before any id exists. Every bad input is one line naming the file and the JSON path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..core.errors import VpclabError
from ..core.source import MAX_FILE_CHARS

#: the JSON Output Format's major version vpclab reads (HashiCorp: a minor bump stays compatible)
FORMAT_MAJOR = 1
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


class TerraformError(VpclabError):
    """A plan or state vpclab cannot read: ``FILE: JSON_PATH: message``, one line."""

    def __init__(self, file: str, path: str, message: str) -> None:
        self.file, self.path, self.message = file, path, message
        super().__init__(f"{file}: {path}: {message}")


@dataclass
class Instance:
    """One resource instance of one side of the plan."""

    address: str  # module.net.aws_vpc.this[0]
    type: str
    index: Any  # count index (int), for_each key (str) or None
    config: str  # module.net.aws_vpc.this (the configuration block's address, no indices)
    module: str  # module.net (config path of the module, no indices) or ""
    values: dict[str, Any]
    unknown: dict[str, Any]
    path: str  # JSON path of the instance in the file
    name: str = ""

    @cached_property
    def module_instance(self) -> str:
        """The module instance holding it, keys kept: ``module.vpc["a"]`` ("" at the root)."""
        m = _MODULE_INSTANCE.match(self.address)
        return m.group(0).rstrip(".") if m else ""

    def related(self, other: Instance) -> bool:
        """Whether ``other`` sits in this instance's module instance, one above or one below it."""
        a, b = self.module_instance, other.module_instance
        return not a or not b or a == b or a.startswith(b + ".") or b.startswith(a + ".")


@dataclass
class Document:
    """A parsed plan or state: its instances on the requested side, and the configuration."""

    file: str
    kind: str  # "plan" or "state"
    instances: list[Instance]
    config: dict[str, dict[str, Any]] = field(default_factory=dict)  # config address → resource block
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)  # module path ("" root) → module block
    region: str | None = None
    skipped: list[str] = field(default_factory=list)  # other providers' resources (counted, reported)


_MODULE_INSTANCE = re.compile(r'(?:module\.[\w-]+(?:\["[^"]*"\]|\[\d+\])?\.)*')
_INDEX = re.compile(r"\[[^\]]*\]")
_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def name_of(address: str) -> str:
    """A topology name for a Terraform address: ``aws_subnet.app["a"]`` → ``aws_subnet.app.a``."""
    text = re.sub(r'\[\s*"?([^\]"]*)"?\s*\]', r".\1", address)
    return _BAD.sub("-", text).strip("-.") or "resource"


def config_address(address: str) -> str:
    return _INDEX.sub("", address)


def read(path: str | Path) -> dict[str, Any]:
    """The JSON document, or a one-line TerraformError (missing, too large, truncated, not an object)."""
    file = str(path)
    try:
        with Path(path).open("rb") as f:
            data = f.read(MAX_FILE_CHARS + 1)
    except OSError as exc:
        raise TerraformError(file, "$", f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_CHARS:
        raise TerraformError(file, "$", f"larger than {MAX_FILE_CHARS} bytes")
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TerraformError(file, "$", f"not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise TerraformError(
            file,
            f"$ (line {exc.lineno} column {exc.colno})",
            f"invalid JSON: {exc.msg} (is the file truncated?)",
        ) from None
    if not isinstance(doc, dict):
        raise TerraformError(
            file, "$", "not a Terraform JSON document (expected an object from `terraform show -json`)"
        )
    version = doc.get("format_version")
    if not isinstance(version, str):
        raise TerraformError(file, "$.format_version", "missing: not `terraform show -json` output")
    major = version.split(".", 1)[0]
    if not major.isdigit() or int(major) != FORMAT_MAJOR:
        raise TerraformError(
            file,
            "$.format_version",
            f"format {version} is not supported: vpclab reads format {FORMAT_MAJOR}.x "
            f"of HashiCorp's JSON Output Format",
        )
    return doc


def _obj(value: Any, file: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TerraformError(file, path, f"expected an object, found {type(value).__name__}")
    return value


def _list(value: Any, file: str, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TerraformError(file, path, f"expected a list, found {type(value).__name__}")
    return value


def _module_resources(module: Any, file: str, path: str) -> list[tuple[dict[str, Any], str]]:
    """Every resource of a ``values`` module and its child modules, with its JSON path."""
    module = _obj(module, file, path)
    found: list[tuple[dict[str, Any], str]] = []
    for i, r in enumerate(_list(module.get("resources"), file, f"{path}.resources")):
        found.append((_obj(r, file, f"{path}.resources[{i}]"), f"{path}.resources[{i}]"))
    for i, child in enumerate(_list(module.get("child_modules"), file, f"{path}.child_modules")):
        found += _module_resources(child, file, f"{path}.child_modules[{i}]")
    return found


def _config_resources(
    module: dict[str, Any], prefix: str, out: dict[str, dict[str, Any]], modules: dict[str, dict[str, Any]]
) -> None:
    modules[prefix.rstrip(".")] = module
    for r in module.get("resources") or []:
        if (
            isinstance(r, dict)
            and r.get("mode", "managed") == "managed"
            and isinstance(r.get("address"), str)
        ):
            out[prefix + r["address"]] = r
    for name, call in (module.get("module_calls") or {}).items():
        if isinstance(call, dict) and isinstance(call.get("module"), dict):
            _config_resources(call["module"], f"{prefix}module.{name}.", out, modules)


def _module_of(address: str) -> str:
    parts = config_address(address).split(".")
    mods = []
    while len(parts) >= 2 and parts[0] == "module":
        mods += parts[:2]
        parts = parts[2:]
    return ".".join(mods)


def _instance(r: dict[str, Any], path: str, file: str, values: Any, unknown: Any) -> Instance:
    address = r.get("address")
    rtype = r.get("type")
    if not isinstance(address, str) or not isinstance(rtype, str):
        raise TerraformError(file, path, "a resource without address and type")
    return Instance(
        address=address,
        type=rtype,
        index=r.get("index"),
        config=config_address(address),
        module=_module_of(address),
        values=_obj(values or {}, file, path),
        unknown=unknown if isinstance(unknown, dict) else {},
        path=path,
    )


def document(doc: dict[str, Any], file: str, side: str = "planned") -> Document:
    """The managed resource instances of one side: ``planned`` (after the change) or ``prior``.

    A state (no ``resource_changes``/``planned_values``) has one side, its ``values``."""
    is_plan = "planned_values" in doc or "resource_changes" in doc
    raw: list[tuple[dict[str, Any], str, Any, Any]] = []
    if is_plan and side == "planned":
        for i, rc in enumerate(_list(doc.get("resource_changes"), file, "$.resource_changes")):
            path = f"$.resource_changes[{i}]"
            rc = _obj(rc, file, path)
            change = _obj(rc.get("change"), file, f"{path}.change")
            actions = change.get("actions") or []
            if rc.get("mode", "managed") != "managed" or actions == ["delete"]:
                continue
            raw.append((rc, path, change.get("after"), change.get("after_unknown")))
    else:
        root: Any = None
        path = "$.values.root_module"
        if is_plan:
            prior = doc.get("prior_state")
            if isinstance(prior, dict):
                root = (prior.get("values") or {}).get("root_module")
                path = "$.prior_state.values.root_module"
        else:
            root = (doc.get("values") or {}).get("root_module")
        if root is not None:
            for r, rpath in _module_resources(root, file, path):
                if r.get("mode", "managed") == "managed":
                    raw.append((r, rpath, r.get("values"), None))
    config: dict[str, dict[str, Any]] = {}
    modules: dict[str, dict[str, Any]] = {}
    configuration = doc.get("configuration")
    if isinstance(configuration, dict) and isinstance(configuration.get("root_module"), dict):
        _config_resources(configuration["root_module"], "", config, modules)
    out = Document(
        file=file,
        kind="plan" if is_plan else "state",
        instances=[],
        config=config,
        modules=modules,
        region=_region(configuration),
    )
    for r, path, values, unknown in raw:
        provider = r.get("provider_name")
        if isinstance(provider, str) and provider != AWS_PROVIDER and not provider.endswith("/aws"):
            out.skipped.append(f"{path}.provider_name")
            continue
        out.instances.append(_instance(r, path, file, values, unknown))
    if out.skipped and not out.instances and not _any_aws(doc):
        first = out.skipped[0]
        provider = _provider_at(raw, first)
        raise TerraformError(
            file,
            first,
            f"a plan of provider {provider}: vpclab reads the AWS provider's resources ({AWS_PROVIDER})",
        )
    names: dict[str, str] = {}
    for inst in out.instances:
        inst.name = name_of(inst.address)
        if inst.name in names:
            raise TerraformError(
                file, inst.path, f"{inst.address} and {names[inst.name]} get the same vpclab name {inst.name}"
            )
        names[inst.name] = inst.address
    return out


def _any_aws(doc: dict[str, Any]) -> bool:
    text = json.dumps(doc.get("resource_changes") or doc.get("values") or {})
    return AWS_PROVIDER in text


def _provider_at(raw: list[tuple[dict[str, Any], str, Any, Any]], path: str) -> str:
    for r, rpath, _, _ in raw:
        if path.startswith(rpath):
            return str(r.get("provider_name"))
    return "?"


def _region(configuration: Any) -> str | None:
    """The AWS provider block's constant ``region``, if the configuration gives one."""
    if not isinstance(configuration, dict):
        return None
    aws = (configuration.get("provider_config") or {}).get("aws")
    if not isinstance(aws, dict):
        return None
    region = ((aws.get("expressions") or {}).get("region") or {}).get("constant_value")
    return region if isinstance(region, str) else None


def has_change(doc: dict[str, Any]) -> bool:
    return "planned_values" in doc or "resource_changes" in doc
