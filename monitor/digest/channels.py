"""Chat channels through Apprise: Microsoft Teams Workflows, Slack, Mattermost, Matrix, email, ...

Signaleer writes no webhook code of its own: a channel is an Apprise URL, and Apprise formats the
payload each service expects. The URL is a secret; it is never logged or shown. What Apprise logs
while sending is captured (warnings and up only, so never its debug lines, which print the URL) and,
redacted, becomes the error recorded for the message.
"""

from __future__ import annotations

import logging
from typing import Any

import apprise

from monitor.config.alerts import ChannelSettings
from monitor.digest.chat_message import ChatMessage
from monitor.errors import ChatError, ConfigError
from monitor.redaction import redact

ERROR_CHARS = 300


def _asset() -> apprise.AppriseAsset:
    # Synchronous, and nothing written to disk (Apprise would otherwise keep a cache per URL).
    return apprise.AppriseAsset(app_id="Signaleer", app_desc="Signaleer alerts",
                                async_mode=False, storage_mode="memory")


def _plugin(url: str) -> Any:
    return apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)


def check_channel(channel: ChannelSettings, where: str) -> None:
    """Raise ``ConfigError`` if Apprise does not understand the channel's URL (never shown)."""
    with apprise.LogCapture(level=logging.ERROR):
        plugin = _plugin(channel.url)
    if plugin is None:
        raise ConfigError(f"{where}: Apprise does not understand this URL (not shown: it is a "
                          f"secret); see the Apprise URL formats for your service")


def describe(channel: ChannelSettings) -> str:
    """What ``doctor`` and ``alerts list`` show: the service, never the URL."""
    with apprise.LogCapture(level=logging.ERROR):
        plugin = _plugin(channel.url)
    service = getattr(plugin, "service_name", None) if plugin is not None else None
    return f"{service or 'unknown service'} (URL hidden)"


class AppriseTransport:
    """Send through Apprise, one URL per channel, synchronously."""

    def __init__(self) -> None:
        self._senders: dict[str, apprise.Apprise] = {}

    def prepare(self, channel: ChannelSettings) -> None:
        """Build the channel's Apprise sender (its plug-ins load on first use) ahead of time."""
        if channel.name in self._senders:
            return
        sender = apprise.Apprise(asset=_asset())
        with apprise.LogCapture(level=logging.ERROR):
            understood = sender.add(channel.url)
        if not understood:
            raise ChatError(f"channel {channel.name}: Apprise does not understand its URL",
                            retriable=False)
        self._senders[channel.name] = sender

    def send(self, channel: ChannelSettings, message: ChatMessage) -> None:
        self.prepare(channel)
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            ok = self._senders[channel.name].notify(body=message.body, title=message.title,
                                                    body_format=apprise.NotifyFormat.MARKDOWN)
            said = captured.getvalue()
        if not ok:
            raise ChatError(f"channel {channel.name}: not delivered: {_last_line(said)}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in redact(text).splitlines() if line.strip()]
    if not lines:
        return "the service did not accept it"
    line = lines[-1]
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"
