"""Which redirects the HTTP client may follow: a pure decision, tested without a network.

* A login request (its body is a password, or it renews a session) is never redirected: a
  ``307`` would re-send the password to wherever the server points.
* A request that carries credentials (an ``Authorization`` header) never follows a redirect to
  another origin (scheme, host and port).
* A redirect into the local network (loopback, link-local, RFC 1918 / ULA / CGNAT private,
  unspecified, multicast or reserved addresses) is refused, unless the configured URL's own host
  is in such a range (a feed on the intranet may redirect within the intranet). A target whose
  name does not resolve counts as local: what cannot be checked is not followed.

The caller resolves the host names (``addresses``: host -> its IP addresses); this module does
no I/O. The name is resolved again when the connection is made, so a DNS server that changes
its answer in between (rebinding) is not covered; nor are redirects that stay on one host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

__all__ = ["is_local_address", "is_local_host", "origin", "redirect_refusal"]


def is_local_address(address: str) -> bool:
    """True for anything that is not a public unicast address (or not an address at all)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified
            or ip.is_loopback or ip.is_link_local or ip.is_private)


def is_local_host(host: str, addresses: Mapping[str, Sequence[str]]) -> bool:
    """``host`` is an IP literal in a local range, ``localhost``, or resolves to a local address.

    A host that resolved to nothing counts as local.
    """
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        found = addresses.get(host, ())
        return not found or any(is_local_address(a) for a in found)
    return is_local_address(host)


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` with the default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is not a number
        port = None
    return scheme, (parts.hostname or "").rstrip("."), port


def redirect_refusal(configured: str, current: str, target: str,
                     addresses: Mapping[str, Sequence[str]], *, credentials: bool,
                     login: bool, origin_local: bool | None = None) -> str | None:
    """Why the redirect from ``current`` to ``target`` must not be followed, or ``None``.

    ``configured`` is the URL the connector asked for (the start of the chain); ``credentials``
    says the redirected request carries an ``Authorization`` header; ``login`` that its body is a
    password or it renews a session. ``addresses`` holds the resolved addresses of the hosts of
    ``configured`` and ``target``. ``origin_local`` overrides whether the configured host is
    in the local network (``None``: decided from its addresses).
    """
    parts = urlsplit(target)
    where = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"  # never a user:password@
    if login:
        return f"a login request is never redirected (to {where})"
    if credentials and origin(target) != origin(current):
        return f"a request with credentials is not redirected to another origin ({where})"
    target_host = origin(target)[1]
    if not target_host:
        return None  # not a network URL: the client refuses the scheme itself
    if origin_local is None:
        origin_local = is_local_host(origin(configured)[1], addresses)
    if is_local_host(target_host, addresses) and not origin_local:
        return f"a redirect into the local network ({where}) is not followed"
    return None
