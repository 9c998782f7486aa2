"""Write src/vpclab/control/plane.pyi: the ControlPlane as type checkers and editors should see it.

At runtime the ControlPlane reaches its actions through ``__getattr__`` over the action registry,
so without this stub ``cp.create_vpc(cidr_block=..., bogus=1)`` type-checks and returns ``Any``.
The stub declares

* the class's own members, copied from plane.py's source (bodies dropped; ``__getattr__`` left
  out, so that a name that is no action is an error), and
* one method per registered action: its signature without ``ctx``, its return annotation, and
  its docstring's summary (first paragraph: some first lines end mid-sentence), and
* plane.py's other public functions and annotated module-level names,

with the imports its annotations need, resolved from each defining module's namespace.

    python tools/gen_plane_stub.py          # rewrite src/vpclab/control/plane.pyi
    python tools/gen_plane_stub.py --check  # exit 1 if the stub is stale

Run it after adding, removing or changing an action, or moving a module an annotation names.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import sys
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "vpclab" / "control" / "plane.pyi"
PLANE = "vpclab.control.plane"
CLASS = "ControlPlane"
LINE = 110  # pyproject's [tool.ruff] line-length
COMMAND = "python tools/gen_plane_stub.py"
#: members of plane.py's class the stub leaves out: the dynamic lookup it replaces
DYNAMIC = {"__getattr__"}


class Imports:
    """The names the stub's annotations use → where each comes from (``from module import attr``)."""

    def __init__(self, package: str) -> None:
        self.package = package  # the stub's own package, for relative imports
        self.names: dict[str, tuple[str, str]] = {}
        self.local = {CLASS}

    def bind(self, name: str, module: str, attr: str) -> str:
        """The name to write for ``module.attr`` (``name`` unless another object has taken it)."""
        if name in self.local:
            return name
        want = (module, attr)
        alias = name
        while alias in self.names and self.names[alias] != want:
            alias = f"{module.rsplit('.', 1)[-1]}_{name}" if alias == name else f"_{alias}"
        self.names[alias] = want
        return alias

    def source(self, name: str, namespace: dict[str, Any], home: str) -> tuple[str, str] | None:
        """Where the stub imports ``name`` (seen in module ``home``'s ``namespace``) from; None: builtin."""
        if name not in namespace:
            if hasattr(builtins, name):
                return None
            raise SystemExit(f"{home}: annotation names {name!r}, which {home} does not define or import")
        obj = namespace[name]
        if isinstance(obj, ModuleType):
            parent, _, child = obj.__name__.rpartition(".")
            if not parent:
                raise SystemExit(f"{home}: annotation uses top-level module {obj.__name__!r}: import from it")
            return parent, child
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if (isinstance(module, str) and isinstance(qualname, str) and "." not in qualname
                and getattr(sys.modules.get(module), qualname, None) is obj):
            return module, qualname
        if home == PLANE:
            raise SystemExit(f"plane.py: annotation names {name!r}, defined in plane.py but not declared "
                             "by the stub; annotate it at module level or move it out of plane.py")
        return home, name  # a type alias or constant: import it from where the annotation found it

    def lines(self) -> list[str]:
        """The import block, grouped and ordered as ruff's isort orders it."""
        sections: dict[int, dict[str, list[tuple[str, str]]]] = {}
        for alias, (module, attr) in self.names.items():
            top = module.split(".")[0]
            rank = 2 if top == self.package.split(".")[0] else 0 if top in sys.stdlib_module_names else 1
            sections.setdefault(rank, {}).setdefault(module, []).append((attr, alias))
        out: list[str] = []
        for rank in sorted(sections):
            mods = sections[rank]
            shown = {m: self.relative(m) if rank == 2 else m for m in mods}
            order = sorted(mods, key=lambda m: (-(len(shown[m]) - len(shown[m].lstrip("."))), shown[m]))
            if out:
                out.append("")
            for module in order:
                items = [a if a == al else f"{a} as {al}" for a, al in sorted(mods[module], key=_isort_key)]
                one = f"from {shown[module]} import {', '.join(items)}"
                if len(one) <= LINE:
                    out.append(one)
                else:
                    out += [f"from {shown[module]} import (", *(f"    {i}," for i in items), ")"]
        return out

    def relative(self, module: str) -> str:
        here, there = self.package.split("."), module.split(".")
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        return "." * (len(here) - common + 1) + ".".join(there[common:])


