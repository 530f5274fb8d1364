"""``insight-mock proxy``: a validating proxy in front of a real Insight API (see ``mockserver.proxy.app``)."""

from mockserver.proxy.app import create_proxy_app, parse_upstream

__all__ = ["create_proxy_app", "parse_upstream"]
