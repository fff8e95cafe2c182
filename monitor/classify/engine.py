"""``classify(mention, context) -> Verdict``: relevance, signals, score, severity, reasons."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.classify.collect import collect_signals
from monitor.classify.context import ClassifierContext
from monitor.classify.language import detect_language
from monitor.classify.lexicon import Lexicon
from monitor.classify.model import adjust_severity
from monitor.classify.reasons import format_score, reason, severity_name
from monitor.classify.rules import apply_rules
from monitor.classify.scan import Scan
from monitor.classify.signals import Signal, noisy_or
from monitor.classify.text import Doc, clip, prepare
from monitor.config.classifier import ATTENTION_CATEGORIES
from monitor.models import Mention, Severity, Verdict

MAX_REASONS = 6


def classify(mention: Mention, context: ClassifierContext) -> Verdict:
    """Judge one mention. Pure: same input, same verdict; no I/O."""
    mention = clip(mention)  # a hostile 100 KB post costs no more than 20,000 characters
    doc = prepare(mention.text, mention.title)
    lang_code = detect_language(doc.tokens, context.stopwords, context.default_language,
                                mention.lang, context.vocabularies)
    lex = context.lexicons[lang_code]
    scan = context.indexes[lang_code].scan(doc.tokens)
    strong, ambiguous = context.identity.names_in(doc.lower)
    unrelated = None if strong else _unrelated(doc, scan, lex, context, ambiguous)
    if unrelated:
        return Verdict(Severity.NONE, 0.0, (), (unrelated,))
    signals = collect_signals(doc, scan, lex, context.constructions[lang_code], mention, context,
                              named=bool(strong or ambiguous))
    elsewhere = None if strong or ambiguous else _news_elsewhere(doc, signals, context)
    if elsewhere:
        return Verdict(Severity.NONE, 0.0, (), (elsewhere,))
    return _decide(signals, mention, doc, context)


def _unrelated(doc: Doc, scan: Scan, lex: Lexicon, ctx: ClassifierContext,
               ambiguous: str | None) -> str | None:
    """A reason when the post is not about the institution, else None.

    An exclusion word; an ambiguous name used as a common noun or among words of another world
    ("een oude curio", "a curio cabinet", "de kaart curio in je deck") with no sign of a school;
    or, when the post names the institution not at all, another institution or the region
    ("ROC Tilburg", "brand in West-Brabant"). In doubt the post stays related."""
    excluded = ctx.identity.excluded_word(doc.lower)
    if excluded:
        return reason("excluded", ctx.language, term=excluded)
    if ambiguous is None:
        return _elsewhere(doc, lex, ctx)
    lexicons = (lex, *(x for x in ctx.lexicons.values() if x is not lex))
    if bool(scan.of(lex.terms["school"])):
        return None
    if any(_named_thing(doc.tokens, ambiguous, x) for x in lexicons):
        # "een Curio-hotel in Breda", "a curio cabinet": a place name does not outweigh it
        return reason("unrelated", ctx.language, term=ambiguous)
    if any(word in doc.lower for word in ctx.identity.context_words):
        return None
    for other in lexicons:
        if _used_as_noun(doc.tokens, ambiguous, other) or any(
                t in other.unrelated_context for t in doc.tokens):
            return reason("unrelated", ctx.language, term=ambiguous)
    return None


def _elsewhere(doc: Doc, lex: Lexicon, ctx: ClassifierContext) -> str | None:
    """For a post that names no institution of ours: the compound of an ambiguous name
    ("curiokast"), another named institution, or only the region."""
    identity = ctx.identity
    for tok in doc.tokens:
        compound = identity.ambiguous_compound(tok)
        if compound:
            return reason("unrelated", ctx.language, term=tok)
    other = identity.other_institution(doc.tokens, lex.stopwords) or identity.fragment_in(doc.lower)
    return reason("elsewhere", ctx.language, term=other) if other else None


NEWS_CATEGORIES = frozenset({"crisis", "complaint", "press"})


def _news_elsewhere(doc: Doc, signals: Sequence[Signal], ctx: ClassifierContext) -> str | None:
    """A post that names no institution of ours and reads as news from another school or place
    ("steekpartij in Tilburg", "brand op een basisschool"). Threats, hate and insults are
    judged on what they say, wherever they are."""
    if any(s.category not in NEWS_CATEGORIES and s.category in ATTENTION_CATEGORIES
           for s in signals):
        return None
    other = ctx.identity.other_school_kind(doc.tokens) or ctx.identity.place_elsewhere(doc.raw)
    return reason("elsewhere", ctx.language, term=other) if other else None


def _named_thing(tokens: Sequence[str], name: str, lex: Lexicon) -> bool:
    """The name glued to or followed by a thing it names: "curio-hotel", "curio cabinet"."""
    for i, tok in enumerate(tokens):
        if tok == name and i + 1 < len(tokens) and tokens[i + 1] in lex.name_as_noun_after:
            return True
        if tok.startswith(name) and tok[len(name) + 1:] in lex.name_as_noun_after:
            return True
    return False


def _used_as_noun(tokens: Sequence[str], name: str, lex: Lexicon) -> bool:
    """Is ``name`` used as an ordinary word: an article or adjective before it, a noun after
    it, a plural (``curios``, ``curio's``) or a compound (``curio-kast``)?"""
    for i, tok in enumerate(tokens):
        if tok == name:
            before = tokens[i - 1] if i else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if before in lex.name_as_noun_before or after in lex.name_as_noun_after:
                return True
        elif tok.startswith(name):
            rest = tok[len(name):]
            if rest == "s" or rest[1:] in lex.name_as_noun_after:
                return True
    return False


def _score(active: Sequence[Signal], ctx: ClassifierContext) -> float:
    weights = ctx.settings.weights
    attention = [s for s in active if s.category in ATTENTION_CATEGORIES]
    base = noisy_or(weights[s.category] * s.strength for s in attention)
    reach = next((s for s in active if s.category == "reach"), None)
    if reach is not None and attention:
        base += (1.0 - base) * ctx.settings.reach_boost * reach.strength
    info = max((weights[s.category] * s.strength for s in active
                if s.category not in ATTENTION_CATEGORIES), default=0.0)
    return min(1.0, max(base, info))


def _base_severity(active: Sequence[Signal], score: float, ctx: ClassifierContext) -> Severity:
    cs = ctx.settings
    if score >= cs.attention_threshold and any(s.category in ATTENTION_CATEGORIES for s in active):
        return Severity.ATTENTION
    if active or score >= cs.info_threshold:
        return Severity.INFO
    return Severity.NONE


def _decide(signals: Sequence[Signal], mention: Mention, doc: Doc,
            ctx: ClassifierContext) -> Verdict:
    cs, lang = ctx.settings, ctx.language
    active = sorted((s for s in signals if s.strength >= cs.category_threshold
                     or (s.category == "reach" and s.strength > 0)),
                    key=lambda s: -s.strength)
    if all(s.category == "reach" for s in active):
        active = []
    score = _score(active, ctx)
    categories = tuple(s.category for s in active)
    reasons = [r for s in active for r in s.reasons]
    severity = _base_severity(active, score, ctx)
    severity, rule_reason = apply_rules(cs.rules, severity, categories,
                                        mention.author_followers or 0, score, lang)
    if rule_reason:
        reasons.insert(0, rule_reason)
    severity = _apply_model(severity, categories, doc, ctx, reasons)
    if ctx.identity.is_own(mention.author) and severity.rank > cs.own_accounts_max.rank:
        severity = cs.own_accounts_max
        reasons.insert(0, reason("own_account", lang, term=mention.author,
                                 severity=severity_name(severity.value, lang)))
    unique = tuple(dict.fromkeys(reasons))[:MAX_REASONS]
    return Verdict(severity, round(score, 3), categories, unique)


def _apply_model(severity: Severity, categories: Sequence[str], doc: Doc,
                 ctx: ClassifierContext, reasons: list[str]) -> Severity:
    model = ctx.model
    if model is None:
        return severity
    ms = ctx.settings.model
    probability = model.predict_proba(doc.tokens)
    adjusted = adjust_severity(severity, probability, categories, raise_at=ms.raise_at,
                               lower_at=ms.lower_at, protect=ms.protect)
    if adjusted is not severity:
        reasons.append(reason("model", ctx.language, score=format_score(probability, ctx.language)))
    return adjusted
