"""Bad configuration stops start-up with one line naming the variable."""

import os
import subprocess
import sys
from ipaddress import ip_network
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from config.env import (
    ConfigError,
    parse_allowed_networks,
    parse_database_url,
    parse_database_urls,
    parse_email_url,
    parse_memcached_url,
    parse_site_url,
)

ROOT = Path(__file__).resolve().parent.parent


def run_manage(env_changes: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "SESSION_CACHE_URL",
            "redis://x",
            "SESSION_CACHE_URL must look like memcached://host:port",
        ),
        ("OBJECT_CACHE_URL", "memcached://cache", "OBJECT_CACHE_URL must look like memcached://"),
        ("OBJECT_CACHE_URL", "memcached://cache:99999", "OBJECT_CACHE_URL has a bad port"),
        ("DATABASE_URL", "mysql://u:p@h/db", "DATABASE_URL must look like postgres://"),
        ("DATABASE_URL", "postgres://u:p@h:x/db", "DATABASE_URL has a bad port"),
        ("DEBUG", "yes", "DEBUG must be 1 or 0, got 'yes'"),
        (
            "DATABASE_REPLICA_URLS",
            "postgres://u:p@r1/db,,postgres://u:p@r2/db",
            "DATABASE_REPLICA_URLS has an empty entry",
        ),
        ("DATABASE_REPLICA_URLS", "redis://r1", "DATABASE_REPLICA_URLS must look like postgres://"),
        ("DATABASE_REPLICA_URLS", "postgres://u:p@[r1/db", "DATABASE_REPLICA_URLS must look like"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be a whole number"),
        (
            "LINK_FETCH_ALLOWED_NETWORKS",
            "10.0.0.1/8",
            "LINK_FETCH_ALLOWED_NETWORKS has a bad network '10.0.0.1/8'",
        ),
    ],
)
def test_bad_variable_stops_start_up_with_one_line(variable, value, expected):
    result = run_manage({variable: value}, "check")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kwippy: configuration error: ")
    assert expected in lines[0]


def test_production_without_secret_key_names_it():
    result = run_manage({"DEBUG": "0", "SECRET_KEY": ""}, "check")
    assert result.returncode != 0
    assert result.stderr.strip() == "kwippy: configuration error: SECRET_KEY is required"


def test_wsgi_import_with_bad_configuration_exits_with_one_line():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SESSION_CACHE_URL": "x"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("kwippy: configuration error: SESSION_CACHE_URL")


def test_check_deploy_is_clean_under_the_documented_production_environment():
    result = run_manage(
        {
            "DEBUG": "0",
            "HTTPS": "1",
            "SECRET_KEY": "x7" * 30 + "production-grade-secret",
            "ALLOWED_HOSTS": "kwippy.example",
            "CSRF_TRUSTED_ORIGINS": "https://kwippy.example",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_memcached_url_with_several_nodes_gives_every_node():
    nodes = parse_memcached_url("X", "memcached://a:11211,b:11212, c:1")
    assert nodes == ["a:11211", "b:11212", "c:1"]


def test_memcached_url_naming_a_node_twice_is_refused():
    with pytest.raises(ConfigError, match="names the same node twice"):
        parse_memcached_url("X", "memcached://a:1,a:1")


def test_database_url_gives_django_settings_with_unquoted_password():
    database = parse_database_url("X", "postgres://kw:p%40ss@db.internal:6432/kwippy")
    assert database["PASSWORD"] == "p@ss"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        "6432",
        "kwippy",
    )


def test_replica_urls_give_one_database_each_in_order():
    replicas = parse_database_urls(
        "X", "postgres://kw:pw@r1:5433/kwippy, postgres://kw:pw@r2/kwippy"
    )
    assert [(db["HOST"], db["PORT"]) for db in replicas] == [("r1", "5433"), ("r2", "5432")]


def test_no_replica_urls_give_no_databases():
    assert parse_database_urls("X", "") == []


def test_replica_urls_naming_a_database_twice_are_refused():
    with pytest.raises(ConfigError, match="names the same database twice"):
        parse_database_urls("X", "postgres://a:b@r1/db,postgresql://c:d@r1:5432/db")


@given(st.text(max_size=80))
def test_any_replica_urls_text_gives_databases_or_a_config_error(text):
    message = ""
    try:
        replicas = parse_database_urls("X", text)
    except ConfigError as error:
        message, replicas = str(error), []
    assert all(db["ENGINE"] == "django.db.backends.postgresql" for db in replicas)
    assert "\n" not in message
    assert message == "" or message.startswith("X ")


def test_replica_urls_add_replica_aliases_the_router_and_its_middleware():
    script = (
        "from django.conf import settings as s;"
        "print(s.KWIPPY_DATABASE_REPLICAS, s.DATABASES['replica2']['HOST'], s.DATABASE_ROUTERS,"
        " 'kwippy.core.middleware.reads_from_replicas' in s.MIDDLEWARE)"
    )
    result = run_manage(
        {"DATABASE_REPLICA_URLS": "postgres://u:p@r1/db,postgres://u:p@r2/db"},
        "shell",
        "-c",
        script,
    )
    assert result.returncode == 0, result.stderr
    assert "['replica1', 'replica2'] r2 ['kwippy.core.routers.ReplicaRouter'] True" in result.stdout


def test_site_url_keeps_scheme_host_port_and_path_without_trailing_slash():
    assert (
        parse_site_url("X", "https://kwippy.example:8443/bm/") == "https://kwippy.example:8443/bm"
    )


@pytest.mark.parametrize(
    "url",
    ["kwippy.example", "ftp://kwippy.example", "https://", "https://h:99999", "https://h/?q=1"],
)
def test_site_url_that_is_no_http_address_is_refused(url):
    with pytest.raises(ConfigError, match=r"^X must look like"):
        parse_site_url("X", url)


def test_allowed_networks_give_each_network_with_its_port_or_none():
    assert parse_allowed_networks("X", " 10.1.0.0/16, 127.0.0.1:8080,[fd00::/8]:443,::1 ") == [
        (ip_network("10.1.0.0/16"), None),
        (ip_network("127.0.0.1/32"), 8080),
        (ip_network("fd00::/8"), 443),
        (ip_network("::1/128"), None),
    ]


def test_no_allowed_networks_give_none():
    assert parse_allowed_networks("X", "") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.0/33", "bad network"),
        ("intranet.example", "bad network"),
        ("127.0.0.1:0", "bad port"),
        ("127.0.0.1:http", "bad port"),
        ("[fd00::/8]443", "bad entry"),
        ("fd00::/8:443", "bad network"),
    ],
)
def test_allowed_networks_of_another_shape_are_refused(text, message):
    with pytest.raises(ConfigError, match=f"^X has a {message}"):
        parse_allowed_networks("X", text)


