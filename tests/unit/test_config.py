"""Config: found in the right order, validated, one-line errors, secrets never from the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import load_settings, parse_settings
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_example_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_SMTP_PASSWORD", "s3cret")
    monkeypatch.delenv("SIGNALEER_DATABASE_URL", raising=False)
    settings_ = load_settings(ROOT / "config.example.toml")
    assert settings_.institution.name == "Curio"
    assert "ROC West-Brabant" in settings_.institution.aliases
    assert settings_.smtp.password == "s3cret"
    assert "s3cret" not in repr(settings_)
    assert {c.kind for c in settings_.connectors} >= {"rss", "mastodon", "bluesky"}


def test_example_x_table_is_valid_once_uncommented(monkeypatch: pytest.MonkeyPatch) -> None:
    """X is opt-in, so the example has its table commented out; uncommented, it is valid."""
    from monitor.config import parse_settings
    from monitor.runtime import check_parts

    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    block = text[text.index("# [[connectors]]\n# name = \"x\""):]
    raw = tomllib.loads("\n".join(line.removeprefix("# ") for line in block.splitlines()))
    monkeypatch.setenv("SIGNALEER_X_BEARER_TOKEN", "not-a-real-token")
    settings_ = parse_settings(raw, None)
    check_parts(settings_)
    assert settings_.connector("x").options["max_pages"] == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("[institution]\nnaam = 'x'", "institution.naam: unknown key"),
    ("[digest]\ntime = '7 uur'", "digest.time: expected a time like '07:30', got '7 uur'"),
    ("[digest]\nmax_items = 'veel'", "digest.max_items: expected a whole number, got 'veel'"),
    ("[digest]\nlanguage = 'de'", "digest.language: expected 'nl' or 'en', got 'de'"),
    ("[smtp]\nport = 70000", "smtp.port: must be at most 65535, got 70000"),
    ("[smtp]\npassword = 'hunter2'", "smtp.password: secrets are not read from the config file"),
    ("[smtp]\nsecurity = 'ssl'", "smtp.security: expected starttls, tls or none"),
    ("[institution]\ntimezone = 'Mars/Olympus'", "institution.timezone: unknown time zone"),
    ("[institution]\naliases = 'Curio'\nhandles = [1]", "institution.handles: expected a list"),
    ("[database]\nurl = 'mysql://x'", "database.url: unsupported database URL scheme"),
    ("[[connectors]]\nname = 'a'\nkind = 'rss'\nevery = 'vaak'", "connectors[0].every: expected"),
    ("[[connectors]]\nname = 'a'", "connectors[0]: 'name' and 'kind' are required"),
    ("[[connectors]]\nname='a'\nkind='rss'\n[[connectors]]\nname='a'\nkind='rss'",
     "connectors[1].name: duplicate connector name 'a'"),
    ("connectors = 3", "connectors: expected an array of tables"),
    ("[retention]\nunflagged_days = 0", "retention.unflagged_days: must be at least 1, got 0"),
    ("bogus = 1", "bogus: unknown key"),
    ("[institution\nname='x'", "invalid TOML"),
])
def test_errors_name_the_key_and_value(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_for(tmp_path, text)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "absent.toml")
    path = write(tmp_path, "x")
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(path)


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = write(tmp_path, "[institution]\nname = 'Uit env'")
    monkeypatch.setenv("SIGNALEER_CONFIG", str(env_file))
    assert load_settings().institution.name == "Uit env"
    explicit = tmp_path / "other.toml"
    explicit.write_text("[institution]\nname = 'Expliciet'")
    assert load_settings(explicit).institution.name == "Expliciet"
    monkeypatch.delenv("SIGNALEER_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "none"))
    assert load_settings().institution.name == "Curio"  # built-in defaults


def test_secret_from_file_relative_to_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALEER_SMTP_PASSWORD", raising=False)
    (tmp_path / "pw").write_text("from-file\n")
    assert load_settings(write(tmp_path, "[smtp]\npassword_file = 'pw'")).smtp.password == "from-file"
    message = error_for(tmp_path, "[smtp]\npassword_file = 'missing'")
    assert message.startswith("smtp.password_file: cannot read")


def test_database_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", "sqlite:////tmp/x.db")
    assert load_settings(write(tmp_path, "")).database.url == "sqlite:////tmp/x.db"


toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children,
                                                                       max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["institution", "database", "digest", "smtp", "connectors",
                                        "retention", "classifier", "other"]), toml_values,
                       max_size=4))
def test_config_loading_never_tracebacks(raw: dict) -> None:
    try:
        parse_settings(raw, None)
    except ConfigError as exc:
        assert "\n" not in str(exc)


def test_connector_secret_files_are_relative_to_the_config(tmp_path: Path) -> None:
    path = write(tmp_path, '[[connectors]]\nname = "x"\nkind = "x"\n[connectors.options]\n'
                           'bearer_token_file = "secrets/x"\nother = "y"\n')
    options = load_settings(path).connectors[0].options
    assert options["bearer_token_file"] == str(tmp_path / "secrets" / "x")
    assert options["other"] == "y"
