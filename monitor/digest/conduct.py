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
    title: tuple[str, str]  # (nl, en)
    nl: str
    en: str

    def text(self, language: str) -> str:
        return self.nl if language == "nl" else self.en

    def name(self, language: str) -> str:
        return self.title[0 if language == "nl" else 1]


RULES: Mapping[str, Rule] = {
    "press_protocol": Rule(
        "2",
        ("Persprotocol", "Press protocol"),
        nl="Voor social media gelden dezelfde regels voor persvoorlichting en woordvoering als "
           "voor krant en tv: berichten en reacties uit naam van de instelling worden alleen "
           "gedaan door de Raad van Bestuur en/of diens woordvoerder, of door de collegedirecteur "
           "als het een college betreft. Reageer dus niet zelf namens de instelling.",
        en="The rules for press relations and spokespeople apply to social media as they do to "
           "newspapers and TV: posts and replies on behalf of the institution are made only by "
           "the Executive Board and/or its spokesperson, or by the college director where one "
           "college is concerned. Do not reply on the institution's behalf yourself.",
    ),
    "when_in_doubt": Rule(
        "1",
        ("Bij twijfel niet plaatsen", "When in doubt, do not post"),
        nl="Je bent zelf verantwoordelijk voor wat je plaatst. Bij twijfel: niet plaatsen, en "
           "vraag advies aan Marketing & Communicatie.",
        en="You are responsible for what you post. When in doubt, do not post, and ask Marketing & "
           "Communications for advice.",
    ),
    "confidential": Rule(
        "5",
        ("Geen vertrouwelijke informatie", "No confidential information"),
        nl="Geef nooit vertrouwelijke informatie van de instelling. Deel of citeer dit bericht "
           "niet verder.",
        en="Never disclose confidential information of the institution. Do not share or quote "
           "this post further.",
    ),
    "report_media": Rule(
        "6",
        ("Signaleren en doorsturen", "Flag and forward"),
        nl="Signaleer berichten en filmpjes (ook van studenten) en stuur ze door naar "
           "M&C-persvoorlichting.",
        en="Flag posts and videos (including those by students) and forward them to the M&C "
           "press office.",
    ),
    "admit_mistakes": Rule(
        "6",
        ("Fouten toegeven", "Admit mistakes"),
        nl="Geef fouten toe en maak excuses indien nodig; spreek met respect over anderen.",
        en="Admit mistakes and apologise where needed; speak about others with respect.",
    ),
    "respect": Rule(
        "6-7",
        ("Met respect", "With respect"),
        nl="Spreek met respect over anderen en plaats geen vulgair materiaal, ook niet als "
           "reactie.",
        en="Speak about others with respect and post no vulgar material, not even in a reply.",
    ),
    "own_name": Rule(
        "7",
        ("Niet namens de instelling", "Not on behalf of the institution"),
        nl="Spreek niet namens de instelling maar namens jezelf; gebruik geen logo als "
           "profielfoto en nooit logo's of beeldmateriaal zonder toestemming.",
        en="Do not speak on behalf of the institution but for yourself; do not use a logo as a "
           "profile picture, and never use logos or images without permission.",
    ),
}

# Category -> rules, most specific first. A category not listed here shows no rule.
CATEGORY_RULES: Mapping[str, tuple[str, ...]] = {
    "threat": ("when_in_doubt", "press_protocol"),
    "hate": ("respect", "when_in_doubt"),
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
