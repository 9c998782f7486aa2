"""Plan and state JSON written to HashiCorp's documented "JSON Output Format" (no terraform binary).

https://developer.hashicorp.com/terraform/internals/json-format — a saved plan's
``format_version``, ``planned_values`` (known values only), ``resource_changes`` (``change.before``,
``after``, ``after_unknown``), ``prior_state`` and ``configuration`` (each argument's expression:
``constant_value`` or ``references``, modules under ``module_calls``); a state's ``values``.
"""

from __future__ import annotations

import re
from typing import Any

AWS = "registry.terraform.io/hashicorp/aws"
_ADDR = re.compile(
    r"^(?P<module>(?:module\.[\w-]+(?:\[[^\]]+\])?\.)*)(?P<type>[\w]+)\.(?P<name>[\w-]+)"
    r"(?:\[(?P<index>[^\]]+)\])?$"
)


def _parse(address: str) -> dict[str, Any]:
    m = _ADDR.match(address)
    assert m, address
    index: Any = m["index"]
    if index is not None:
        index = int(index) if index.isdigit() else index.strip('"')
    module = m["module"].rstrip(".")
    return {"module": module, "type": m["type"], "name": m["name"], "index": index}


def _config_module(module: str) -> str:
    return re.sub(r"\[[^\]]+\]", "", module)


