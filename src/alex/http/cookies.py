"""Browser sessions: an opaque session token in an HttpOnly cookie, and CSRF tokens.

The cookie holds a random token naming a server-side session (``alex.services.web_sessions``),
so signing out really ends it. It is HttpOnly and SameSite=Lax; over HTTPS it is Secure and
named with the ``__Host-`` prefix, so no other host or path can set or shadow it. A cookie is sent
by the browser on its own, so every state-changing request that authenticates with it must also
prove it came from our pages: forms carry a hidden ``csrf_token`` and scripts send
``X-CSRF-Token``, equal to the session's own CSRF token (given to the page in the ``alex_csrf``
cookie at sign-in). Before sign-in, the sign-in and sign-up forms use a double-submit token.
Bearer-token API clients are unaffected: a header is never sent on its own.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from fastapi import Request, Response

SESSION_COOKIE: Final = "alex_session"
SECURE_SESSION_COOKIE: Final = "__Host-alex_session"
CSRF_COOKIE: Final = "alex_csrf"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def is_https(request: Request) -> bool:
    """Served over HTTPS: directly, or behind a proxy when the public URL says so."""
    context = getattr(request.app.state, "context", None)
    public_url = getattr(getattr(context, "settings", None), "public_url", None) or ""
    return request.url.scheme == "https" or public_url.startswith("https://")


def _session_cookie(request: Request) -> str:
    return SECURE_SESSION_COOKIE if is_https(request) else SESSION_COOKIE


def session_token(request: Request) -> str | None:
    return request.cookies.get(_session_cookie(request))


def set_session(response: Response, request: Request, *, token: str, csrf: str, max_age: int) -> None:
    secure = is_https(request)
    response.set_cookie(
        _session_cookie(request),
        token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    # Readable by our scripts (they echo it in a header); useless to another origin.
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, secure=secure, samesite="strict", path="/")


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(_session_cookie(request), path="/", secure=is_https(request), httponly=True)


def bind_session_csrf(request: Request, csrf: str) -> None:
    """Remember the signed-in session's CSRF token: only it passes for this request."""
    request.state.session_csrf = csrf


def csrf_token(request: Request) -> str:
    """The CSRF token a page embeds: the session's own, else this browser's pre-sign-in token
    (new when it has none; ``ensure_csrf_cookie`` stores it)."""
    bound: str | None = getattr(request.state, "session_csrf", None)
    if bound:
        return bound
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    token: str = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def ensure_csrf_cookie(response: Response, request: Request) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(
            CSRF_COOKIE, new, httponly=False, secure=is_https(request), samesite="strict", path="/"
        )


def csrf_valid(request: Request, submitted: str | None) -> bool:
    expected = getattr(request.state, "session_csrf", None) or request.cookies.get(CSRF_COOKIE)
    return bool(expected and submitted) and hmac.compare_digest(str(expected), str(submitted))
