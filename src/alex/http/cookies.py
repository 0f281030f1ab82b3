"""Browser sessions: the built-in issuer's token in an HttpOnly cookie, and CSRF tokens.

The web UI signs people in with the same built-in issuer as the API: the token goes into an
HttpOnly, SameSite=Lax cookie (Secure when the app is served over HTTPS), so page scripts never
see it. A cookie is sent by the browser on its own, so every state-changing request that
authenticates with it must also prove it came from our pages (double-submit CSRF): forms carry
a hidden ``csrf_token`` and scripts send ``X-CSRF-Token``, each equal to the ``alex_csrf``
cookie. Bearer-token API clients are unaffected: a header is never sent on its own.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from fastapi import Request, Response

SESSION_COOKIE: Final = "alex_session"
CSRF_COOKIE: Final = "alex_csrf"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def is_https(request: Request) -> bool:
    """Served over HTTPS: directly, or behind a proxy when the public URL says so."""
    context = getattr(request.app.state, "context", None)
    public_url = getattr(getattr(context, "settings", None), "public_url", None) or ""
    return request.url.scheme == "https" or public_url.startswith("https://")


def set_session(response: Response, request: Request, *, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=is_https(request),
        samesite="lax",
        path="/",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (new when it has none; ``ensure_csrf_cookie`` stores it)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    token: str = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def ensure_csrf_cookie(response: Response, request: Request) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        # Readable by our scripts (they echo it in a header); useless to another origin.
        response.set_cookie(
            CSRF_COOKIE, new, httponly=False, secure=is_https(request), samesite="strict", path="/"
        )


def csrf_valid(request: Request, submitted: str | None) -> bool:
    expected = request.cookies.get(CSRF_COOKIE)
    return bool(expected and submitted) and hmac.compare_digest(str(expected), str(submitted))
