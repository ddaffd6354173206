"""portal/settings.py: production checks, env parsing, security headers, SQLite under load.

Most tests evaluate the settings module afresh with a controlled environment (``load_settings``)
instead of poking at the already-configured test settings, so they hold whichever database the
suite itself runs on.
"""

import os
import re
import runpy
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE = BASE_DIR / "portal" / "settings.py"
PRODUCTION_HOST = "portal.example.org"


def _is_config_var(name):
    return (name.startswith(("DJANGO_", "PORTAL_")) or name == "DATABASE_URL") and name != "DJANGO_SETTINGS_MODULE"


def production_env(**overrides):
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": PRODUCTION_HOST,
    }
    env.update(overrides)
    return env


@pytest.fixture
def load_settings(monkeypatch):
    """Evaluate portal/settings.py with only the given configuration variables set."""

    def load(**env):
        for name in list(os.environ):
            if _is_config_var(name):
                monkeypatch.delenv(name)
        env.setdefault("DJANGO_SECRET_KEY", "test-" + secrets.token_urlsafe(50))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def manage(*args, env):
    """Run manage.py in a subprocess with the portal's real settings and the given variables."""
    clean_env = {name: value for name, value in os.environ.items() if not _is_config_var(name)}
    clean_env.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- production configuration ------------------------------------------------------------------


def check_deploy(**env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(**env))
    return result.returncode, result.stdout + result.stderr


def test_check_deploy_passes_with_production_settings_and_redis():
    # The check reads the configuration only: no Redis server needs to listen there.
    status, output = check_deploy(DJANGO_CACHE_URL="redis://127.0.0.1:6379/0")
    assert status == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_refuses_a_process_local_rate_limit_cache():
    """Without a shared cache each gunicorn worker keeps its own counts: an error, in Chinese
    and English, from `check --deploy` (portal.E001 is not silenced)."""
    status, output = check_deploy()
    assert status != 0
    assert "portal.E001" in output and "PORTAL_SINGLE_PROCESS=true" in output
    assert "频率限制使用的是进程内缓存" in output

    # Other commands (migrate, runserver) still run: only the deploy check refuses.
    plain = manage("check", env=production_env())
    assert plain.returncode == 0, plain.stdout + plain.stderr


def test_check_deploy_accepts_a_declared_single_process():
    status, output = check_deploy(PORTAL_SINGLE_PROCESS="true")
    assert status == 0, output
    assert "portal.E001" not in output


def test_only_the_portal_check_speaks_for_the_local_cache(load_settings):
    assert {"django_ratelimit.E003", "django_ratelimit.W001"} <= set(load_settings()["SILENCED_SYSTEM_CHECKS"])
    production = load_settings(**production_env())
    assert "portal.E001" not in production["SILENCED_SYSTEM_CHECKS"]
    redis = load_settings(**production_env(DJANGO_CACHE_URL="redis://127.0.0.1:6379/0"))
    assert redis["SILENCED_SYSTEM_CHECKS"] == ["django_ratelimit.W001"]


def test_production_without_secret_key_refuses_to_start(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="")

    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr


def test_list_variables_are_split_on_commas(load_settings):
    config = load_settings(
        **production_env(
            DJANGO_ALLOWED_HOSTS=" portal.example.org, www.example.org ,",
            DJANGO_CSRF_TRUSTED_ORIGINS="https://portal.example.org",
        )
    )
    assert config["ALLOWED_HOSTS"] == ["portal.example.org", "www.example.org"]
    assert config["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.org"]


# --- databases ---------------------------------------------------------------------------------


def test_database_url_postgres_selects_postgresql(load_settings):
    config = load_settings(DATABASE_URL="postgres://portal:s3cret@db.example.org:5433/portal", DJANGO_CONN_MAX_AGE="120")
    database = config["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["HOST"], database["PORT"]) == (
        "portal",
        "portal",
        "db.example.org",
        5433,
    )
    assert database["CONN_MAX_AGE"] == 120
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in database.get("OPTIONS", {})


