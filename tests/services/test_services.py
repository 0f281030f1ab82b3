"""The services against the real database: ownership, the commit rule, refusals a person can act on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from alex.auth.configured import builtin_issuer
from alex.auth.keys import BuiltinIssuer
from alex.auth.tokens import Claims
from alex.db.engine import Database
from alex.services import accounts, analyses, identity, instruments, positions
from alex.services.accounts import AccountCreate, AccountUpdate
from alex.services.analyses import AnalyzeRequest
from alex.services.csv_import import ImportRow
from alex.services.errors import NotFoundError, TooManyRequestsError
from alex.services.identity import InvalidCredentialsError, SignInThrottle, SignUp, UserUpdate
from alex.services.validation import field_errors
from alex.settings import Settings


async def _account(database: Database, user: str, name: str = "Brokerage") -> uuid.UUID:
    async with database.session() as session:
        account = await accounts.create_account(
            session, user_id=user, form=AccountCreate(account_name=name), settings=Settings()
        )
        return account.id


async def test_a_service_that_writes_commits_so_another_session_sees_it(database: Database) -> None:
    account_id = await _account(database, "u1")
    async with database.session() as other:
        found = await accounts.get_account(other, user_id="u1", account_id=account_id)
    assert found.account_name == "Brokerage"


async def test_another_persons_account_is_not_found(database: Database) -> None:
    account_id = await _account(database, "u1")
    async with database.session() as session:
        with pytest.raises(NotFoundError, match="Account not found"):
            await accounts.get_account(session, user_id="u2", account_id=account_id)


async def test_an_update_leaves_nulls_as_they_are_but_clears_the_purpose(database: Database) -> None:
    async with database.session() as session:
        account = await accounts.create_account(
            session,
            user_id="u1",
            form=AccountCreate(account_name="Roth", account_purpose="Later"),
            settings=Settings(),
        )
        changes = AccountUpdate.model_validate({"account_name": None, "account_purpose": None})
        updated = await accounts.update_account(session, account=account, changes=changes)
    assert (updated.account_name, updated.account_purpose) == ("Roth", None)


def _row(line: int, symbol: str, account_id: uuid.UUID) -> ImportRow:
    return ImportRow(
        line=line,
        symbol=symbol,
        quantity_text="1",
        account_name="",
        quantity=Decimal(1),
        account_id=account_id,
    )


async def test_an_import_writes_every_row_or_none(database: Database) -> None:
    mine = await _account(database, "u1")
    theirs = await _account(database, "u2")
    rows = (
        ImportRow(
            line=1, symbol="VTI", quantity_text="1", account_name="", quantity=Decimal(1), account_id=mine
        ),
        ImportRow(
            line=2, symbol="BND", quantity_text="2", account_name="", quantity=Decimal(2), account_id=theirs
        ),
    )
    async with database.session() as session:
        with pytest.raises(NotFoundError):
            await positions.import_positions(session, user_id="u1", rows=rows, settings=Settings())
    async with database.session() as session:
        assert await positions.list_positions(session, user_id="u1", account_id=mine) == []
        assert (
            await positions.import_positions(session, user_id="u1", rows=rows[:1], settings=Settings()) == 1
        )
        held = await positions.list_positions(session, user_id="u1", account_id=mine)
    assert [view.position.symbol for view in held] == ["VTI"]


async def test_clearing_a_price_you_never_set_says_so(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(NotFoundError, match="You have no price set for this symbol"):
            await instruments.clear_price(session, user_id="u1", symbol="vti")


async def test_too_many_unfinished_analyses_are_refused_with_a_wait(database: Database) -> None:
    settings = Settings(max_unfinished_jobs_per_user=1)
    async with database.session() as session:
        await analyses.start_analysis(session, user_id="u1", request=AnalyzeRequest(), settings=settings)
        with pytest.raises(TooManyRequestsError, match="1 analyses waiting or running") as refused:
            await analyses.start_analysis(session, user_id="u1", request=AnalyzeRequest(), settings=settings)
    assert (refused.value.retry_after or 0) > 0
    async with database.session() as session:
        assert len(await analyses.list_analyses(session, user_id="u1", limit=10)) == 1
        assert await analyses.latest_analysis(session, user_id="u2") is None


@pytest.fixture
def issuer(settings: Settings) -> BuiltinIssuer:
    return builtin_issuer(settings)


async def test_the_throttle_counts_failures_per_email_at_an_address(
    database: Database, issuer: BuiltinIssuer, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, sign_in_free_failures=2, sign_in_first_delay_seconds=600)
    throttle = SignInThrottle.from_settings(settings)
    right = "correct horse battery 9"
    async with database.session() as session:
        await identity.sign_up(session, issuer=issuer, form=SignUp(email="ada@example.com", password=right))
        for _ in range(3):
            with pytest.raises(InvalidCredentialsError):
                await identity.sign_in(
                    session,
                    issuer=issuer,
                    email="ada@example.com",
                    password="wrong",
                    throttle=throttle,
                    client="10.0.0.1",
                )
        with pytest.raises(TooManyRequestsError):
            await identity.sign_in(
                session,
                issuer=issuer,
                email="ada@example.com",
                password=right,
                throttle=throttle,
                client="10.0.0.1",
            )
        # The same person from another address is not held up by these failures.
        user = await identity.sign_in(
            session,
            issuer=issuer,
            email="ada@example.com",
            password=right,
            throttle=throttle,
            client="10.0.0.9",
        )
    assert user.email == "ada@example.com"


async def test_a_profile_update_keeps_what_was_not_sent(database: Database) -> None:
    async with database.session() as session:
        user = (await identity.user_for_claims(session, claims=_claims("u3")))[0]
        before = user.target_retirement_income
        updated = await identity.update_profile(
            session, user=user, changes=UserUpdate.model_validate({"years_until_retirement": 12})
        )
    assert (updated.years_until_retirement, updated.target_retirement_income) == (12, before)


def test_validation_messages_never_echo_hostile_field_names() -> None:
    with pytest.raises(ValidationError) as caught:
        UserUpdate.model_validate({"<script>": 1, "years_until_retirement": -1})
    errors = {error.field: error.reason for error in field_errors(caught.value.errors())}
    assert set(errors) == {"?", "years_until_retirement"}
    assert not any("Value error, " in reason for reason in errors.values())


def _claims(subject: str) -> Claims:
    return Claims(subject=subject, name="Ada", email=None, issuer="test", expires_at=datetime.now(UTC))
