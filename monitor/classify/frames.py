"""Clauses and frames: where a construction starts and ends, and whether it is asserted at all.

A threat or a hateful claim counts only when the writer makes it: not when it is negated
("ik zou nooit ..."), talked about ("zeggen dat je ... is niet oké"), or quoted to be criticised.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.classify.constructions import Constructions
from monitor.classify.matcher import Hit
from monitor.classify.scan import Scan
from monitor.classify.text import BOUNDARY

# A quotation: an opening mark after a space or the start, up to 300 characters, a closing mark
# before a space, punctuation or the end. Bounded, so it stays linear on hostile text.
_QUOTE = re.compile(
    r"(?:^|(?<=[\s(:]))(?:\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|„[^”“\n]{1,300}[”“]|"
    r"«[^»\n]{1,300}»|'[^'\n]{1,300}'(?=$|[\s.,!?;:)])|‘[^’\n]{1,300}’)")


_TALK_REACH = 8  # "haat tegen moslims, joden of wie dan ook hoort niet ..."
_MEDIA_REACH = 8  # "that new war movie last night, the opening bomb scene"


@dataclass(frozen=True, slots=True)
class Clauses:
    """Clause spans over a token sequence: split at punctuation and at clause-joining words."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    conditional: frozenset[int]  # starts of clauses opened by "als", "if", ...

    @classmethod
    def split(cls, tokens: Sequence[str], breaks: frozenset[str],
              conditions: frozenset[str] = frozenset()) -> Clauses:
        starts: list[int] = []
        ends: list[int] = []
        conditional: set[int] = set()
        start = 0
        for i, tok in enumerate(tokens):
            if tok == BOUNDARY or tok in breaks:
                if i > start:
                    starts.append(start)
                    ends.append(i)
                start = i + 1
                if tok in conditions:
                    conditional.add(start)
        if start < len(tokens):
            starts.append(start)
            ends.append(len(tokens))
        return cls(tuple(starts), tuple(ends), frozenset(conditional))

    def around(self, pos: int) -> tuple[int, int]:
        """The ``(start, end)`` of the clause holding token ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        if i < 0:
            return (0, 0)
        return (self.starts[i], self.ends[i])


@dataclass(frozen=True, slots=True)
class Frame:
    """What the detectors need to know about a post besides its constructions."""

    scan: Scan
    tokens: tuple[str, ...]
    clauses: Clauses
    negations: tuple[int, ...]  # token positions of negators
    negation_spans: tuple[tuple[int, int], ...]
    speech: tuple[int, ...]  # token positions of speech verbs and topics ("haat tegen")
    relayed: tuple[int, ...]  # "wie roept dat ...": someone else's words, made the subject
    judged: bool  # the post passes a verdict on something said ("is niet oké", "not funny")
    normative: bool  # the post says such things are never acceptable ("gaat te ver")
    reported: bool  # the post reports (police, arrested, "dreigde")
    counter: bool  # counter-speech: a verdict on what others say about a group or in hate
    denial_starts: frozenset[int]  # clause starts that open with a denial ("nooit van mijn leven")
    media: tuple[int, ...]  # "film over", "brandoefening": violence as a topic or a drill

    @classmethod
    def of(cls, scan: Scan, cons: Constructions) -> Frame:
        tokens = scan.tokens
        defiant = [(h.pos, h.pos + h.length) for h in scan.of(cons.defiance)]
        negs = [h for h in scan.of(cons.negators) if not any(a <= h.pos < b for a, b in defiant)]
        speech = tuple(sorted({*(i for i, t in enumerate(tokens) if t in cons.speech),
                               *(h.pos for h in scan.of(cons.topics))}))
        # "niet welkom" is exclusion, not a norm: a norm right after a negation does not count
        normative = any(not any(h.pos - 2 <= n.pos < h.pos for n in negs) for h in scan.of(cons.norms))
        return cls(
            scan=scan,
            tokens=tokens,
            clauses=Clauses.split(tokens, cons.clause_breaks, cons.conditions),
            negations=tuple(h.pos for h in negs),
            negation_spans=tuple((h.pos, h.pos + h.length) for h in negs),
            speech=speech,
            relayed=tuple(h.pos for h in scan.of(cons.relayed)),
            judged=normative or bool(scan.of(cons.judgement)),
            normative=normative,
            reported=bool(scan.of(cons.reporting)),
            counter=_counter_speech(scan, cons, speech),
            denial_starts=frozenset(h.pos for h in scan.of(cons.denials)),
            media=tuple(h.pos for h in scan.of(cons.media_topics)),
        )

    def negated(self, start: int, end: int, keep: tuple[int, int] = (0, 0)) -> bool:
        """A negator in tokens ``[start, end)``, not counting those inside ``keep`` nor those
        in a condition ("als je niet betaalt ... steek ik je neer")."""
        clause_start, _ = self.clauses.around(start)
        if clause_start in self.clauses.conditional:
            return False
        return any(start <= p < end and not keep[0] <= p < keep[1] for p in self.negations)

    def not_real(self, pos: int) -> bool:
        """The act at ``pos`` is denied right after ("jou neersteken? nooit van mijn leven") or
        is the subject of a film, lesson or drill."""
        _, end = self.clauses.around(pos)
        if end + 1 in self.denial_starts or end in self.denial_starts:
            return True
        return any(pos - _MEDIA_REACH <= m <= pos + 2 for m in self.media)  # "bomb scene" too

    def talked_about(self, clause_start: int, pos: int) -> bool:
        """The construction at ``pos`` is what someone says (a speech verb or topic in the
        words just before it), and the post judges saying it."""
        lo = min(clause_start, pos - _TALK_REACH)
        if any(lo <= s <= pos for s in self.relayed):
            return True
        return self.judged and any(lo <= s <= pos for s in self.speech)


def _counter_speech(scan: Scan, cons: Constructions, speech: tuple[int, ...]) -> bool:
    """A verdict on what others say or post, about a group or as hate ("die reacties over
    vluchtelingen zijn schandalig", "monkey emojis under that video: that's racism"). Its
    anger is at the speakers: not a complaint, and "racisme" there is no crisis."""
    relayed = scan.of(cons.relayed)
    if not (speech or relayed) or not scan.of(cons.judgement):
        return False
    return bool(scan.of(cons.hate_words)) or any(h.weight > 0 for h in scan.of(cons.groups))


def span_text(tokens: Sequence[str], first: Hit, last: Hit) -> str:
    """``"ik … neersteken"``: the first and last words of a construction, for a reason."""
    head = first.text
    tail = last.text
    if first.pos == last.pos:
        return head
    if last.pos <= first.pos + first.length:
        return f"{head} {tail}"
    return f"{head} … {tail}"


def without_quotes(raw: str) -> str | None:
    """``raw`` with quoted passages blanked out, or None when it quotes nothing."""
    if not any(mark in raw for mark in "\"“„«'‘"):
        return None
    blanked = _QUOTE.sub(" ", raw)
    return blanked if blanked != raw else None
