"""Hate against groups recognised by construction: a protected group (origin, religion,
sexuality, gender, disability) that is dehumanised or demeaned ("X zijn ongedierte", "vieze X"),
met with hostility ("ik haat X", "weg met X"), or told to leave ("X moeten het land uit");
and slurs. Neutral or positive statements about a group, negated claims and criticised quotes
are not hate.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.classify.constructions import Constructions
from monitor.classify.frames import Frame
from monitor.classify.matcher import Hit
from monitor.classify.scan import Scan
from monitor.classify.threat import Finding

CURSE_PREFIXES = ("kanker", "tyfus", "tering", "kut", "fucking", "vuile", "vieze")
_COPULA_GAP = 2  # words allowed between the group and the linking verb ("moslims zijn echt")
_PREDICATE_GAP = 3  # words allowed between the linking verb and what the group is called
_HOSTILITY_GAP = 3  # "ik haat al die moslims"
_EXCLUSION_GAP = 12  # "moslims moeten gewoon van curio af. en daarna het land uit"
_NEAR = 14  # words between a group and a demeaning word for the weaker, looser reading


def group_hits(scan: Scan, cons: Constructions) -> list[Hit]:
    """Protected groups named in the text: nouns ("moslims") and adjective + person noun
    ("zwarte studenten")."""
    tokens = scan.tokens
    hits = [h for h in scan.of(cons.groups) if h.weight > 0]
    adjectives, persons = cons.group_adjectives, cons.person_nouns
    for i in range(len(tokens) - 1):
        if tokens[i] in adjectives and tokens[i + 1] in persons:
            hits.append(Hit(i, f"{tokens[i]} {tokens[i + 1]}", 1.0, 2))
    return sorted(hits, key=lambda h: h.pos)


def _within(hits: Sequence[Hit], lo: int, hi: int) -> Hit | None:
    return next((h for h in hits if lo <= h.pos <= hi), None)


def _dehumanised(group: Hit, frame: Frame, copulas: Sequence[Hit],
                 predicates: Sequence[Hit]) -> Finding | None:
    start, end = frame.clauses.around(group.pos)
    before = _within(predicates, group.pos - 1, group.pos - 1)
    if (before is not None and before.pos + before.length == group.pos
            and not frame.negated(start, before.pos)):
        return Finding("hate_derogation", 0.85, f"{before.text} {group.text}", group.pos, True)
    g_end = group.pos + group.length
    copula = _within(copulas, g_end, g_end + _COPULA_GAP)
    if copula is None:
        return None
    c_end = copula.pos + copula.length
    predicate = _within(predicates, c_end, min(end - 1, c_end + _PREDICATE_GAP))
    if predicate is None:
        return None
    keep = (copula.pos, c_end) if predicate.pos == c_end else (predicate.pos, predicate.pos)
    if frame.negated(start, predicate.pos, keep) or frame.talked_about(start, group.pos):
        return None
    return Finding("hate_dehumanisation", 0.9, f"{group.text} … {predicate.text}",
                   group.pos, True)


def _hostile(group: Hit, frame: Frame, hostility: Sequence[Hit]) -> Finding | None:
    if frame.normative:  # "haat tegen moslims hoort hier niet": a norm, not hostility
        return None
    start, _ = frame.clauses.around(group.pos)
    for h in hostility:
        h_end = h.pos + h.length
        if start <= h.pos and h_end <= group.pos <= h_end + _HOSTILITY_GAP:
            if frame.negated(start, group.pos, (h.pos, h_end)) or frame.talked_about(start, h.pos):
                return None
            return Finding("hate_hostility", 0.85, f"{h.text} … {group.text}", group.pos, True)
    return None


def _excluded(group: Hit, frame: Frame, exclusion: Sequence[Hit]) -> Finding | None:
    """The group told to leave, in its own clause or just after it ("..., die horen hier
    niet")."""
    if frame.normative:  # "lesbiennes zijn welkom, haat hoort hier niet"
        return None
    start, _ = frame.clauses.around(group.pos)
    g_end = group.pos + group.length
    x = _within(exclusion, g_end, g_end + _EXCLUSION_GAP)
    if x is None:
        return None
    if frame.negated(g_end, x.pos + x.length, (x.pos, x.pos + x.length)) or frame.talked_about(
            start, group.pos):
        return None
    return Finding("hate_exclusion", 0.85, f"{group.text} … {x.text}", group.pos, True)


def _demeaned_nearby(group: Hit, frame: Frame, derogatory: Sequence[Hit],
                     generalisers: Sequence[Hit]) -> Finding | None:
    """The looser reading: a demeaning word near the group ("die marokkanen verpesten alles,
    achterlijk volk"). Not when the post passes a verdict on such talk, or negates the word."""
    if frame.normative:
        return None
    for d in derogatory:
        if abs(d.pos - group.pos) > _NEAR or d.pos == group.pos:
            continue
        start, _ = frame.clauses.around(d.pos)
        if frame.negated(max(start, d.pos - 3), d.pos) or frame.talked_about(start, group.pos):
            continue
        general = any(abs(g.pos - group.pos) <= _NEAR for g in generalisers)
        return Finding("hate_derogation", 0.8 if general else 0.7, f"{group.text} … {d.text}",
                       group.pos, True)
    return None


def _curse_compound(tok: str, cons: Constructions) -> bool:
    """``kankermarokkanen``, ``tyfusjoden``: a curse glued to a group."""
    for prefix in CURSE_PREFIXES:
        if tok.startswith(prefix) and len(tok) > len(prefix) + 2:
            rest = tok[len(prefix):].lstrip("-")
            return bool(cons.groups.find((rest,)))
    return False


def _slurs(cons: Constructions, frame: Frame) -> list[Finding]:
    tokens = frame.tokens
    hits = [h for h in frame.scan.of(cons.slurs) if h.weight > 0]
    hits += [Hit(i, t, 1.0) for i, t in enumerate(tokens) if "*" in t and cons.slurs.unmask(t)]
    hits += [Hit(i, t, 1.0) for i, t in enumerate(tokens)
             if t.startswith(CURSE_PREFIXES) and _curse_compound(t, cons)]
    found = []
    for hit in hits:
        start, _ = frame.clauses.around(hit.pos)
        if not frame.talked_about(start, hit.pos):
            found.append(Finding("hate_slur", 0.85, hit.text, hit.pos, True))
    return found


def _codes(cons: Constructions, frame: Frame) -> list[Finding]:
    """Hate's code words ("omvolking", "remigratie nu", "1488"), unless the post talks about
    them to condemn them ("wie over omvolking begint is een racist")."""
    found = []
    for hit in frame.scan.of(cons.codes):
        start, _ = frame.clauses.around(hit.pos)
        if hit.weight > 0 and not frame.counter and not frame.normative and not (
                frame.talked_about(start, hit.pos) or frame.negated(start, hit.pos)):
            found.append(Finding("hate_code", 0.75 * hit.weight, hit.text, hit.pos, True))
    return found


DISGUST_EMOJI = frozenset({"🤮", "🤢", "🐒", "🦍", "🐀", "🐖", "🪳"})


def find_hate(cons: Constructions, frame: Frame, groups: Sequence[Hit],
              emojis: frozenset[str] = frozenset()) -> list[Finding]:
    """Every hateful construction in the post, strongest first."""
    found = _slurs(cons, frame) + _codes(cons, frame)
    disgust = emojis & DISGUST_EMOJI
    if groups and disgust and not frame.normative and not frame.judged:
        found.append(Finding("hate_derogation", 0.7, f"{groups[0].text} {''.join(disgust)}",
                             groups[0].pos, True))
    if groups:
        scan = frame.scan
        copulas = scan.of(cons.copulas)
        predicates = scan.of(cons.dehumanising)
        hostility = scan.of(cons.hostility)
        exclusion = scan.of(cons.exclusion)
        derogatory = scan.of(cons.derogatory)
        generalisers = scan.of(cons.generalisers)
        for group in groups:
            finding = (_dehumanised(group, frame, copulas, predicates)
                       or _hostile(group, frame, hostility)
                       or _excluded(group, frame, exclusion)
                       or _demeaned_nearby(group, frame, derogatory, generalisers))
            if finding is not None:
                found.append(finding)
    return sorted(found, key=lambda f: -f.strength)
