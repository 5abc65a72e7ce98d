"""Data migrations that own what they do: SQL (or steps) written in themselves, frozen as
made, never live code of the application, which may change after them — an old
migration run on an old database must keep doing what it did when it was written."""

import ast
import importlib
from pathlib import Path

import pytest


def imports_only_django(module) -> bool:
    """Whether ``module`` (a migration) imports nothing but Django."""
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return all(module.startswith("django.") or module == "django.db" for module in imported)


@pytest.mark.parametrize(
    "name",
    [
        "assessments.migrations.0022_report_tally",
        "assessments.migrations.0023_report_tally_turns",
        "assessments.migrations.0024_filed_in",
        "assessments.migrations.0025_report_tally_turn",
        "oversight.migrations.0014_filed_in",
    ],
)
def test_the_migration_imports_no_live_code(name):
    """The report tally's triggers and turn (assessments 0022, 0023, 0025) and the provinces
    each person filed in (assessments 0024, oversight 0014: once ``core.provinces.
    filed_filler``, live code handed historical models)."""
    assert imports_only_django(importlib.import_module(name))
