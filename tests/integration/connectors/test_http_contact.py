"""``[http] contact`` reaches every built-in connector's User-Agent, checked where it arrives: on
a loopback server. A contact that would break the header is refused when the config loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.config import load_settings
from monitor.errors import ConfigError
from monitor.runtime import build_sources

RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
       b"<item><title>Curio mbo</title><link>http://127.0.0.1/1</link><guid>1</guid></item>"
       b"</channel></rss>")


def settings_for(tmp_path: Path, url: str, http: str):
    path = tmp_path / "signaleer.toml"
    path.write_text(f'{http}\n[[connectors]]\nname = "nieuws"\nkind = "rss"\n'
                    f'[connectors.options]\nurl = "{url}"\nrequire_match = false\n', encoding="utf-8")
    return load_settings(path)


def user_agent_sent(httpserver: HTTPServer, settings) -> str:
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    (source,) = build_sources(settings, settings.connectors)
    assert len(source.fetch(None).mentions) == 1
    (request, _response), = httpserver.log
    return request.headers["User-Agent"]


def test_the_contact_arrives_in_the_user_agent(tmp_path: Path, httpserver: HTTPServer) -> None:
    settings = settings_for(tmp_path, httpserver.url_for("/feed"),
                            '[http]\ncontact = "mailto:mc@curio.example"')
    sent = user_agent_sent(httpserver, settings)
    assert sent.startswith("Signaleer/") and sent.endswith("; mailto:mc@curio.example)")


def test_without_a_contact_the_user_agent_names_only_signaleer(
        tmp_path: Path, httpserver: HTTPServer) -> None:
    sent = user_agent_sent(httpserver, settings_for(tmp_path, httpserver.url_for("/feed"), ""))
    assert sent.startswith("Signaleer/") and "mailto:" not in sent


@pytest.mark.parametrize("contact", [
    "mc@curio.example",                  # no scheme
    "mailto:mc at curio",                 # a space and no @
    "mailto:a@b.example)\\r\\nX-Evil: 1",  # header injection
    "https://curio.example/a b",
    "ftp://curio.example",
    "mailto:mc@cürio.example",
])
def test_a_contact_that_is_no_address_is_refused_at_load(tmp_path: Path, contact: str) -> None:
    with pytest.raises(ConfigError, match=r"^http\.contact: expected 'mailto:"):
        settings_for(tmp_path, "http://127.0.0.1/", f'[http]\ncontact = "{contact}"')


def test_http_allows_only_known_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"http\.kontakt: unknown key"):
        settings_for(tmp_path, "http://127.0.0.1/", '[http]\nkontakt = "mailto:a@b.example"')
