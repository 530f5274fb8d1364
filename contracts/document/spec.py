"""Turn the published Insight document into the contract we serve: read it, repair it, complete it, write it.

Two kinds of change, kept apart on purpose and in modules of their own:

* **repairs** (``contracts.document.repairs``) are generic: they would fix any OpenAPI 3.0 document with the same
  defects,
  whatever its schema names (``discriminator.mapping`` values written as ``{$ref: ...}``, an ``allOf`` that refers
  back to the polymorphic schema listing it, a regular expression written in ``format``);
* **completions** (``contracts.document.completions``) are ours and explicit: what the upstream prose states but the
  schemas do
  not (``from``/``to``, the scopes, the default ``contentType``), the error responses every real server sends, the
  error items' shape, a real version, and examples.

This module keeps the file locations, reading and writing, and the pipeline; it re-exports the names other modules
have always used as ``contracts.spec.*``. Nothing here does I/O beyond reading and writing the files it is given.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from pathlib import Path

import yaml

from contracts.document.completions import (
    DEFAULT_CONTENT_TYPE,
    DEFAULT_EXTENSION,
    ERROR_EXAMPLES,
    ERROR_ITEM,
    ERROR_RESPONSES,
    EXAMPLE_DAY,
    PARAMETER_EXAMPLES,
    PLAUSIBLE_BOUND_PATTERN,
    SCOPES_EXTENSION,
    WINDOW_BOUNDS,
    WINDOW_RULE_TEXT,
    complete,
    complete_error_items,
    complete_info_version,
    complete_parameter_examples,
    complete_response_examples,
    media_variants,
    report_variants,
    scopes_from_prose,
    version_from_changelog,
)
from contracts.document.repairs import (
    KNOWN_FORMATS,
    find_dangling_refs,
    find_unrepaired_cycles,
    repair,
    repair_discriminator_mappings,
    repair_inheritance_cycles,
    repair_regex_formats,
)
from contracts.document.walk import Finding, Json, operations, resolve_pointer, walk

__all__ = [
    "ADMIN_PATH",
    "DEFAULT_CONTENT_TYPE",
    "DEFAULT_EXTENSION",
    "DOCUMENTS_PACKAGE",
    "ERROR_EXAMPLES",
    "ERROR_ITEM",
    "ERROR_RESPONSES",
    "EXAMPLE_DAY",
    "KNOWN_FORMATS",
    "PARAMETER_EXAMPLES",
    "PLAUSIBLE_BOUND_PATTERN",
    "SCOPES_EXTENSION",
    "SERVED_PATH",
    "SPEC_DIR",
    "UPSTREAM_PATH",
    "WINDOW_BOUNDS",
    "WINDOW_RULE_TEXT",
    "Finding",
    "Json",
    "build_served_contract",
    "complete",
    "complete_error_items",
    "complete_info_version",
    "complete_parameter_examples",
    "complete_response_examples",
    "dump_yaml",
    "extract_openapi_text",
    "find_dangling_refs",
    "find_unrepaired_cycles",
    "load_yaml",
    "media_variants",
    "operations",
    "repair",
    "repair_discriminator_mappings",
    "repair_inheritance_cycles",
    "repair_regex_formats",
    "report_variants",
    "resolve_pointer",
    "scopes_from_prose",
    "served_contract_text",
    "version_from_changelog",
    "walk",
]

#: The package that carries the contract documents: pyproject.toml maps it onto the repository's spec/ folder, so in
#: a checkout (an editable install) SPEC_DIR is that folder and `spec build` rewrites the file there, and in a wheel
#: it is the folder installed beside this package.
DOCUMENTS_PACKAGE = "contracts.spec_files"


def _documents_folder() -> Path:
    folder = importlib.resources.files(DOCUMENTS_PACKAGE)
    if not isinstance(folder, Path):  # imported from a zip: Connexion, Schemathesis and the CLIs read files by path
        raise RuntimeError(f"the contract documents ({DOCUMENTS_PACKAGE}) are not files on disk: {folder}")
    return folder


SPEC_DIR = _documents_folder()
UPSTREAM_PATH = SPEC_DIR / "insight.upstream.yaml"
SERVED_PATH = SPEC_DIR / "insight.yaml"
ADMIN_PATH = SPEC_DIR / "mock-admin.yaml"


# --- reading and writing ---------------------------------------------------------------------------------------------


def extract_openapi_text(text: str) -> str:
    """The YAML of a document; accepts the bare YAML or a Markdown page with the YAML in a ```` ```` ```` fence."""
    fence = re.search(r"^(`{3,})ya?ml[^\n]*\n(.*?)^\1\s*$", text, re.S | re.M)
    return fence.group(2) if fence else text


# libyaml's loader when PyYAML was built with it: the same safe subset, several times faster at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Json:
    document = yaml.load(text, Loader=_SAFE_LOADER)
    if not isinstance(document, dict):
        raise ValueError("the document is not a YAML mapping")
    return document


def dump_yaml(document: Json) -> str:
    # PyYAML quotes strings such as 'no' that YAML 1.1 would read as booleans, so D8 cannot come back.
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)


# --- the whole pipeline ----------------------------------------------------------------------------------------------


def build_served_contract(upstream_text: str) -> tuple[Json, list[Finding]]:
    """The served contract for an upstream document (bare YAML or the Markdown page), and the defects found in it."""
    yaml_text = extract_openapi_text(upstream_text)
    repaired, findings = repair(load_yaml(yaml_text))
    served, completions = complete(repaired)
    served["info"]["x-generated-from"] = {
        "file": UPSTREAM_PATH.name,
        "sha256": hashlib.sha256(yaml_text.encode("utf-8")).hexdigest(),
        "by": "insight-mock spec build",
    }
    return served, findings + completions


def served_contract_text(upstream_path: Path = UPSTREAM_PATH) -> str:
    served, _ = build_served_contract(upstream_path.read_text(encoding="utf-8"))
    return dump_yaml(served)
