"""The packages' public API: what ``contracts`` and ``mockserver`` export, that the README documents it, that importing
them changes no global state, and that everything they import is a declared dependency."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "insight-contract-toolkit"
OUR_PACKAGES = ("contracts", "mockserver")

# Each exported name and what it must be. Add a row when a package exports a new name (and document it in the README).
EXPORTS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "contracts": {
        "report_params": callable,
        "invalid_report_params": callable,
        "InvalidParams": lambda value: isinstance(value, type),
        "INVALID_KINDS": lambda value: isinstance(value, tuple) and "window-start" in value,
        "run_check": callable,
        "CheckReport": lambda value: isinstance(value, type) and hasattr(value, "failed_rules"),
        "PYTEST_PLUGIN": lambda value: importlib.import_module(value).__name__ == "contracts.testing.pytest_plugin",
    },
    "mockserver": {
        "create_app": callable,
        "Settings": lambda value: isinstance(value, type),
        "AuthMode": lambda value: {mode.value for mode in value} == {"claims", "verify", "off"},
    },
}


@pytest.mark.parametrize("package", EXPORTS)
def test_all_lists_exactly_the_exported_names_and_each_is_what_it_says(package: str) -> None:
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(EXPORTS[package])
    for name, is_right in EXPORTS[package].items():
        assert is_right(getattr(module, name)), f"{package}.{name} is not what it should be"
        assert name in dir(module)


@pytest.mark.parametrize("package", EXPORTS)
def test_an_unknown_name_is_an_attribute_error(package: str) -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = importlib.import_module(package).nothing_here


def test_the_exports_are_the_objects_of_their_modules() -> None:
    import contracts
    import mockserver
    from contracts.testing import strategies
    from mockserver import app, settings

    assert contracts.report_params is strategies.report_params and contracts.InvalidParams is strategies.InvalidParams
    assert mockserver.create_app is app.create_app and mockserver.Settings is settings.Settings


def test_the_readme_documents_each_exported_name() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### In your own pytest suite") :]
    section = section[: section.index("\n## ")]
    documented = [f"{package}.{name}" for package, names in EXPORTS.items() for name in names]
    missing = [name for name in documented if f"| `{name}" not in section]  # a row of its table
    assert missing == []


# --- importing changes nothing -------------------------------------------------------------------------------------

# Modules whose loading would show: libraries slow to import, and our modules that register Schemathesis hooks/checks.
WATCHED = (
    *("hypothesis", "schemathesis", "connexion", "starlette", "uvicorn", "httpx", "jwt", "yaml", "jsonschema", "fpdf"),
    *("contracts.testing.hooks", "contracts.testing.checks"),
)

PROBE = """
import json, sys, warnings
%s

def state():
    registry = sys.modules.get("schemathesis.checks")
    return {
        "filters": [repr(item) for item in warnings.filters],
        "checks": sorted(registry.CHECKS.get_all_names()) if registry else None,
        "loaded": sorted(name for name in %r if name in sys.modules),
    }

before = state()
%s
print(json.dumps({"before": before, "after": state()}))
"""


def state_around(statements: str, first: str = "") -> dict[str, Any]:
    """Warnings filters, Schemathesis' registered checks (when ``first`` imported it) and the watched modules loaded,
    before and after ``statements`` run in a fresh interpreter."""
    script = PROBE % (first, WATCHED, statements)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    state: dict[str, Any] = json.loads(result.stdout)
    return state


def test_the_probe_sees_a_changed_filter_a_registered_check_and_a_loaded_module() -> None:
    state = state_around(
        "warnings.simplefilter('ignore')\nimport contracts.testing.checks", first="import schemathesis"
    )
    assert state["before"]["filters"] != state["after"]["filters"]
    assert set(state["after"]["checks"]) > set(state["before"]["checks"])
    assert "contracts.testing.checks" in state["after"]["loaded"]


@pytest.mark.parametrize("package", OUR_PACKAGES)
def test_importing_a_package_changes_no_filter_and_loads_nothing_heavy(package: str) -> None:
    state = state_around(f"import {package}")
    assert state["after"] == state["before"] == {"filters": state["before"]["filters"], "checks": None, "loaded": []}


def test_using_the_exports_registers_no_schemathesis_check_and_leaves_the_warnings_filters_alone() -> None:
    state = state_around(
        "import contracts, mockserver\n"
        "contracts.report_params(), contracts.invalid_report_params(), contracts.INVALID_KINDS\n"
        "mockserver.create_app(mockserver.Settings(auth=mockserver.AuthMode.OFF))",
        first="import schemathesis",
    )
    assert state["after"]["filters"] == state["before"]["filters"]
    assert state["after"]["checks"] == state["before"]["checks"]
    assert not {"contracts.testing.hooks", "contracts.testing.checks"} & set(state["after"]["loaded"])


def test_building_the_mock_prints_no_warning() -> None:
    """Connexion's import-time note about httpx is silenced for that import alone (the filters are restored)."""
    result = subprocess.run(
        [sys.executable, "-c", "import mockserver; mockserver.create_app()"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and result.stderr == ""


# --- every third-party import is declared ---------------------------------------------------------------------------


def imported_top_levels(package: ModuleType) -> set[str]:
    """The top-level name of every absolute import in a package's modules (lazy and TYPE_CHECKING ones included)."""
    names: set[str] = set()
    for path in Path(package.__file__ or "").parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def declared_distributions() -> set[str]:
    """The distributions our package requires when installed without extras, by normalised name."""
    declared = set()
    for requirement in importlib.metadata.requires(DISTRIBUTION) or []:
        name, _, marker = requirement.partition(";")
        if "extra ==" not in marker:
            declared.add(normalised(re.split(r"[\[<>=!~ ]", name.strip(), maxsplit=1)[0]))
    return declared


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("package", OUR_PACKAGES)
def test_every_third_party_import_is_a_declared_dependency(package: str) -> None:
    providers = importlib.metadata.packages_distributions()
    third_party = {
        name
        for name in imported_top_levels(importlib.import_module(package))
        if name not in sys.stdlib_module_names and name not in OUR_PACKAGES
    }
    undeclared = {
        name: providers.get(name, ["(no installed distribution)"])
        for name in sorted(third_party)
        if not {normalised(distribution) for distribution in providers.get(name, [])} & declared_distributions()
    }
    assert undeclared == {}, f"imported but not in [project] dependencies of {DISTRIBUTION}: {undeclared}"
