"""What one API process holds: settings, the database, and identity (how tokens are checked)."""

from __future__ import annotations

from dataclasses import dataclass

from alex.auth.keys import BuiltinIssuer
from alex.auth.tokens import TokenVerifier
from alex.db.engine import Database
from alex.settings import Settings


@dataclass(frozen=True, slots=True)
class AppContext:
    settings: Settings
    database: Database
    verifier: TokenVerifier
    issuer: BuiltinIssuer | None
    """The built-in issuer; None when an external issuer is configured."""
