"""Severity rules from ``[[classifier.rules]]``: they only ever raise a verdict's severity."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.classify.reasons import category_name, format_int, format_score, reason, severity_name
from monitor.config.classifier import SeverityRule
from monitor.models import Severity


def describe_rule(rule: SeverityRule, language: str) -> str:
    """E.g. ``crisis + bereik ≥ 5.000`` (nl) or ``crisis + reach ≥ 5,000`` (en)."""
    parts = []
    if rule.any_of:
        parts.append("/".join(category_name(c, language) for c in rule.any_of))
    parts += [category_name(c, language) for c in rule.all_of]
    if rule.min_followers:
        parts.append(f"{category_name('reach', language)} ≥ "
                     f"{format_int(rule.min_followers, language)}")
    if rule.min_score:
        parts.append(f"score ≥ {format_score(rule.min_score, language)}")
    return " + ".join(parts)


def apply_rules(
    rules: Sequence[SeverityRule], severity: Severity, categories: Sequence[str], followers: int,
    score: float, language: str,
) -> tuple[Severity, str | None]:
    """The highest severity any matching rule gives (if higher), and a reason naming that rule."""
    cats = frozenset(categories)
    best: SeverityRule | None = None
    for rule in rules:
        if rule.severity.rank > (best.severity if best else severity).rank and rule.matches(
                cats, followers, score):
            best = rule
    if best is None:
        return severity, None
    text = reason("rule", language, term=describe_rule(best, language),
                  severity=severity_name(best.severity.value, language))
    return best.severity, text
