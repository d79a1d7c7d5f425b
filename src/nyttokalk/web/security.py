"""The page's guards, as plain ASGI middleware (no per-request overhead of their own worth measuring):

- Headers: a Content-Security-Policy that allows only the page's own script (htmx) and style,
  no framing, no referrer; `Cache-Control: no-store` on everything but the static files.
- Hosts: a server bound to a loopback address answers only requests addressed to localhost, so
  another web site cannot reach it through DNS rebinding.
- Token: with a token, every request but the login form and the static files needs the login
  cookie (HttpOnly, SameSite=Strict; an HMAC of the token, not the token) or an
  `Authorization: Bearer TOKEN` header.
- Session: a random session cookie (HttpOnly, SameSite=Strict) ties a result to the browser
  that computed it.
- Body size: a request body over the limit is refused with a clear message (HTTP 413).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser

AUTH_COOKIE = "nyttokalk_auth"
SESSION_COOKIE = "nyttokalk_session"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]


def auth_value(token: str) -> str:
    """The login cookie's value for a token: an HMAC, so the cookie is not the token itself."""
    return hmac.new(token.encode("utf-8"), b"nyttokalk-web-login", hashlib.sha256).hexdigest()


def is_loopback(host: str) -> bool:
    h = host.strip("[]")
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _cookies(scope) -> dict[str, str]:
    return cookie_parser(Headers(scope=scope).get("cookie", ""))


def _add_headers(message, extra: list[tuple[bytes, bytes]]) -> None:
    headers = list(message.get("headers", []))
    names = {k.lower() for k, _ in headers}
    headers += [(k, v) for k, v in extra if k not in names]
    message["headers"] = headers


class Guard:
    """Every guard in one ASGI wrapper: hosts, token, session, headers, body size."""

    def __init__(self, app, *, token: str | None, local_only: bool, max_body: int,
                 refuse: Callable[[dict, int, str], tuple[int, list, bytes]]) -> None:
        self.app = app
        self.token = token
        self.cookie = auth_value(token) if token else None
        self.local_only = local_only
        self.max_body = max_body
        self.refuse = refuse  # (scope, status, why) → (status, headers, body): the page that says no

    def authorised(self, scope) -> bool:
        if self.token is None:
            return True
        path = scope.get("path", "")
        if path == "/login" or path.startswith("/static/"):
            return True
        given = _cookies(scope).get(AUTH_COOKIE, "")
        if given and hmac.compare_digest(given, self.cookie):
            return True
        bearer = Headers(scope=scope).get("authorization", "")
        return bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].strip().encode(), self.token.encode())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope.get("path", "").startswith("/static/")
        session = _cookies(scope).get(SESSION_COOKIE)
        new_session = None
        if not session or len(session) > 64:
            session = new_session = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["session"] = session

        async def send_guarded(message):
            if message["type"] == "http.response.start":
                extra = list(_HEADERS) + ([] if static else [(b"cache-control", b"no-store")])
                if new_session:
                    extra.append((b"set-cookie", f"{SESSION_COOKIE}={new_session}; HttpOnly; SameSite=Strict; Path=/".encode()))
                _add_headers(message, extra)
            await send(message)

        headers = Headers(scope=scope)
        if self.local_only and not is_loopback(_host_name(headers.get("host", ""))):
            return await self._refuse(scope, receive, send_guarded, 400, "host")
        if not self.authorised(scope):
            return await self._refuse(scope, receive, send_guarded, 401, "login")
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return await self._refuse(scope, receive, send_guarded, 413, "too_large", drain=int(length))
        return await self.app(scope, self._limited(receive), send_guarded)

    def _limited(self, receive):
        seen = 0

        async def receive_limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, "too_large")
            return message

        return receive_limited

    async def _refuse(self, scope, receive, send, status: int, why: str, drain: int = 0):
        """Say no with a page. A body that is too large is read and dropped first (up to four times
        the limit), so that the browser shows the page instead of a reset connection."""
        left = min(drain, 4 * self.max_body)
        while left > 0:
            message = await receive()
            if message["type"] != "http.request":
                break
            left -= len(message.get("body", b""))
            if not message.get("more_body"):
                break
        status, headers, body = self.refuse(scope, status, why)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
