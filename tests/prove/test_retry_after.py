"""Unbounded ``Retry-After`` (issue 18.5): a server cannot silence a source for years.

``Retry-After: 315360000`` (10 years) or an HTTP date in 9999 used to become the source's
``not_before``; the wait is now capped at 24 hours in both forms, and for rate-limit reset headers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from connectors.http import MAX_RETRY_AFTER, Http, HttpPolicy, retry_after_seconds
from monitor.errors import RetriableFetchError

DAY = 24 * 3600
NOW = datetime(2026, 12, 4, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("headers", [
    {"retry-after": "315360000"},
    {"retry-after": "99999999999999999999999"},
    {"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"x-rate-limit-reset": "253402300799"},  # epoch seconds in 9999
    {"x-ratelimit-reset": "9999-12-31T23:59:59Z"},
    {"ratelimit-reset": "315360000"},
])
def test_far_waits_are_capped_at_a_day(headers: dict[str, str]) -> None:
    assert MAX_RETRY_AFTER == DAY
    assert retry_after_seconds(headers, NOW) == DAY


def test_reasonable_waits_are_kept() -> None:
    assert retry_after_seconds({"retry-after": "3600"}, NOW) == 3600
    assert retry_after_seconds({"retry-after": "Fri, 04 Dec 2026 06:00:00 GMT"}, NOW) == 6 * 3600
    assert retry_after_seconds({"retry-after": "Thu, 01 Jan 1970 00:00:00 GMT"}, NOW) == 0


@pytest.mark.parametrize("value", ["315360000", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_ten_year_retry_after_reschedules_within_a_day(httpserver: HTTPServer,
                                                         value: str) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=429,
                                                         headers={"Retry-After": value})
    with Http("rss:slow", HttpPolicy(retries=1), sleep=lambda _s: None) as http, \
            pytest.raises(RetriableFetchError) as info:
        http.get(httpserver.url_for("/feed"))
    assert info.value.retry_after == DAY
    assert "retry after 86400s" in str(info.value)