def _isort_key(item: tuple[str, str]) -> tuple[int, str]:
    """ruff's ``order-by-type``: CONSTANTS, then Classes, then other names; case-insensitive within."""
    name = item[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower() if kind == 2 else name


class _Rename(ast.NodeTransformer):
    """Point every bare name in an annotation at the stub's import of the same object."""

    def __init__(self, imports: Imports, namespace: dict[str, Any], home: str) -> None:
        self.imports, self.namespace, self.home = imports, namespace, home

    def visit_Name(self, node: ast.Name) -> ast.Name:
        where = self.imports.source(node.id, self.namespace, self.home)
        if where is None:
            return node
        return ast.copy_location(ast.Name(self.imports.bind(node.id, *where), node.ctx), node)


def _annotation(node: ast.expr | None, rename: _Rename) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a quoted annotation
        node = ast.parse(node.value, mode="eval").body
    return ast.unparse(rename.visit(node))


def _default(node: ast.expr) -> str:
    """A default as written when it is a short literal (what editors show); ``...`` otherwise."""
    try:
        ast.literal_eval(node)
    except ValueError:
        return "..."
    text = ast.unparse(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and '"' not in text[1:-1]:
        text = f'"{text[1:-1]}"'  # the project's quotes
    return text if len(text) <= 30 else "..."


def _params(args: ast.arguments, rename: _Rename, drop_first: bool) -> list[str]:
    """A FunctionDef's parameters as source, without the first (``ctx``) when ``drop_first``."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    n_posonly = len(args.posonlyargs)
    if drop_first:
        pairs, n_posonly = pairs[1:], max(0, n_posonly - 1)

    def one(arg: ast.arg, default: ast.expr | None, prefix: str = "") -> str:
        ann = _annotation(arg.annotation, rename)
        text = f"{prefix}{arg.arg}: {ann}" if ann else f"{prefix}{arg.arg}"
        if default is not None:
            text += f" = {_default(default)}" if ann else f"={_default(default)}"
        return text

    out = [one(a, d) for a, d in pairs]
    if n_posonly:
        out.insert(n_posonly, "/")
    if args.vararg:
        out.append(one(args.vararg, None, "*"))
    elif args.kwonlyargs:
        out.append("*")
    out += [one(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg:
        out.append(one(args.kwarg, None, "**"))
    return out


def _def(name: str, params: list[str], returns: str, doc: str | None, decorators: Iterable[str],
         pad: str = "    ") -> list[str]:
    """One stub function (a method at ``pad`` 4), wrapped to the line length: ``def name(...) -> returns``."""
    out = [f"{pad}@{d}" for d in decorators]
    arrow = f" -> {returns}" if returns else ""
    tail = ":" if doc else ": ..."
    head = f"{pad}def {name}({', '.join(params)}){arrow}{tail}"
    inner = f"{pad}    {', '.join(params)}"
    if len(head) <= LINE:
        out.append(head)
    elif len(inner) <= LINE:
        out += [f"{pad}def {name}(", inner, f"{pad}){arrow}{tail}"]
    else:
        out += [f"{pad}def {name}(", *(f"{pad}    {p}," for p in params), f"{pad}){arrow}{tail}"]
    if doc:
        quoted = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        one = f'{pad}    """{quoted}"""'
        if len(one) <= LINE:
            out.append(one)
        else:
            out += [*textwrap.wrap(quoted, LINE, initial_indent=f'{pad}    """',
                                   subsequent_indent=f"{pad}    ", break_long_words=False,
                                   break_on_hyphens=False), f'{pad}    """']
    return out


def _summary(doc: str | None) -> str | None:
    """A docstring's summary: its first paragraph, on one line."""
    text = inspect.cleandoc(doc or "").strip()
    return " ".join(text.split("\n\n")[0].split()) if text else None


def _function_node(fn: Callable[..., Any]) -> ast.FunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef):
        raise SystemExit(f"{fn.__module__}.{fn.__name__}: not a plain function")
    return node


