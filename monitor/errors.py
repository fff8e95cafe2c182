"""The domain exceptions. The CLI turns them into one-line messages; nothing else should leak."""

from __future__ import annotations


class SignaleerError(Exception):
    """Base of every error Signaleer raises on purpose. ``str(err)`` is a one-line message."""

    exit_code = 1


class ConfigError(SignaleerError):
    """The configuration is missing, unreadable or invalid. The message names the key."""

    exit_code = 2


class StoreError(SignaleerError):
    """The database is unreachable, read-only, not migrated, or refused a write."""


class SearchSyntaxError(SignaleerError):
    """A search query or filter could not be understood."""

    exit_code = 2


class InputError(SignaleerError):
    """A user-supplied file or argument is unusable (for example an unreadable import file)."""

    exit_code = 2


class MailError(SignaleerError):
    """SMTP delivery failed. ``retriable`` says whether trying again later may help;
    ``maybe_delivered`` that the connection was lost during DATA, so the server may have the
    message already (at-least-once: a retry can make a second copy)."""

    def __init__(self, message: str, *, retriable: bool = True,
                 maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.retriable = retriable
        self.maybe_delivered = maybe_delivered


class FetchError(SignaleerError):
    """A connector could not fetch. Carries the connector name and, where known, the HTTP status."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class RetriableFetchError(FetchError):
    """Worth trying again on the next schedule tick (timeouts, 429, 5xx)."""


class FatalFetchError(FetchError):
    """Trying again will not help until someone changes something (401, 404, bad config)."""


class ChatError(SignaleerError):
    """A chat channel did not take a message. ``retriable``: trying again later may help (the
    service refused or could not be reached); not so for a URL Apprise does not understand."""

    def __init__(self, message: str, *, retriable: bool = True) -> None:
        super().__init__(message)
        self.retriable = retriable
