"""Rules from the college's social-media code of conduct that apply to a flagged mention.

Source: "Gebruikscode social media" of ROC West-Brabant (now Curio), adopted by the board in 2011.
The texts below paraphrase the guideline closely, in Dutch and English; the number is the guideline's
number in that document. A mention shows at most ``MAX_RULES`` rules, in the order of
``CATEGORY_RULES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_RULES = 2
SOURCE = {
    "nl": "Gebruikscode social media ROC West-Brabant (2011)",
    "en": "Social media code of conduct, ROC West-Brabant (2011)",
}


@dataclass(frozen=True, slots=True)
class Rule:
    ref: str  # "2", "6", ...
    nl: str
    en: str

    def text(self, language: str) -> str:
        return self.nl if language == "nl" else self.en


RULES: Mapping[str, Rule] = {
    "press_protocol": Rule(
        "2",
        nl="Persprotocol blijft gelden: berichten en reacties uit naam van de instelling op social "
           "media worden alleen gedaan door de Raad van Bestuur en/of diens woordvoerder, of door "
           "de collegedirecteur als het een college betreft. Reageer dus niet zelf namens de "
           "instelling.",
        en="The press protocol still applies: posts and replies on behalf of the institution on "
           "social media are made only by the Executive Board and/or its spokesperson, or by the "
           "college director where one college is concerned. Do not reply on the institution's "
           "behalf yourself.",
    ),
    "when_in_doubt": Rule(
        "1",
        nl="Je bent zelf verantwoordelijk voor wat je plaatst. Bij twijfel: niet plaatsen, en "
           "vraag advies aan Marketing & Communicatie.",
        en="You are responsible for what you post. When in doubt, do not post, and ask Marketing & "
           "Communications for advice.",
    ),
    "confidential": Rule(
        "5",
        nl="Geef nooit vertrouwelijke informatie van de instelling. Deel of citeer dit bericht "
           "niet verder.",
        en="Never disclose confidential information of the institution. Do not share or quote "
           "this post further.",
    ),
    "report_media": Rule(
        "6",
        nl="Signaleer berichten en filmpjes (ook van studenten) en stuur ze door naar "
           "M&C-persvoorlichting.",
        en="Flag posts and videos (including those by students) and forward them to the M&C "
           "press office.",
    ),
    "admit_mistakes": Rule(
        "6",
        nl="Geef fouten toe en maak excuses indien nodig; spreek met respect over anderen.",
        en="Admit mistakes and apologise where needed; speak about others with respect.",
    ),
    "respect": Rule(
        "6-7",
        nl="Spreek met respect over anderen en plaats geen vulgair materiaal, ook niet als "
           "reactie.",
        en="Speak about others with respect and post no vulgar material, not even in a reply.",
    ),
    "own_name": Rule(
        "7",
        nl="Spreek niet namens de instelling maar namens jezelf; gebruik geen logo als "
           "profielfoto en nooit logo's of beeldmateriaal zonder toestemming.",
        en="Do not speak on behalf of the institution but for yourself; do not use a logo as a "
           "profile picture, and never use logos or images without permission.",
    ),
}

# Category -> rules, most specific first. A category not listed here shows no rule.
CATEGORY_RULES: Mapping[str, tuple[str, ...]] = {
    "press": ("press_protocol",),
    "crisis": ("press_protocol", "when_in_doubt"),
    "confidential": ("confidential",),
    "student_media": ("report_media",),
    "complaint": ("press_protocol", "admit_mistakes"),
    "offensive": ("respect",),
    "impersonation": ("own_name",),
}


def rules_for(categories: Iterable[str]) -> tuple[str, ...]:
    """The rule keys that apply to a mention with these categories (deduplicated, capped)."""
    found: dict[str, None] = {}
    for category in categories:
        for key in CATEGORY_RULES.get(category, ()):
            found.setdefault(key)
    return tuple(found)[:MAX_RULES]