@given(st.text())
def test_any_allowed_networks_text_gives_networks_or_a_config_error(text):
    try:
        entries = parse_allowed_networks("X", text)
    except ConfigError:
        return
    assert all(port is None or 0 < port < 65536 for _, port in entries)


@pytest.mark.django_db
def test_the_site_has_no_django_session_table():
    # Sessions live in memcached; only the session benchmark's settings install Django's app.
    assert "django_session" not in connection.introspection.table_names()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://kw:p%40ss@mail.example:587?tls=1",
            ("mail.example", 587, "kw", "p@ss", True, False),
        ),
        ("smtps://kw:pw@mail.example", ("mail.example", 465, "kw", "pw", False, True)),
        ("smtp://relay.internal", ("relay.internal", 25, "", "", False, False)),
    ],
)
def test_email_url_gives_the_smtp_server_django_sends_to(url, expected):
    mail = parse_email_url("EMAIL_URL", url)
    assert mail["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        mail["HOST"],
        mail["PORT"],
        mail["USER"],
        mail["PASSWORD"],
        mail["USE_TLS"],
        mail["USE_SSL"],
    ) == expected


def test_email_url_console_prints_mail():
    mail = parse_email_url("EMAIL_URL", "console:")
    assert mail["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    "url",
    [
        "console://",
        "mailto:kw@example.com",
        "smtp://",
        "smtp://mail.example:0",
        "smtp://mail.example:99999",
        "smtp://kw@mail.example",
        "smtp://:secret@mail.example",
        "smtp://mail.example/path",
        "smtp://mail.example?tls=yes",
        "smtp://mail.example?ssl=1",
        "smtps://mail.example?tls=1",
    ],
)
def test_email_url_of_another_shape_is_refused_without_repeating_it(url):
    with pytest.raises(ConfigError, match=r"^EMAIL_URL ") as error:
        parse_email_url("EMAIL_URL", url)
    assert "secret" not in str(error.value)


def test_bad_email_url_stops_start_up_with_one_line():
    result = run_manage({"EMAIL_URL": "smtp://kw@mail.example"}, "check")
    assert result.returncode != 0
    assert result.stderr.strip().startswith("kwippy: configuration error: EMAIL_URL must look like")
    assert len(result.stderr.strip().splitlines()) == 1


def test_mail_settings_follow_email_url():
    script = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.KWIPPY_EMAIL_DELIVERY_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.EMAIL_USE_SSL)"
    )
    result = run_manage({"EMAIL_URL": "smtps://kw:pw@mail.example:2465"}, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert (
        "kwippy.core.mail.QueuedEmailBackend django.core.mail.backends.smtp.EmailBackend"
        " mail.example 2465 True"
    ) in result.stdout
