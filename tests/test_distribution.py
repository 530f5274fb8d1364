"""What the distribution carries: every package, the contract documents and the Schemathesis configuration.

`.ci/package` builds the wheel and runs it from an empty directory; these tests catch the usual cause of a broken
wheel, a package folder or a data file that pyproject.toml does not name, without building one.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from contracts.document import spec
from tests.conftest import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def package_folders() -> dict[str, Path]:
    """Every regular package of the source tree, by name, where setuptools takes it from."""
    mapped = SETUPTOOLS.get("package-dir", {})
    found = {
        ".".join(init.parent.relative_to(ROOT).parts): init.parent
        for top in ("contracts", "mockserver")
        for init in (ROOT / top).rglob("__init__.py")
    }
    return {**found, **{name: ROOT / folder for name, folder in mapped.items()}}


def shipped_data(package: str) -> list[str]:
    """The file patterns pyproject.toml ships with ``package``, besides its modules."""
    data = SETUPTOOLS.get("package-data", {})
    return [*data.get("*", []), *data.get(package, [])]


def test_every_package_folder_is_listed_for_the_distribution() -> None:
    assert sorted(package_folders()) == sorted(SETUPTOOLS["packages"])


def test_the_contract_documents_ship_as_a_package_mapped_onto_the_one_spec_folder() -> None:
    assert SETUPTOOLS["package-dir"] == {spec.DOCUMENTS_PACKAGE: "spec"}
    documents = [path.name for path in (spec.UPSTREAM_PATH, spec.SERVED_PATH, spec.ADMIN_PATH)]
    assert all(any(fnmatch(name, pattern) for pattern in shipped_data(spec.DOCUMENTS_PACKAGE)) for name in documents)
    assert sorted(path.name for path in (ROOT / "spec").glob("*.yaml")) == sorted(documents)


def test_in_a_checkout_the_documents_are_the_source_trees_so_spec_build_rewrites_the_checked_in_file() -> None:
    assert importlib.resources.files(spec.DOCUMENTS_PACKAGE) == ROOT / "spec"
    assert spec.SERVED_PATH == ROOT / "spec" / "insight.yaml"


def test_every_data_file_beside_the_modules_ships() -> None:
    for name, folder in package_folders().items():
        data = [path.name for path in folder.iterdir() if path.is_file() and path.suffix not in {".py", ".pyc"}]
        unshipped = [file for file in data if not any(fnmatch(file, pattern) for pattern in shipped_data(name))]
        assert unshipped == [], f"{name} has files the distribution would leave out: {unshipped}"
