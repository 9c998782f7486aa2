"""The Terraform import pipeline in one place: read → one side's instances → topology → Network.

    >>> from vpclab.interop.terraform_import import load_plan
    >>> net = load_plan("tests/interop/terraform/plan-basic.json")   # doctest: +SKIP

``side`` is ``planned`` (the network after the change: ``resource_changes[].change.after``) or
``prior`` (before it: ``prior_state``); a state file has one side. The topology is loaded through
the ControlPlane like a YAML file; an AWS error a resource meets is reported at its JSON path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

from ..core.errors import VpclabError
from ..network import Network
from ..topology import TopologyError, loads
from .terraform import Document, TerraformError, document, has_change, read
from .terraform_map import translate


class TerraformProblems(VpclabError):
    """Every problem of a plan whose network AWS's rules refuse, one line each."""

    def __init__(self, errors: list[TerraformError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def topology(path: str | Path, side: str = "planned") -> tuple[dict[str, Any], Document]:
    """The topology dict (docs/yaml.md) of one side of a plan or a state, and the parsed document."""
    file = str(path)
    doc = document(read(path), file, side)
    return translate(doc), doc


def to_yaml(topo: dict[str, Any], header: str = "") -> str:
    """A topology dict as a YAML file (what ``vpclab import terraform`` prints)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when present: ~10x faster
    body = yaml.dump(
        _pruned(topo), Dumper=dumper, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
    return header + body


def _pruned(value: Any) -> Any:
    """Without None values and empty tags (the topology's defaults say the same)."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None and not (k == "tags" and not v)}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def notes(doc: Document) -> list[str]:
    """What was read and not modelled, said (other providers' resources are skipped, counted)."""
    if not doc.skipped:
        return []
    n = len(doc.skipped)
    return [
        f"{doc.file}: {n} resource{'s' if n != 1 else ''} of other providers not read "
        f"(first: {doc.skipped[0]})"
    ]


def load_plan(path: str | Path, side: str = "planned", said: list[str] | None = None) -> Network:
    """The network of one side of a plan (or of a state), loaded through AWS's rules; ``said``
    collects the notes on what was skipped."""
    topo, doc = topology(path, side)
    if said is not None:
        said += notes(doc)
    return _load(topo, doc, side)


def load_change(path: str | Path, said: list[str] | None = None) -> tuple[Network, Network]:
    """(before, after): a plan's prior state and planned values, as two networks named alike."""
    file = str(path)
    raw = read(path)
    if not has_change(raw):
        raise TerraformError(
            file,
            "$",
            "a state, not a plan: it holds no change to compare "
            "(save one with `terraform plan -out` and `terraform show -json`)",
        )
    before_doc, after_doc = document(raw, file, "prior"), document(raw, file, "planned")
    if said is not None:
        said += notes(after_doc)
    return (
        _load(translate(before_doc), before_doc, "prior"),
        _load(translate(after_doc), after_doc, "planned"),
    )


def _load(topo: dict[str, Any], doc: Document, side: str) -> Network:
    label = doc.file if doc.kind == "state" else f"{doc.file} ({side})"
    try:
        # JSON is YAML: the topology loader reads it as is, and json.dumps is far faster than a
        # YAML emitter (the budget: a 2,000-resource plan in ≤ 2 s)
        return loads(json.dumps(_pruned(topo)), file=label)
    except TopologyError as exc:
        names = sorted(((i.name, i) for i in doc.instances), key=lambda p: -len(p[0]))
        errors = []
        for p in exc.problems:
            where = "$"
            for name, inst in names:
                if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", p.message):
                    where = inst.path
                    break
            errors.append(TerraformError(doc.file, where, p.message))
        raise TerraformProblems(errors) from None
