"""Secrets in error texts (issue 18.12): a token a server echoes back, a password with an '@'.

* An X 401 whose body echoes the bearer token was printed and stored in the source's health.
  Every configured secret is now redacted at the error boundary (``monitor.redaction``).
* ``postgresql://u:p@ss@host/db``: SQLAlchemy's parser read the host as ``ss@host``, so the
  password's tail showed in every error, masked URL included. The password is escaped when the
  settings are loaded.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import responses
from sqlalchemy import select

from connectors.twitter import XConnector
from monitor.config import InstitutionSettings, escape_url_password, load_settings
from monitor.db import connector_runs, connector_state
from monitor.errors import StoreError
from monitor.logsetup import configure_logging
from monitor.pipeline import collect
from monitor.redaction import PLACEHOLDER, redact, remember_secret
from monitor.store import Store

CURIO = InstitutionSettings(name="Curio", aliases=(), hashtags=("#curio",), ambiguous_aliases=())
TOKEN = ("AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76"
         "ZC9Ub0wnz4XsNiRVBChTYbJcE3F")
SEARCH = "https://api.twitter.com/2/tweets/search/recent"


def test_x_401_that_echoes_the_token_is_stored_and_printed_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_X_BEARER_TOKEN", TOKEN)
    source = XConnector.from_config("x", {}, CURIO)
    source.sleep = lambda _s: None
    echo = {"title": "Unauthorized", "status": 401, "type": "about:blank",
            "detail": f"Invalid bearer token {TOKEN} for this endpoint"}
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store, responses.RequestsMock() as mock:
        mock.get(SEARCH, json=echo, status=401)
        outcome = collect(store, source, matcher=None)
        with store.reading() as conn:
            stored = [*conn.execute(select(connector_state.c.last_error)).scalars(),
                      *conn.execute(select(connector_runs.c.error)).scalars()]
    assert not outcome.ok and outcome.http_status == 401
    for text in [outcome.summary(), outcome.error or "", *stored]:
        assert TOKEN not in text and "0%2BuSeid" not in text, text
    assert PLACEHOLDER in outcome.summary()
    assert len(stored) == 2


def test_database_password_with_an_at_sign_does_not_leak(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", "postgresql://postgres:s3cr@t-tail@127.0.0.1:1/x")
    config = tmp_path / "signaleer.toml"
    config.write_text('[institution]\nname = "Curio"\n', encoding="utf-8")
    url = load_settings(config).database.url
    with pytest.raises(StoreError) as info:
        Store.open(url)
    message = str(info.value)
    assert "t-tail" not in message and "s3cr" not in message, message
    assert "postgresql://postgres:***@127.0.0.1:1/x" in message
    assert "t-tail" not in redact("driver said: password s3cr@t-tail was wrong")


@pytest.mark.parametrize(("url", "escaped", "password"), [
    ("postgresql://u:p@ss@h:5432/db", "postgresql://u:p%40ss@h:5432/db", "p@ss"),
    ("postgresql://u:p%40ss@h/db", "postgresql://u:p%40ss@h/db", "p@ss"),
    ("postgresql+psycopg://u:a/b:c@h/db?sslmode=require&x=a@b",
     "postgresql+psycopg://u:a%2Fb%3Ac@h/db?sslmode=require&x=a@b", "a/b:c"),
    ("postgresql://u@h/db", "postgresql://u@h/db", None),
    ("postgresql://h/db", "postgresql://h/db", None),
    ("sqlite:////var/lib/a@b/signaleer.db", "sqlite:////var/lib/a@b/signaleer.db", None),
])
def test_escape_url_password(url: str, escaped: str, password: str | None) -> None:
    assert escape_url_password(url) == (escaped, password)


def test_log_lines_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    remember_secret("smtp-password-9876")
    configure_logging(1)
    logging.getLogger("monitor.test").warning("login failed with %s", "smtp-password-9876")
    logging.getLogger("monitor.test").warning("echo: smtp-password-9876")
    err = capsys.readouterr().err
    assert "smtp-password-9876" not in err
    assert err.count(PLACEHOLDER) == 2
    assert redact("abc") == "abc"
