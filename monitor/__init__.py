"""Signaleer: self-hosted reputation monitoring for schools and public institutions."""

__version__ = "0.1.0"
