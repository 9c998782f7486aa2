"""Terraform resources → the YAML topology's shape (docs/yaml.md), one translator per ``aws_*`` type.

A reference (``vpc_id``, ``subnet_id``, a route's target) becomes the referenced resource's
topology name: from a known id (prior state, or an id already in the plan), else from the
configuration expression's ``references`` (a value unknown until apply), matching count/for_each
instances by their index. The table ``TRANSLATORS`` lists every type vpclab maps; any other
``aws_*`` type is an error naming its JSON path (nothing is dropped without saying so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .terraform import Document, Instance, TerraformError

Topo = dict[str, Any]


class Mapper:
    """The state of one translation: instances by name and by id, the topology built so far."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.by_config: dict[str, list[Instance]] = {}
        self.by_place: dict[tuple[str, str], list[Instance]] = {}  # (config, module instance) → instances
        self.by_id: dict[str, Instance] = {}
        self.by_name: dict[str, Instance] = {}
        for inst in doc.instances:
            self.by_config.setdefault(inst.config, []).append(inst)
            self.by_place.setdefault((inst.config, inst.module_instance), []).append(inst)
            self.by_name[inst.name] = inst
            rid = inst.values.get("id")
            if isinstance(rid, str) and rid:
                self.by_id[rid] = inst
        self.topo: Topo = {"region": doc.region or "us-east-1", "vpcs": {}}
        self.vpc_of: dict[str, str] = {}  # resource name → its VPC's (a TGW part's: its TGW's) name
        self.behind: dict[str, str] = {}  # load balancer name → the endpoint service in front of it

    # -- errors and references ---------------------------------------------------------------
    def fail(self, inst: Instance, attr: str, message: str) -> TerraformError:
        return TerraformError(
            self.doc.file, f"{inst.path}.{attr}" if attr else inst.path, f"{inst.address}: {message}"
        )

    def value(self, inst: Instance, attr: str, required: bool = True) -> Any:
        """A known value; an unknown or missing required one is an error (a computed CIDR, say)."""
        v = inst.values.get(attr)
        if v is None and required:
            state = "unknown until apply" if inst.unknown.get(attr) is True else "missing"
            raise self.fail(inst, attr, f"{attr} is {state}; vpclab needs it to model the network")
        return v

    def ref(
        self,
        inst: Instance,
        attr: str,
        kinds: tuple[str, ...],
        required: bool = True,
        value: Any = None,
        expr: Any = None,
    ) -> Instance | None:
        """The instance ``attr`` refers to (by id, else by the configuration's references)."""
        v = inst.values.get(attr) if value is None else value
        if isinstance(v, str) and v:
            target = self.by_id.get(v)
            if target is None:
                raise self.fail(
                    inst,
                    attr,
                    f"{attr} {v} is not a resource of this {self.doc.kind} "
                    "(vpclab reads only what the file holds)",
                )
            return self._kind(inst, attr, target, kinds)
        if expr is None:
            block = self.doc.config.get(inst.config) or {}
            expr = (block.get("expressions") or {}).get(attr)
        refs = expr.get("references") if isinstance(expr, dict) else None
        for r in refs or []:
            target = self._resolve(inst, str(r))
            if target is not None:
                return self._kind(inst, attr, target, kinds)
        if refs:
            raise self.fail(
                inst,
                attr,
                f"{attr} refers to {', '.join(map(str, refs))}, which is not a "
                f"resource of this {self.doc.kind}",
            )
        if required:
            state = "unknown until apply" if inst.unknown.get(attr) else "missing"
            raise self.fail(inst, attr, f"{attr} is {state} and the configuration names no resource")
        return None

    def _kind(self, inst: Instance, attr: str, target: Instance, kinds: tuple[str, ...]) -> Instance:
        if target.type not in kinds:
            raise self.fail(
                inst, attr, f"{attr} names {target.address}, a {target.type} (expected {' or '.join(kinds)})"
            )
        return target

    def _resolve(
        self,
        inst: Instance,
        ref: str,
        module: str | None = None,
        depth: int = 0,
        want: Any = None,
        within: str | None = None,
    ) -> Instance | None:
        """``aws_vpc.main.id``, ``aws_vpc.main[0]``, ``aws_subnet.app["a"].id``, a module's output
        (``module.net.vpc_id``) or, inside a module, its input (``var.vpc_id``) → an instance."""
        module = inst.module if module is None else module
        prefix = f"{module}." if module else ""
        if depth > 16 or ref.startswith(("local.", "each.", "count.", "data.", "path.", "self.")):
            return None
        if ref.startswith("module."):  # a child module's output: follow its expression
            parts = ref.split(".")
            if len(parts) < 3:
                return None
            child = f"{prefix}module.{parts[1].split('[')[0]}"
            output, key = _key(parts[2])
            outputs = (self.doc.modules.get(child) or {}).get("outputs") or {}
            expr = (outputs.get(output) or {}).get("expression") or {}
            # module.vpc["a"].vpc_id: the output of that one instance of a count/for_each module
            place = None
            if "[" in parts[1]:
                base = within if within is not None else inst.module_instance
                place = f"{base}.module.{parts[1]}" if base else f"module.{parts[1]}"
            return self._first(inst, expr.get("references"), child, depth, key, place or within)
        if ref.startswith("var."):  # a module's input: follow the calling module block's argument
            if not module:
                return None
            parent, _, call = (
                module.rpartition(".module.")
                if ".module." in module
                else ("", "", module.removeprefix("module."))
            )
            calls = (self.doc.modules.get(parent) or {}).get("module_calls") or {}
            expr = ((calls.get(call) or {}).get("expressions") or {}).get(ref.split(".")[1]) or {}
            return self._first(inst, expr.get("references"), parent, depth, want)  # (one level up)
        head, _, rest = ref.partition(".")
        name, key = _key(rest.split(".", 1)[0])
        key = want if key is None else key
        config = f"{prefix}{head}.{name}"
        if within is not None:
            found = self.by_place.get((config, within)) or []
        else:
            same = module == inst.module
            found = (self.by_place.get((config, inst.module_instance)) or []) if same else []
        if not found and within is None:  # another module instance: one above or below this one
            found = [i for i in self.by_config.get(config) or [] if inst.related(i)]
        if key is not None:
            found = [i for i in found if i.index == key]
        elif len(found) > 1:
            found = [i for i in found if i.index == inst.index and i.index is not None]
        return found[0] if len(found) == 1 else None

    def _first(
        self, inst: Instance, refs: Any, module: str, depth: int, want: Any = None, within: str | None = None
    ) -> Instance | None:
        for r in refs or []:
            target = self._resolve(inst, str(r), module, depth + 1, want, within)
            if target is not None:
                return target
        return None

    # -- topology places ----------------------------------------------------------------------
    def vpc(self, name: str) -> Topo:
        spec: Topo = self.topo["vpcs"][name]
        return spec

    def in_vpc(self, inst: Instance, attr: str = "vpc_id") -> Topo:
        target = self.ref(inst, attr, ("aws_vpc",))
        assert target is not None
        self.vpc_of[inst.name] = target.name
        return self.vpc(target.name)

    def section(self, vpc: Topo, key: str) -> Topo:
        sec: Topo = vpc.setdefault(key, {})
        return sec

    def tags(self, inst: Instance) -> dict[str, str]:
        tags = inst.values.get("tags") or {}
        return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}


def _key(part: str) -> tuple[str, Any]:
    """``private["a"]`` → ("private", "a"); ``this[0]`` → ("this", 0); ``this`` → ("this", None)."""
    if "[" not in part:
        return part, None
    name, _, idx = part.partition("[")
    idx = idx.rstrip("]").strip('"')
    return name, int(idx) if idx.isdigit() else idx


Translator = Callable[[Mapper, Instance], None]


def translate(doc: Document) -> Topo:
    """The topology dict of a document's instances, in dependency order (the table's order)."""
    from .terraform_types import ORDER

    m = Mapper(doc)
    known = {key.split("#", 1)[0] for key in ORDER}
    for inst in doc.instances:
        if inst.type not in known:
            raise TerraformError(
                doc.file,
                f"{inst.path}.type",
                f"{inst.address}: resource type {inst.type} is not one vpclab imports "
                "(docs/interop.md lists those it does)",
            )
    for key, fn in ORDER.items():
        rtype = key.split("#", 1)[0]  # "TYPE#step": a later pass over the same type
        for inst in [i for i in doc.instances if i.type == rtype]:
            fn(m, inst)
    for key in [k for k, v in m.topo.items() if v == {}]:
        if key != "vpcs":
            del m.topo[key]
    return m.topo
