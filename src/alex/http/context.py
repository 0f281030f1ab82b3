"""What one app process holds: settings, the database, identity (how tokens are checked), the
sign-in throttle's rules, and this process's share of the CPU-bound work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

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
    sign_in_throttle: SignInThrottle
    simulation_slots: asyncio.Semaphore
    """Simulations this process runs at once (each may take a core and hundreds of MB)."""

    @classmethod
    def build(
        cls, settings: Settings, database: Database, verifier: TokenVerifier, issuer: BuiltinIssuer | None
    ) -> AppContext:
        return cls(
            settings=settings,
            database=database,
            verifier=verifier,
            issuer=issuer,
            sign_in_throttle=SignInThrottle.from_settings(settings),
            simulation_slots=asyncio.Semaphore(settings.simulations_per_process),
        )
