"""Keyed pseudonyms for authors: ``anon:`` + the first 16 hex digits of HMAC-SHA256(key, handle).

The handle is normalised first (trimmed, leading ``@`` removed, lower-cased) — handles on X,
Mastodon and Bluesky are case-insensitive — so one author always gets one pseudonym: counts per
author and clusters stay correct, and a data subject's request can still find pseudonymised rows
(by computing the pseudonym of the handle they give). Without the key nobody can do either.

The key is never generated silently (see docs/privacy.md, "Pseudonym key"): with no key configured,
retention deletes as usual but skips pseudonymisation and says so.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from monitor.errors import ConfigError, InputError

PREFIX = "anon:"
DIGITS = 16  # 64 bits: collisions are negligible for the authors one institution ever sees
MIN_KEY_CHARS = 16
KEY_HINT = ("set $SIGNALEER_PSEUDONYM_KEY or [retention] pseudonym_key_file; "
            "create one with `signaleer retention new-key FILE`")


def normalise_handle(handle: str) -> str:
    """``" @Jan_de_Vries "`` -> ``"jan_de_vries"``: how handles are compared everywhere here."""
    return handle.strip().lstrip("@").strip().lower()


def is_pseudonym(author: str | None) -> bool:
    return bool(author) and str(author).startswith(PREFIX)


def check_key(key: str | None) -> bytes | None:
    """The key as bytes, ``None`` if unset; a key too short to resist guessing is a ``ConfigError``."""
    if key is None or not key.strip():
        return None
    if len(key.strip()) < MIN_KEY_CHARS:
        raise ConfigError(f"retention.pseudonym_key: too short (at least {MIN_KEY_CHARS} characters; "
                          f"create one with `signaleer retention new-key FILE`)")
    return key.strip().encode("utf-8")


def pseudonym(author: str, key: bytes) -> str:
    """The pseudonym of ``author``; a pseudonym is returned unchanged (idempotent)."""
    if is_pseudonym(author):
        return author
    digest = hmac.new(key, normalise_handle(author).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def subject_ref(handle: str, key: bytes | None) -> str:
    """How the audit log names a data subject without naming them.

    With the key: the pseudonym. Without: ``sha256:`` + 16 hex digits, which lets an auditor check
    that a known request was carried out, but not list who asked.
    """
    if key is not None:
        return pseudonym(handle, key)
    return "sha256:" + hashlib.sha256(normalise_handle(handle).encode("utf-8")).hexdigest()[:DIGITS]


def new_key_file(path: Path) -> Path:
    """Write a fresh random key to ``path`` (mode 0600). Never overwrites: a new key means new
    pseudonyms for authors already seen, so replacing one must be a deliberate act."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{path} exists; refusing to overwrite a pseudonym key") from None
    except OSError as exc:
        raise InputError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    return path