class Plan:
    """A saved plan under construction: ``add`` one resource instance (before and after)."""

    def __init__(self, region: str = "us-east-1", format_version: str = "1.2") -> None:
        self.region, self.format_version = region, format_version
        self.items: list[dict[str, Any]] = []
        self.outputs: dict[str, dict[str, list[str]]] = {}  # module → output name → references
        self.inputs: dict[str, dict[str, list[str]]] = {}  # module → input variable → references

    def output(self, module: str, name: str, refs: list[str]) -> Plan:
        """``output "NAME" { value = … }`` in ``module`` (its expression's references)."""
        self.outputs.setdefault(module, {})[name] = refs
        return self

    def input(self, module: str, name: str, refs: list[str]) -> Plan:
        """The argument ``NAME = …`` of the ``module`` block that calls ``module``."""
        self.inputs.setdefault(module, {})[name] = refs
        return self

    def add(
        self,
        address: str,
        after: dict[str, Any] | None,
        *,
        refs: dict[str, list[str]] | None = None,
        unknown: tuple[str, ...] = (),
        before: dict[str, Any] | None = None,
        provider: str = AWS,
        blocks: dict[str, list[dict[str, Any]]] | None = None,
    ) -> Plan:
        """One instance: ``after`` (None: deleted), ``before`` (None: created), ``unknown`` attributes
        of ``after``, ``refs`` each argument's configuration references, ``blocks`` inline blocks'
        expressions (``route``: [{"cidr_block": ..., "gateway_id": [refs]}])."""
        self.items.append(
            {
                "address": address,
                "after": after,
                "before": before,
                "refs": refs or {},
                "unknown": unknown,
                "provider": provider,
                "blocks": blocks or {},
                **_parse(address),
            }
        )
        return self

    # -- the document ---------------------------------------------------------------------------
    def _resource(self, item: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        r = {
            "address": item["address"],
            "mode": "managed",
            "type": item["type"],
            "name": item["name"],
            "provider_name": item["provider"],
            "schema_version": 0,
            "values": values,
            "sensitive_values": {},
        }
        if item["index"] is not None:
            r["index"] = item["index"]
        return r

    def _values(self, side: str) -> dict[str, Any]:
        modules: dict[str, dict[str, Any]] = {"": {"resources": [], "child_modules": []}}
        for item in self.items:
            values = item[side]
            if values is None:
                continue
            if side == "after":
                values = {k: v for k, v in values.items() if k not in item["unknown"]}
            mod = item["module"]
            if mod not in modules:
                modules[mod] = {"address": mod, "resources": [], "child_modules": []}
                modules[""]["child_modules"].append(modules[mod])
            modules[mod]["resources"].append(self._resource(item, values))
        return modules[""]

    def _configuration(self) -> dict[str, Any]:
        root: dict[str, Any] = {"resources": [], "module_calls": {}}
        seen: set[str] = set()
        for item in self.items:
            mod = _config_module(item["module"])
            key = f"{mod}.{item['type']}.{item['name']}"
            if key in seen:
                continue
            seen.add(key)
            target = root
            for part in [p for p in mod.split(".") if p != "module"] if mod else []:
                call = target["module_calls"].setdefault(
                    part, {"source": f"./modules/{part}", "module": {"resources": [], "module_calls": {}}}
                )
                target = call["module"]
            values = item["after"] or item["before"] or {}
            exprs: dict[str, Any] = {}
            for k, v in values.items():
                if k in item["blocks"] or k == "id":
                    continue
                exprs[k] = {"constant_value": v}
            for k, refs in item["refs"].items():
                exprs[k] = {"references": refs}
            for k, blocks in item["blocks"].items():
                exprs[k] = [
                    {
                        bk: ({"references": bv} if isinstance(bv, list) else {"constant_value": bv})
                        for bk, bv in b.items()
                    }
                    for b in blocks
                ]
            res = {
                "address": f"{item['type']}.{item['name']}",
                "mode": "managed",
                "type": item["type"],
                "name": item["name"],
                "provider_config_key": "aws",
                "expressions": exprs,
                "schema_version": 0,
            }
            if isinstance(item["index"], int):
                res["count_expression"] = {"constant_value": 1}
            elif item["index"] is not None:
                res["for_each_expression"] = {"references": ["var.zones"]}
            target["resources"].append(res)
        for mod in {*self.outputs, *self.inputs}:
            target = root
            parts = [p for p in mod.split(".") if p != "module"]
            for part in parts[:-1]:
                target = target["module_calls"][part]["module"]
            call = target["module_calls"].setdefault(
                parts[-1],
                {"source": f"./modules/{parts[-1]}", "module": {"resources": [], "module_calls": {}}},
            )
            call["expressions"] = {k: {"references": v} for k, v in self.inputs.get(mod, {}).items()}
            call["module"]["outputs"] = {
                k: {"expression": {"references": v}} for k, v in self.outputs.get(mod, {}).items()
            }
        return {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": AWS,
                    "expressions": {"region": {"constant_value": self.region}},
                }
            },
            "root_module": root,
        }

    def plan(self) -> dict[str, Any]:
        changes = []
        for item in self.items:
            before, after = item["before"], item["after"]
            actions = (
                ["create"]
                if before is None
                else ["delete"]
                if after is None
                else ["no-op"]
                if before == after and not item["unknown"]
                else ["update"]
            )
            change: dict[str, Any] = {
                "actions": actions,
                "before": before,
                "after": None
                if after is None
                else {k: v for k, v in after.items() if k not in item["unknown"]},
                "after_unknown": {k: True for k in item["unknown"]},
                "before_sensitive": False if before is None else {},
                "after_sensitive": False if after is None else {},
            }
            rc = {
                "address": item["address"],
                "mode": "managed",
                "type": item["type"],
                "name": item["name"],
                "provider_name": item["provider"],
                "change": change,
            }
            if item["module"]:
                rc["module_address"] = item["module"]
            if item["index"] is not None:
                rc["index"] = item["index"]
            changes.append(rc)
        doc: dict[str, Any] = {
            "format_version": self.format_version,
            "terraform_version": "1.9.5",
            "planned_values": {"root_module": self._values("after")},
            "resource_changes": changes,
            "configuration": self._configuration(),
            "timestamp": "2026-12-07T10:00:00Z",
            "errored": False,
        }
        if any(item["before"] is not None for item in self.items):
            doc["prior_state"] = {
                "format_version": self.format_version,
                "terraform_version": "1.9.5",
                "values": {"root_module": self._values("before")},
            }
        return doc

    def state(self) -> dict[str, Any]:
        """A state JSON of the ``after`` side (every value known, as after apply)."""
        return {
            "format_version": self.format_version,
            "terraform_version": "1.9.5",
            "values": {"root_module": self._values("after")},
        }