@pytest.mark.parametrize(("value", "expected"), [(None, 60), ("0", 0), ("300", 300)])
def test_sqlite_connection_is_kept_between_requests_like_postgresql(load_settings, tmp_path, value, expected):
    """A new SQLite connection costs every request ~2 ms of CPU (the schema parsed again):
    it is kept for DJANGO_CONN_MAX_AGE seconds, and 0 still closes it after each request."""
    environment = {"DJANGO_CONN_MAX_AGE": value} if value is not None else {}
    database = load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}", **environment)["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == expected
    assert database["CONN_HEALTH_CHECKS"] is False


@pytest.fixture
def file_sqlite(load_settings, tmp_path, django_db_blocker):
    """A database alias on a fresh SQLite *file*, configured exactly as settings.py does it."""
    database = load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}")["DATABASES"]["default"]
    alias = "file_sqlite"
    connections.settings[alias] = connections.configure_settings({"default": database})["default"]
    with django_db_blocker.unblock():
        yield alias
        connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_sqlite_file_runs_in_wal_mode_with_immediate_transactions(file_sqlite):
    connection = connections[file_sqlite]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"


def test_concurrent_saves_on_sqlite_do_not_hit_database_is_locked(file_sqlite):
    """Two editors saving at once: each transaction reads then writes, the pattern that fails
    with "database is locked" under SQLite's default DEFERRED transactions."""
    with connections[file_sqlite].schema_editor() as editor:
        editor.create_model(ContentType)
    saves_per_thread = 40
    errors = []
    start = threading.Barrier(2)

    def editor(name):
        try:
            start.wait()
            for index in range(saves_per_thread):
                with transaction.atomic(using=file_sqlite):
                    existing = ContentType.objects.using(file_sqlite).filter(app_label=name).count()
                    ContentType.objects.using(file_sqlite).create(app_label=name, model=f"m{existing}-{index}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections[file_sqlite].close()

    threads = [threading.Thread(target=editor, args=(name,)) for name in ("editor_a", "editor_b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert ContentType.objects.using(file_sqlite).count() == 2 * saves_per_thread


# --- response headers --------------------------------------------------------------------------

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/robots.txt", "/"])
def test_every_response_carries_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
)


def use_https_settings(settings, config):
    """The test settings with the HTTPS settings of `config` (Django's defaults where it has none)."""
    for name in HTTPS_SETTINGS:
        setattr(settings, name, config.get(name, getattr(global_settings, name)))
    return config


@pytest.fixture
def production_https(settings, load_settings):
    """The test settings with the HTTPS hardening production gets."""
    return use_https_settings(settings, load_settings(**production_env()))


def test_production_sends_hsts_over_https_and_redirects_http(client, production_https):
    response = client.get("/robots.txt", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        f"max-age={production_https['SECURE_HSTS_SECONDS']}; includeSubDomains; preload"
    )

    response = client.get("/robots.txt")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/robots.txt"


def test_production_trusts_the_proxy_https_header(client, production_https):
    response = client.get("/robots.txt", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response.has_header("Strict-Transport-Security")


def test_health_check_is_reachable_over_plain_http(client, production_https):
    assert client.get("/healthz").status_code == 200


def test_secure_https_false_serves_plain_http_without_hsts(client, settings, load_settings):
    use_https_settings(settings, load_settings(**production_env(DJANGO_SECURE_HTTPS="false")))
    assert client.get("/robots.txt").status_code == 200
    assert not client.get("/robots.txt", secure=True).has_header("Strict-Transport-Security")


def test_every_environment_variable_is_documented():
    source = SETTINGS_FILE.read_text()
    names = set(re.findall(r'(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z0-9_]+)"', source))
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL"} <= names
    readme = (BASE_DIR / "README.md").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    assert not {name for name in names if f"`{name}`" not in readme}
    assert not {name for name in names if name not in example}
