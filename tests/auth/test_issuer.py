"""The built-in issuer: key files, reload, rotation, configured keys, concurrent creation."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from alex.auth import BuiltinIssuer, BuiltinKeySource, InvalidTokenError, KeyStoreError, TokenVerifier

from .helpers import FakeClock, make_ec_key, make_rsa_key

ISSUER = "http://127.0.0.1:8000"
AUDIENCE = "alex"
TTL = 3600
GRACE = 60
T0 = 1_800_000_000.0


def load(key_dir: Path, clock: FakeClock | None = None, **kwargs: object) -> BuiltinIssuer:
    return BuiltinIssuer.load_or_create(
        key_dir,
        issuer=ISSUER,
        audience=AUDIENCE,
        max_token_ttl_seconds=TTL,
        clock=clock or FakeClock(T0),
        **kwargs,  # type: ignore[arg-type]
    )


def verifier(issuer: BuiltinIssuer, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier(BuiltinKeySource(issuer), issuer=ISSUER, audience=AUDIENCE, clock=clock)


def private_key_files(key_dir: Path) -> list[Path]:
    return sorted(key_dir.glob("signing-key-*.pem"))


def kids(issuer: BuiltinIssuer) -> list[str]:
    return [k["kid"] for k in issuer.jwks()["keys"]]


def test_first_use_creates_private_key_with_mode_0600(tmp_path: Path) -> None:
    key_dir = tmp_path / "keys"
    issuer = load(key_dir)

    assert issuer.created_keys is True
    assert issuer.auto_generated is True
    assert issuer.algorithm == "ES256"
    files = private_key_files(key_dir)
    assert [f.name for f in files] == [f"signing-key-{issuer.active_kid}.pem"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((key_dir / "manifest.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    assert not list(key_dir.glob("*.tmp"))
    assert not list(key_dir.glob(".*.tmp"))


def test_reload_from_disk_gives_same_kid(tmp_path: Path) -> None:
    first = load(tmp_path)
    second = load(tmp_path)

    assert second.created_keys is False
    assert second.active_kid == first.active_kid
    assert second.jwks() == first.jwks()


async def test_minted_token_verifies_and_carries_claims(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    issuer = load(tmp_path, clock)
    token = issuer.mint(subject="u1", name="Ada", email="ada@example.test", ttl_seconds=600)

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256"
    assert header["kid"] == issuer.active_kid
    claims = await verifier(issuer, clock).verify(token)
    assert (claims.subject, claims.name, claims.email, claims.issuer) == (
        "u1",
        "Ada",
        "ada@example.test",
        ISSUER,
    )
    assert claims.expires_at.timestamp() == int(T0) + 600
    assert set(claims.raw) == {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "name", "email"}
    assert claims.raw["aud"] == AUDIENCE


def test_jwks_is_public_only(tmp_path: Path) -> None:
    issuer = load(tmp_path)
    (jwk,) = issuer.jwks()["keys"]
    assert set(jwk) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("EC", "P-256", "ES256", "sig")


def test_mint_enforces_ttl_bound_and_subject(tmp_path: Path) -> None:
    issuer = load(tmp_path)
    with pytest.raises(ValueError, match="ttl_seconds"):
        issuer.mint(subject="u1", ttl_seconds=TTL + 1)
    with pytest.raises(ValueError, match="ttl_seconds"):
        issuer.mint(subject="u1", ttl_seconds=0)
    with pytest.raises(ValueError, match="subject"):
        issuer.mint(subject="  ")
    with pytest.raises(ValueError, match="subject"):
        issuer.mint(subject="x" * 256)
    default = jwt.decode(issuer.mint(subject="u1"), options={"verify_signature": False})
    assert default["exp"] - default["iat"] == TTL


async def test_rotation_keeps_old_key_until_its_tokens_expire(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    issuer = load(tmp_path, clock)
    check = verifier(issuer, clock)
    old_kid = issuer.active_kid
    old_token = issuer.mint(subject="u1")  # lives until T0 + TTL

    clock.advance(100)
    new_kid = issuer.rotate()
    rotated_at = clock.now
    new_token = issuer.mint(subject="u2")

    assert new_kid != old_kid
    assert issuer.active_kid == new_kid
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    assert kids(issuer) == [new_kid, old_kid]
    assert (await check.verify(old_token)).subject == "u1"
    assert (await check.verify(new_token)).subject == "u2"
    # The retired private key is destroyed at once: it never signs again.
    assert [f.name for f in private_key_files(tmp_path)] == [f"signing-key-{new_kid}.pem"]

    # Still published right up to rotation + max TTL (+ grace); gone afterwards.
    clock.now = rotated_at + TTL + GRACE - 1
    assert kids(issuer) == [new_kid, old_kid]
    clock.now = rotated_at + TTL + GRACE
    assert kids(issuer) == [new_kid]
    assert issuer.public_jwk(old_kid) is None
    with pytest.raises(InvalidTokenError) as err:
        await check.verify(old_token)
    assert err.value.reason in {"token expired", "unknown signing key"}


def test_rotation_metadata_is_shared_between_processes(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    one = load(tmp_path, clock)
    two = load(tmp_path, clock)  # a second process on the same key_dir
    old_kid = one.active_kid

    clock.advance(10)
    new_kid = one.rotate()

    assert two.active_kid == new_kid  # picked up from the manifest
    assert kids(two) == [new_kid, old_kid]
    assert jwt.get_unverified_header(two.mint(subject="u1"))["kid"] == new_kid
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    retired = next(k for k in manifest["keys"] if k["kid"] == old_kid)
    assert retired["retired_at"] == T0 + 10
    assert retired["expires_at"] == T0 + 10 + TTL + GRACE
    # A restart after the rotation loads the new key and still publishes the old one.
    assert kids(load(tmp_path, clock)) == [new_kid, old_kid]


def test_a_second_rotation_drops_keys_whose_tokens_expired(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    issuer = load(tmp_path, clock)
    first = issuer.active_kid
    second = issuer.rotate()
    clock.advance(TTL + GRACE + 1)
    third = issuer.rotate()

    assert kids(issuer) == [third, second]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert first not in {k["kid"] for k in manifest["keys"]}


def test_concurrent_creation_in_threads_agrees_on_one_key(tmp_path: Path) -> None:
    key_dir = tmp_path / "fresh"
    workers = 8
    barrier = threading.Barrier(workers)

    def start() -> BuiltinIssuer:
        barrier.wait()
        return load(key_dir)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        issuers = list(pool.map(lambda _: start(), range(workers)))

    assert len({i.active_kid for i in issuers}) == 1
    assert sum(i.created_keys for i in issuers) == 1
    assert len(private_key_files(key_dir)) == 1


_CHILD = """
import sys
from pathlib import Path
from alex.auth import BuiltinIssuer
issuer = BuiltinIssuer.load_or_create(Path(sys.argv[1]), issuer="i", audience="a", max_token_ttl_seconds=60)
sys.stdout.write(issuer.active_kid + "\\n")
"""


def test_concurrent_creation_in_processes_agrees_on_one_key(tmp_path: Path) -> None:
    key_dir = tmp_path / "fresh"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(key_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [child.communicate(timeout=120) for child in children]

    assert [c.returncode for c in children] == [0, 0, 0, 0], [err for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    assert len(private_key_files(key_dir)) == 1
    assert load(key_dir).active_kid == results[0][0].strip()


def test_missing_active_key_file_is_replaced_by_a_new_key(tmp_path: Path) -> None:
    first = load(tmp_path)
    lost_kid = first.active_kid
    for f in private_key_files(tmp_path):
        f.unlink()

    again = load(tmp_path)

    assert again.created_keys is True
    assert again.active_kid != lost_kid
    assert kids(again) == [again.active_kid, lost_kid]  # tokens it signed still verify until expiry
    assert first.active_kid == again.active_kid  # the running instance follows the manifest


def test_corrupt_manifest_is_an_error_not_a_silent_new_key(tmp_path: Path) -> None:
    load(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(KeyStoreError, match="manifest"):
        load(tmp_path)


def test_tampered_key_file_is_rejected(tmp_path: Path) -> None:
    issuer = load(tmp_path)
    other = make_ec_key().private_pem
    (tmp_path / f"signing-key-{issuer.active_kid}.pem").write_text(other)
    with pytest.raises(KeyStoreError, match="does not match"):
        load(tmp_path)


# ------------------------------------------------------------------------------- configured keys


async def test_configured_ec_pem_is_used_and_not_auto_generated(tmp_path: Path) -> None:
    key = make_ec_key()
    clock = FakeClock(T0)
    issuer = load(tmp_path, clock, private_key_pem=key.private_pem)

    assert issuer.auto_generated is False
    assert issuer.active_kid == key.kid
    assert private_key_files(tmp_path) == []  # the secret is never copied to disk
    token = issuer.mint(subject="u1")
    assert (await verifier(issuer, clock).verify(token)).subject == "u1"
    with pytest.raises(KeyStoreError, match="configuration"):
        issuer.rotate()


async def test_configured_rsa_pem_signs_rs256(tmp_path: Path) -> None:
    key = make_rsa_key()
    clock = FakeClock(T0)
    issuer = load(tmp_path, clock, private_key_pem=key.private_pem)

    token = issuer.mint(subject="u1")
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert issuer.jwks()["keys"][0]["kty"] == "RSA"
    assert (await verifier(issuer, clock).verify(token)).subject == "u1"


async def test_swapping_the_configured_key_keeps_the_previous_one_published(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    before = load(tmp_path, clock, private_key_pem=make_ec_key().private_pem)
    old_token = before.mint(subject="u1")

    clock.advance(30)
    after = load(tmp_path, clock, private_key_pem=make_ec_key().private_pem)

    assert kids(after) == [after.active_kid, before.active_kid]
    assert (await verifier(after, clock).verify(old_token)).subject == "u1"
    clock.advance(TTL + GRACE)
    assert kids(after) == [after.active_kid]


def test_switching_from_dev_keys_to_a_configured_key_destroys_dev_private_key(tmp_path: Path) -> None:
    dev = load(tmp_path)
    configured = load(tmp_path, private_key_pem=make_ec_key().private_pem)
    assert private_key_files(tmp_path) == []
    assert kids(configured) == [configured.active_kid, dev.active_kid]


def test_configured_key_with_read_only_dir_still_works(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    issuer = load(blocker / "keys", private_key_pem=make_ec_key().private_pem)  # cannot be created
    assert kids(issuer) == [issuer.active_kid]


@pytest.mark.parametrize(
    "pem",
    [
        "not a pem",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ],
)
def test_bad_configured_pem_is_rejected_without_echoing_it(tmp_path: Path, pem: str) -> None:
    with pytest.raises(KeyStoreError) as err:
        load(tmp_path, private_key_pem=pem)
    assert "AAAA" not in str(err.value)
    assert "not a pem" not in str(err.value)


def test_wrong_curve_is_rejected(tmp_path: Path) -> None:
    p384 = (
        ec.generate_private_key(ec.SECP384R1())
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    with pytest.raises(KeyStoreError, match="P-256"):
        load(tmp_path, private_key_pem=p384)


def test_arguments_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_token_ttl_seconds"):
        BuiltinIssuer.load_or_create(tmp_path, issuer="i", audience="a", max_token_ttl_seconds=0)
    with pytest.raises(ValueError, match="issuer"):
        BuiltinIssuer.load_or_create(tmp_path, issuer="", audience="a", max_token_ttl_seconds=60)
    assert not os.listdir(tmp_path)
