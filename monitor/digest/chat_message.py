"""What a chat channel is sent, and the sender's shape. No Apprise here: importing this costs
nothing, so an installation without alert channels never loads Apprise (some 25 MiB)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from monitor.config.alerts import ChannelSettings


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A short chat message: a title and a Markdown body."""

    title: str
    body: str


class ChatTransport(Protocol):
    def prepare(self, channel: ChannelSettings) -> None:
        """Get ready to send to ``channel`` (load what sending needs), so that the moment between
        "about to send" being recorded and the message leaving is as short as it can be."""

    def send(self, channel: ChannelSettings, message: ChatMessage) -> None:
        """Deliver or raise :class:`monitor.errors.ChatError`."""
