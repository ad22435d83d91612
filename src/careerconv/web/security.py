"""The web basics every response gets: security headers, and the CSRF check of every form.

The Content Security Policy allows no script at all and style only from our
own sheets, on every page alike: the plan page is the export's document with
its style served as a sheet (``/static/plan.css``) and its chart drawn by
class, so it needs no inline style either. ``frame_ancestors``
says who may embed the pages: nobody by default, a host tool's origin when
it mounts them in a frame. Nothing is cached, and no referrer leaves, since
a signed link is in the address.

CSRF: a random value in a ``SameSite=Strict`` cookie, and in each form a
token that is the HMAC of that value and the page's address. Another site
can neither read the cookie nor make the token, so a form posted from
elsewhere is refused before anything is read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "careerconv_csrf"


def policy(frame_ancestors: str) -> str:
    """The Content Security Policy: no script anywhere, style from our sheets, forms only to ourselves."""
    return (
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {frame_ancestors}"
    )


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, frame_ancestors: str = "'none'") -> None:
        self.app = app
        self.frame_ancestors = frame_ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                headers += [
                    (b"content-security-policy", policy(self.frame_ancestors).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if self.frame_ancestors.strip() == "'none'":
                    headers.append((b"x-frame-options", b"DENY"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(32)


def csrf_token(secret: bytes, cookie: str, path: str) -> str:
    """The token a form on ``path`` carries for the browser holding ``cookie``."""
    return hmac.new(secret, f"csrf|{cookie}|{path}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, cookie: str | None, path: str, token: str | None) -> bool:
    """Whether a posted form's token belongs to this browser and this page."""
    if not cookie or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie, path), token)
