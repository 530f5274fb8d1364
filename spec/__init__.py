"""The contract documents, kept once in the repository and shipped as the package ``contracts.spec_files``.

pyproject.toml maps that package onto this folder, so a wheel and an editable install both carry the three YAML files,
and ``contracts.document.spec`` finds them with ``importlib.resources`` from any working directory. This file makes
the folder a regular package: an editable install cannot find a namespace package mapped onto another folder.
"""