def _members(plane: ModuleType, imports: Imports) -> tuple[list[str], list[str]]:
    """plane.py's class: its docstring's first line and its own members, as stub lines."""
    tree = ast.parse(Path(plane.__file__ or "").read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == CLASS)
    rename = _Rename(imports, vars(plane), plane.__name__)
    attrs: list[str] = []
    methods: list[str] = []
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            attrs.append(f"    {node.target.id}: {_annotation(node.annotation, rename)}")
        elif isinstance(node, ast.FunctionDef) and node.name in DYNAMIC:
            continue
        elif isinstance(node, ast.FunctionDef):
            decorators = [ast.unparse(d) for d in node.decorator_list]
            params = _params(node.args, rename, drop_first=False)
            methods += _def(node.name, params, _annotation(node.returns, rename),
                            _summary(ast.get_docstring(node)), decorators)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Assign):
            raise SystemExit(f"plane.py:{node.lineno}: {COMMAND} cannot declare this {CLASS} member in the "
                             "stub (give a class attribute a type annotation)")
    undeclared = _instance_attributes(cls) - {a.split(":")[0].strip() for a in attrs}
    if undeclared:
        raise SystemExit(f"plane.py: declare {', '.join(sorted(undeclared))} with a type in {CLASS}'s body "
                         "(e.g. ``world: World``) so the stub can declare them too")
    doc = _summary(ast.get_docstring(cls))
    head = [f'    """{doc}"""', ""] if doc else []
    return head + attrs + ([""] if attrs else []), methods


def _module_level(plane: ModuleType, imports: Imports) -> list[str]:
    """plane.py's other public names, which the stub must declare too: functions and annotated names."""
    tree = ast.parse(Path(plane.__file__ or "").read_text())
    public = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AnnAssign)
              and not _name(n).startswith("_")]
    imports.local |= {_name(n) for n in public}
    rename = _Rename(imports, vars(plane), plane.__name__)
    out: list[str] = []
    for node in public:
        if isinstance(node, ast.AnnAssign):
            out.append(f"{_name(node)}: {_annotation(node.annotation, rename)}")
        else:
            params = _params(node.args, rename, drop_first=False)
            decorators = [ast.unparse(d) for d in node.decorator_list]
            returns, doc = _annotation(node.returns, rename), _summary(ast.get_docstring(node))
            out += _def(node.name, params, returns, doc, decorators, pad="")
    return out


def _name(node: ast.FunctionDef | ast.AnnAssign) -> str:
    if isinstance(node, ast.FunctionDef):
        return node.name
    return node.target.id if isinstance(node.target, ast.Name) else "_"


def _instance_attributes(cls: ast.ClassDef) -> set[str]:
    """Every ``self.x = ...`` in the class's methods."""
    found = set()
    for node in ast.walk(cls):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
        for t in targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                found.add(t.attr)
    return found


def _registry(plane: ModuleType) -> dict[str, Callable[..., Any]]:
    """The actions, as the ControlPlane dispatches them: the name ``ACTIONS`` in plane.py's namespace."""
    actions = dict(plane.ACTIONS)
    if sorted(actions) != plane.ControlPlane.actions():
        raise SystemExit(f"{COMMAND}: the action table it read is not the one ControlPlane.actions() lists")
    return actions


def render() -> str:
    plane = importlib.import_module(PLANE)
    registry = _registry(plane)
    imports = Imports(package=PLANE.rpartition(".")[0])
    module_level = _module_level(plane, imports)
    head, members = _members(plane, imports)
    actions: list[str] = []
    for name, fn in sorted(registry.items()):
        node = _function_node(fn)
        if node.name != name:
            raise SystemExit(f"{fn.__module__}: action {name!r} is registered from function {node.name!r}")
        if not (node.args.posonlyargs or node.args.args):
            raise SystemExit(f"{fn.__module__}.{name}: an action's first parameter is its ctx")
        rename = _Rename(imports, fn.__globals__, fn.__module__)
        params = ["self", *_params(node.args, rename, drop_first=True)]
        actions += _def(name, params, _annotation(node.returns, rename), _summary(fn.__doc__), ())
    lines = [
        f"# Generated by `{COMMAND}` from plane.py and the action registry: do not edit.",
        f'"""Type information for {PLANE}: the ControlPlane with one typed method per action."""',
        "",
        *imports.lines(),
        "",
        f"class {CLASS}:",
        *head,
        *members,
        "",
        f"    # -- the actions ({len(registry)}), run by __getattr__ in a World transaction",
        *actions,
    ]
    if module_level:
        lines += ["", *module_level]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    from generated import write_or_check

    return write_or_check(OUT, render(), COMMAND, argv)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main(sys.argv[1:]))
