"""What keeps other sites out: the Host check, CSRF protection and the security headers.

- Host: only the host names the server was started for answer (localhost, 127.0.0.1 and [::1] by
  default; `ALLOWED_HOSTS` / `ARCHIVE_ALLOWED_HOSTS`); any other is a 400. A DNS-rebinding page
  reaches the server under its own name, so it gets nothing.
- CSRF: every state-changing request (anything but GET, HEAD, OPTIONS) must carry the session's
  token (a hidden form field, so it works without JavaScript, or an `X-CSRF-Token` header), and an
  `Origin` or `Referer` it sends must be this server. Either failing is a 403 that says so.
- Headers: a Content-Security-Policy the pages satisfy (no inline script or style anywhere, so
  nothing but this server's own stylesheet, images and scripts: /sources' progress, an article's copy
  buttons), no framing, no MIME sniffing, and no referrer to other sites.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session
from werkzeug.exceptions import BadRequest, Forbidden

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")
ANY_HOST = "*"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "connect-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
))  # fmt: skip
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def host_name(host: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower case: `[::1]:5000` -> `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def parse_hosts(text: str | Iterable[str]) -> tuple[str, ...]:
    """`localhost, archive.lan` (or a list) -> normalised host names; `*` allows any host."""
    items = text.split(",") if isinstance(text, str) else text
    return tuple(dict.fromkeys(host_name(item) for item in items if item.strip()))


def csrf_token() -> str:
    """This session's CSRF token, made on first use (the session cookie carries it)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_host() -> None:
    allowed = current_app.config["ALLOWED_HOSTS"]
    if ANY_HOST in allowed:
        return
    name = host_name(request.host)
    if name not in allowed:
        raise BadRequest(
            f"Host: {name or '(none)'!r} is not a host name this archive answers to "
            f"(allowed: {', '.join(allowed)}; set ARCHIVE_ALLOWED_HOSTS to add one)"
        )


def _same_origin(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()


def check_csrf() -> None:
    """A state-changing request must come from this archive's own pages."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    referer = request.headers.get("Referer")
    if origin is not None and not _same_origin(origin):
        raise Forbidden(f"Origin: {origin!r} is another site; this archive only takes forms from its own pages")
    if origin is None and referer and not _same_origin(referer):
        raise Forbidden("Referer: another site; this archive only takes forms from its own pages")
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            f"{CSRF_FIELD}: missing or out of date (the page was opened in another session or before a restart); "
            "reload the page and try again"
        )


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def allow_host(app: Flask, host: str) -> None:
    """Also answer to the address the server binds, unless it is a wildcard (0.0.0.0, ::)."""
    name = host_name(host)
    if name and name not in ("0.0.0.0", "::") and name not in app.config["ALLOWED_HOSTS"]:
        app.config["ALLOWED_HOSTS"] = (*app.config["ALLOWED_HOSTS"], name)


def init_app(app: Flask, allowed_hosts: Any) -> None:
    app.config["ALLOWED_HOSTS"] = parse_hosts(allowed_hosts or DEFAULT_HOSTS)
    app.before_request(check_host)
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.jinja_env.globals.update(csrf_token=csrf_token, CSRF_FIELD=CSRF_FIELD)
