"""The folded-identifier migration keeps every account and refuses to merge two names."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_folded_identifiers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _insert(username: str, email: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, display_name, bio, website)"
            " VALUES ('!', false, %s, '', '', %s, false, true, now(), '', '', '')",
            [username, email],
        )


@pytest.fixture
def before_folding(transactional_db):
    _migrate(BEFORE)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user")
    # Every later migration too: the tests after these need today's tables.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_accounts_are_kept_and_folded(before_folding):
    _insert("Straße", "Anna@EXAMPLE.com")
    _insert("bob", "")
    _migrate(AFTER)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT username, email, username_folded, email_folded FROM accounts_user"
            " ORDER BY username"
        )
        assert cursor.fetchall() == [
            ("Straße", "Anna@EXAMPLE.com", "strasse", "anna@example.com"),
            ("bob", "", "bob", ""),
        ]


def test_usernames_that_fold_alike_stop_the_migration_and_are_named(before_folding):
    _insert("straße", "a@example.com")
    _insert("STRASSE", "b@example.com")
    with pytest.raises(RuntimeError, match="STRASSE, straße"):
        _migrate(AFTER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user")
        assert cursor.fetchone() == (2,)
