"""Security headers on every response.

All article text is escaped by the templates and the snippet code; these
headers are the second line: no inline scripts or foreign resources (CSP),
no MIME sniffing, no framing, and no referrer leaking queries to outlets.
"""

from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def register(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

