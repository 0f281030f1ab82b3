"""The built-in issuer as the settings describe it (one place for the API and the CLI)."""

from __future__ import annotations

from alex.auth.keys import BuiltinIssuer
from alex.settings import Settings


def builtin_issuer(settings: Settings) -> BuiltinIssuer:
    """Keys from ALEX_AUTH_SIGNING_KEY when set, else the (development) keys under the data dir."""
    signing_key = settings.auth_signing_key
    return BuiltinIssuer.load_or_create(
        settings.key_dir,
        issuer=settings.issuer,
        audience=settings.auth_audience,
        max_token_ttl_seconds=settings.token_ttl_seconds,
        private_key_pem=None if signing_key is None else signing_key.get_secret_value(),
    )
