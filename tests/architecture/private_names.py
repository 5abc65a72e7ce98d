"""An import-linter contract: no app uses another app's private names.

A name with a leading underscore (``_held_unit_ids``, ``_person``) is its module's own
business: another app that imports it — ``from assessments.permissions import _x``, or
``permissions._x`` on a module it imported — leans on a detail its owner may change at
any time. What another app needs is made public (no underscore), or moved down into the
kernel. import-linter checks modules, not names, so this contract reads the sources.
"""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter import Contract, ContractCheck, fields, output


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _file(module: str) -> tuple[Path, bool] | None:
    """The module's source file (read, never imported: no settings needed) and whether it
    is a package; the apps are folders of the current directory."""
    base = Path(*module.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py", True
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py"), False
    return None


def _source(module: str) -> tuple[str, bool] | None:
    found = _file(module)
    if found is None:
        return None
    return found[0].read_text(encoding="utf-8"), found[1]


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_uses(module: str, apps: set[str]) -> list[tuple[int, str]]:
    """(line, "app.module._name") for each private name of another app that ``module`` uses."""
    found = _source(module)
    if found is None:
        return []
    text, is_package = found
    own = module.split(".")[0]
    foreign_modules: dict[str, str] = {}  # local name → another app's module
    uses = []
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(module, is_package, node)
            if source.split(".")[0] in apps - {own}:
                for alias in node.names:
                    if _private(alias.name):
                        uses.append((node.lineno, f"{source}.{alias.name}"))
                    elif _file(f"{source}.{alias.name}") is not None:
                        foreign_modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in apps - {own} and alias.asname:
                    foreign_modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in foreign_modules
            and _private(node.attr)
        ):
            uses.append((node.lineno, f"{foreign_modules[node.value.id]}.{node.attr}"))
    return sorted(set(uses))


class PrivateNamesContract(Contract):
    """Configuration: ``apps`` (the top-level packages; none may use another's private
    names) and ``ignore`` ("importer.module -> app.module._name" lines, each a debt)."""

    type_name = "private_names"

    apps = fields.ListField(subfield=fields.StringField())
    ignore = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps = set(self.apps)
        ignored = {tuple(part.strip() for part in line.split("->")) for line in (self.ignore or [])}
        broken = []
        for module in sorted(graph.modules):
            if module.split(".")[0] not in apps:
                continue
            for line, name in private_uses(module, apps):
                if (module, name) not in ignored:
                    broken.append((module, line, name))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line, name in check.metadata["broken"]:
            output.print_error(f"{module} (l.{line}) uses {name}, a private name of another app", bold=False)
            output.new_line()
