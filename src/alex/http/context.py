"""What one app process holds: settings, the database, identity (how tokens are checked) and the
web sign-in throttle."""

from __future__ import annotations

from dataclasses import dataclass, field

from alex.auth.keys import BuiltinIssuer
from alex.auth.tokens import TokenVerifier
from alex.db.engine import Database
from alex.services.identity import SignInThrottle
from alex.settings import Settings


@dataclass(frozen=True, slots=True)
class AppContext:
    settings: Settings
    database: Database
    verifier: TokenVerifier
    issuer: BuiltinIssuer | None
    """The built-in issuer; None when an external issuer is configured."""
    sign_in_throttle: SignInThrottle = field(default_factory=SignInThrottle)
    """Failed web sign-ins of this process (a sliding window per client address and per email)."""
