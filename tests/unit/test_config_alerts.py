"""``[alerts]`` / ``[web]``: every value checked at load; the channel URL is a secret."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from monitor.config import parse_settings
from monitor.config.alerts import ChannelSettings
from monitor.digest.chat_policy import always_through, quiet_until, severities_for, wants
from monitor.errors import ConfigError
from monitor.redaction import redact
from monitor.runtime import check_parts

URL = "mmosts://chat.curio.example/zx9hooktokenQQQ123"
AMS = ZoneInfo("Europe/Amsterdam")


def settings(channel: dict[str, Any] | None = None, **alerts: Any) -> Any:
    channels = [{"name": "mc", "url": URL, **(channel or {})}]
    return parse_settings({"alerts": {"channels": channels, **alerts}}, None)


@pytest.mark.parametrize(("channel", "expected"), [
    ({"min_severity": "hoog"}, "alerts.channels[0].min_severity: expected one of info, attention"),
    ({"quiet_hours": "22-7"}, "alerts.channels[0].quiet_hours: expected a time like '07:30'"),
    ({"quiet_hours": "22:00"}, "alerts.channels[0].quiet_hours: expected a range like"),
    ({"quiet_hours": "07:00-07:00"}, "start and end are the same"),
    ({"max_per_hour": 0}, "alerts.channels[0].max_per_hour: must be at least 1"),
    ({"name": "MC Teams"}, "alerts.channels[0].name: expected a short name"),
    ({"url_file": "x"}, "alerts.channels[0]: set exactly one of 'url' and 'url_file'"),
    ({"spikes": "ja"}, "alerts.channels[0].spikes: expected true or false"),
    ({"colour": "red"}, "alerts.channels[0].colour: unknown key"),
    ({"url": "just-a-token-zx9hooktoken"}, "is not an Apprise URL"),
])
def test_channel_errors_name_the_key(channel: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings(channel)
    assert expected in str(err.value)
    assert "zx9hooktoken" not in str(err.value)


def test_duplicate_names_and_bad_base_url() -> None:
    with pytest.raises(ConfigError, match="duplicate channel name 'mc'"):
        parse_settings({"alerts": {"channels": [{"name": "mc", "url": URL}] * 2}}, None)
    with pytest.raises(ConfigError, match=r"web\.base_url: expected an http"):
        parse_settings({"web": {"base_url": "signaleer.local"}}, None)


def test_unknown_category_and_url_apprise_does_not_know_fail_at_load() -> None:
    with pytest.raises(ConfigError, match=r"alerts.channels\[0\].categories: unknown category"):
        check_parts(settings({"categories": ["crisis", "brandje"]}))
    with pytest.raises(ConfigError, match="Apprise does not understand this URL") as err:
        check_parts(settings({"url": "nosuchservice://host/zx9hooktokenQQQ123"}))
    assert "zx9hooktoken" not in str(err.value)


def test_url_from_file_is_never_shown_and_redacted(tmp_path: Path) -> None:
    (tmp_path / "teams.url").write_text(f"{URL}\n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('[[alerts.channels]]\nname = "mc"\nurl_file = "teams.url"\n',
                      encoding="utf-8")
    from monitor.config import load_settings

    loaded = load_settings(config)
    channel = loaded.alerts.channel("mc")
    assert channel.url == URL
    assert URL not in repr(loaded) and "zx9hooktoken" not in repr(loaded)
    assert redact("POST https://chat.curio.example/hooks/zx9hooktokenQQQ123 failed") == \
        "POST https://chat.curio.example/hooks/[redacted] failed"
    with pytest.raises(ConfigError, match="no alert channel named 'x' \\(known: mc\\)"):
        loaded.alerts.channel("x")


def test_routing_rules() -> None:
    channel = ChannelSettings(name="mc", url=URL, min_severity="attention",
                              categories=("crisis", "confidential"))
    assert severities_for(channel) == ("attention", "urgent")
    assert wants(channel, "urgent", ["crisis", "press"])
    assert not wants(channel, "urgent", ["threat"])
    assert not wants(channel, "info", ["crisis"])
    assert wants(ChannelSettings(name="all", url=URL), "urgent", [])
    assert always_through("urgent", ["threat"]) and always_through("urgent", ["crisis"])
    assert not always_through("attention", ["crisis"]) and not always_through("urgent", ["press"])


@pytest.mark.parametrize(("quiet", "local", "until"), [
    (("22:00", "07:00"), datetime(2026, 3, 2, 23, 30), datetime(2026, 3, 3, 7, 0)),
    (("22:00", "07:00"), datetime(2026, 3, 3, 6, 59), datetime(2026, 3, 3, 7, 0)),
    (("22:00", "07:00"), datetime(2026, 3, 3, 7, 0), None),
    (("22:00", "07:00"), datetime(2026, 3, 2, 21, 59), None),
    (("12:00", "13:30"), datetime(2026, 3, 2, 12, 0), datetime(2026, 3, 2, 13, 30)),
    (("12:00", "13:30"), datetime(2026, 3, 2, 13, 30), None),
    # the night summer time starts: 07:00 local is 05:00 UTC
    (("22:00", "07:00"), datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 7, 0)),
])
def test_quiet_hours_with_a_frozen_clock(quiet: tuple[str, str], local: datetime,
                                         until: datetime | None) -> None:
    channel = ChannelSettings(name="mc", url=URL, quiet_hours=quiet)
    got = quiet_until(channel, local.replace(tzinfo=AMS).astimezone(UTC), AMS)
    assert got == (until.replace(tzinfo=AMS) if until else None)
    if until is not None and until.month == 3 and until.day == 29:
        assert got is not None and got.astimezone(UTC).hour == 5


def test_the_documented_example_channels_are_valid(tmp_path: Path) -> None:
    """config.example.toml shows its channels commented out (their URL files do not exist here);
    uncommented, with URL files of our own, they load and pass every check."""
    text = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text("utf-8")
    block = text[text.index("# [[alerts.channels]]"):text.index("\n[weekly]")]
    lines = [line[2:] if line.startswith("# ") else "" for line in block.splitlines()]
    raw = tomllib.loads("\n".join(lines))
    for channel, url in zip(raw["alerts"]["channels"], (URL, "slack://T1/B2/abcdefghijklmnop/"),
                            strict=True):
        (tmp_path / channel["name"]).write_text(url, encoding="utf-8")
        channel["url_file"] = str(tmp_path / channel["name"])
    documented = {re.sub(r"\s*=.*", "", line).strip() for line in lines if "=" in line}
    assert set(ChannelSettings.__dataclass_fields__) - {"url"} | {"url_file"} <= documented
    loaded = parse_settings(raw, None)
    check_parts(loaded)
    assert [c.name for c in loaded.alerts.channels] == ["mc-teams", "pers-slack"]
    assert loaded.alerts.channels[0].quiet_hours == ("22:00", "07:00")
