"""Insults recognised by construction: something said of someone ("die docent is een sukkel",
"wat een clown", "you brainless ape") or a phrase that insults on its own ("rot op").
The hits feed the offensive signal, so its reason names the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.classify.matcher import Hit, TermMatcher
from monitor.classify.scan import Scan

_REACH = 3  # words between the frame and the insult ("is echt een vieze vette zuiplap")


@dataclass(frozen=True, slots=True)
class InsultCues:
    """Compiled ``[insults]`` data of one language."""

    frames: TermMatcher
    nouns: TermMatcher
    phrases: TermMatcher
    interjections: frozenset[str]
    affection: TermMatcher

    @classmethod
    def from_data(cls, table: dict[str, Any]) -> InsultCues:
        def phrases(name: str) -> TermMatcher:
            return TermMatcher.compile({str(w).lower(): 1.0 for w in table.get(name, ())})

        return cls(frames=phrases("frames"), nouns=phrases("nouns"), phrases=phrases("phrases"),
                   interjections=frozenset(str(w).lower() for w in table.get("interjections", ())),
                   affection=phrases("affection"))


def insult_hits(scan: Scan, cues: InsultCues) -> list[Hit]:
    """Insulting phrases, and insults said of someone."""
    hits = [Hit(h.pos, h.text, 0.7, h.length) for h in scan.of(cues.phrases)]
    nouns = scan.of(cues.nouns)
    if not nouns:
        return hits
    for frame in scan.of(cues.frames):
        end = frame.pos + frame.length
        noun = next((n for n in nouns if end <= n.pos <= end + _REACH), None)
        if noun is not None:
            hits.append(Hit(frame.pos, f"{frame.text} … {noun.text}", 0.75,
                            noun.pos + noun.length - frame.pos))
    return hits
