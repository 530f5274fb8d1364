"""The mock's own pages for people: ``/_mock/``, what the mock saw and why it answered so, and what it is set to.

Pure functions from journal entries and settings to HTML (no web framework here: ``mockserver.service.handlers`` is
the glue). Everything a client sent is escaped; the page's style and script are inline and pinned by hashes in its
Content-Security-Policy, so it loads nothing from anywhere and works offline.
"""
