"""The Insight API mock server."""

import warnings

# Connexion imports starlette.testclient at import time, which warns about httpx on every start of the server.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
