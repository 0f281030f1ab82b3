"""The `alex` command line, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt

from alex.auth.keys import BuiltinIssuer
from alex.db.engine import libpq_url
from alex.settings import BUILT_IN_ISSUER


def _alex(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alex", *args], env=env, capture_output=True, text=True, check=False
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ALEX_")}
    return {**env, "ALEX_DATA_DIR": str(tmp_path / "alex"), **extra}


def test_token_prints_the_token_alone_on_the_last_line(tmp_path: Path) -> None:
    result = _alex("token", "--user", "u1", "--name", "Ada", "--ttl", "600", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    issuer = BuiltinIssuer.load_or_create(
        tmp_path / "alex" / "keys", issuer=BUILT_IN_ISSUER, audience="alex", max_token_ttl_seconds=3600
    )
    key = jwt.PyJWK(issuer.jwks()["keys"][0])
    claims = jwt.decode(token, key, algorithms=["ES256", "RS256"], audience="alex", issuer=BUILT_IN_ISSUER)
    assert claims["sub"] == "u1"
    assert claims["name"] == "Ada"
    assert claims["exp"] - claims["iat"] == 600
    assert (tmp_path / "alex" / "keys").stat().st_mode & 0o077 == 0


def test_token_is_refused_with_an_external_issuer(tmp_path: Path) -> None:
    env = _env(
        tmp_path, ALEX_AUTH_JWKS_URL="https://idp.example/jwks", ALEX_AUTH_ISSUER="https://idp.example/"
    )
    result = _alex("token", "--user", "u1", env=env)
    assert result.returncode == 2
    assert "external issuer" in result.stderr
    assert result.stdout == ""


def test_token_rejects_a_ttl_beyond_the_maximum(tmp_path: Path) -> None:
    result = _alex("token", "--user", "u1", "--ttl", "999999", env=_env(tmp_path))
    assert result.returncode == 2
    assert "ttl" in result.stderr


def test_db_upgrade_and_seed_are_idempotent(tmp_path: Path, database_url: str) -> None:
    env = _env(tmp_path, ALEX_DATABASE_URL=database_url)
    for _ in range(2):
        upgrade = _alex("db", "upgrade", env=env)
        assert upgrade.returncode == 0, upgrade.stderr
        seed = _alex("db", "seed", env=env)
        assert seed.returncode == 0, seed.stderr
    assert "at head" in upgrade.stdout
    assert "seeded" in seed.stdout


def test_production_refuses_to_start_without_explicit_configuration(tmp_path: Path) -> None:
    result = _alex("serve", env=_env(tmp_path, ALEX_ENV="production"))
    assert result.returncode == 2
    assert "ALEX_DATABASE_URL must be set" in result.stderr
    assert "signing keys would be auto-generated" in result.stderr
    assert not (tmp_path / "alex" / "pgdata").exists()


def test_jobs_list_dead_and_retry(tmp_path: Path, database_url: str) -> None:
    import psycopg

    dsn = libpq_url(database_url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO users (id, display_name) VALUES ('u1', 'U')")
        dead = conn.execute(
            "INSERT INTO jobs (user_id, status, attempts, error_message, dead_lettered_at, completed_at) "
            "VALUES ('u1', 'failed', 3, 'gave up after 3 attempts: TimeoutError', now(), now()) RETURNING id"
        ).fetchone()
        done = conn.execute(
            "INSERT INTO jobs (user_id, status) VALUES ('u1', 'completed') RETURNING id"
        ).fetchone()
    assert dead is not None
    assert done is not None
    env = _env(tmp_path, ALEX_DATABASE_URL=database_url)

    listed = _alex("jobs", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert str(dead[0]) in listed.stdout
    assert str(done[0]) in listed.stdout

    dead_list = _alex("jobs", "dead", env=env)
    assert str(dead[0]) in dead_list.stdout
    assert "gave up after 3 attempts" in dead_list.stdout
    assert str(done[0]) not in dead_list.stdout

    assert _alex("jobs", "retry", str(done[0]), env=env).returncode == 1  # only failed jobs
    retried = _alex("jobs", "retry", str(dead[0]), env=env)
    assert retried.returncode == 0, retried.stderr
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT status, attempts, dead_lettered_at FROM jobs WHERE id = %s", (dead[0],)
        ).fetchone()
    assert row == ("pending", 0, None)
    assert str(dead[0]) not in _alex("jobs", "dead", env=env).stdout
    assert _alex("jobs", "retry", "not-a-uuid", env=env).returncode == 2


def test_a_misconfigured_model_stops_the_worker_at_start_with_what_to_do(tmp_path: Path) -> None:
    no_url = _alex("worker", env=_env(tmp_path, ALEX_MODEL="openai-compatible:llama3"))
    assert no_url.returncode == 2
    assert "needs ALEX_MODEL_BASE_URL" in no_url.stderr
    missing_client = _alex("worker", env=_env(tmp_path, ALEX_MODEL_REPORTER="anthropic:claude-sonnet-4-5"))
    assert missing_client.returncode == 2
    assert "pip install 'alex[anthropic]'" in missing_client.stderr
    not_a_name = _alex("worker", env=_env(tmp_path, ALEX_MODEL="gpt4"))
    assert not_a_name.returncode == 2
    assert "ALEX_MODEL" in not_a_name.stderr
    assert "is not a model name" in not_a_name.stderr
    assert "Traceback" not in not_a_name.stderr + missing_client.stderr + no_url.stderr
    assert not (tmp_path / "alex" / "pgdata").exists()
