"""``insight-mock proxy``: a validating proxy in front of a real Insight API (see ``mockserver.proxy.app``)."""
