"""Human-readable reasons in Dutch or English, with numbers formatted the local way."""

from __future__ import annotations

from collections.abc import Mapping

_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "threat": {"nl": "dreigement: '{term}'", "en": "threat: '{term}'"},
    "threat_implicit": {"nl": "verholen dreigement: '{term}'", "en": "veiled threat: '{term}'"},
    "threat_weapon": {"nl": "aangekondigd wapen: '{term}'", "en": "weapon announced: '{term}'"},
    "threat_emoji": {"nl": "dreigende emoji {term}", "en": "threatening emoji {term}"},
    "threat_reported": {"nl": "gemeld dreigement of geweld: '{term}'",
                        "en": "reported threat or violence: '{term}'"},
    "threat_quoted": {"nl": "geciteerd dreigement: '{term}'", "en": "quoted threat: '{term}'"},
    "hate_dehumanisation": {"nl": "ontmenselijking van een groep: '{term}'",
                            "en": "dehumanising a group: '{term}'"},
    "hate_derogation": {"nl": "groep neergezet als minderwaardig: '{term}'",
                        "en": "demeaning a group: '{term}'"},
    "hate_hostility": {"nl": "vijandigheid tegen een groep: '{term}'",
                       "en": "hostility towards a group: '{term}'"},
    "hate_exclusion": {"nl": "oproep tot uitsluiting: '{term}'", "en": "call to exclude: '{term}'"},
    "hate_slur": {"nl": "scheldwoord voor een groep: '{term}'", "en": "slur: '{term}'"},
    "hate_code": {"nl": "codetaal van haat: '{term}'", "en": "hate code: '{term}'"},
    "hate_threat": {"nl": "dreigement tegen een groep: '{term}'",
                    "en": "threat against a group: '{term}'"},
    "crisis": {"nl": "crisiswoord '{term}'", "en": "crisis term '{term}'"},
    "press": {"nl": "perssignaal '{term}'", "en": "press cue '{term}'"},
    "press_domain": {"nl": "nieuwssite {term}", "en": "news site {term}"},
    "offensive": {"nl": "grof of kwetsend woord '{term}'", "en": "offensive word '{term}'"},
    "complaint": {"nl": "klachtsignaal '{term}'", "en": "complaint cue '{term}'"},
    "negative": {"nl": "negatief sentiment ({score})", "en": "negative sentiment ({score})"},
    "positive": {"nl": "positief sentiment ({score})", "en": "positive sentiment ({score})"},
    "sarcasm": {"nl": "sarcasme ({term})", "en": "sarcasm ({term})"},
    "negated": {"nl": "ontkenning '{term}'", "en": "negation '{term}'"},
    "confidential": {"nl": "vertrouwelijkheidssignaal '{term}'",
                     "en": "confidentiality cue '{term}'"},
    "bsn": {"nl": "BSN dat de elfproef doorstaat (eindigt op {term})",
            "en": "citizen service number passing the 11-test (ends in {term})"},
    "student_number": {"nl": "studentnummer ({term})", "en": "student number ({term})"},
    "email": {"nl": "e-mailadres ({term})", "en": "e-mail address ({term})"},
    "mobile": {"nl": "mobiel nummer ({term})", "en": "mobile number ({term})"},
    "phone": {"nl": "telefoonnummer ({term})", "en": "phone number ({term})"},
    "address": {"nl": "huisadres", "en": "home address"},
    "grades": {"nl": "cijferlijst met namen", "en": "names with their grades"},
    "lookalike_site": {"nl": "nagemaakte website '{term}'", "en": "look-alike website '{term}'"},
    "student_media": {"nl": "{term}-beeld met studenten ('{cue}')",
                      "en": "{term} footage involving students ('{cue}')"},
    "impersonation": {"nl": "account '{term}' lijkt op de instelling maar is geen eigen account",
                      "en": "account '{term}' resembles the institution but is not its own"},
    "impersonation_cue": {"nl": "doet zich voor als officieel ('{term}')",
                          "en": "presents itself as official ('{term}')"},
    "reach": {"nl": "account met {count} volgers", "en": "account with {count} followers"},
    "praise": {"nl": "lof '{term}'", "en": "praise '{term}'"},
    "question": {"nl": "vraag over '{term}'", "en": "question about '{term}'"},
    "question_direct": {"nl": "directe vraag aan de instelling",
                        "en": "direct question to the institution"},
    "own_account": {"nl": "eigen account ({term}); hooguit {severity}",
                    "en": "own account ({term}); at most {severity}"},
    "unrelated": {"nl": "'{term}' zonder schoolcontext: waarschijnlijk niet over de instelling",
                  "en": "'{term}' without school context: probably not about the institution"},
    "elsewhere": {"nl": "gaat over een andere instelling of de regio ('{term}')",
                  "en": "about another institution or the region ('{term}')"},
    "excluded": {"nl": "uitsluitwoord '{term}'", "en": "exclusion word '{term}'"},
    "rule": {"nl": "regel: {term} → {severity}", "en": "rule: {term} → {severity}"},
    "model": {"nl": "model: {score}", "en": "model: {score}"},
    "learned_abuse": {"nl": "taalmodel: grof of kwetsend ({score}; '{term}')",
                      "en": "language model: abusive ({score}; '{term}')"},
    "spike": {"nl": "piek: {count} vermeldingen in een uur (normaal {score})",
              "en": "spike: {count} mentions in one hour (baseline {score})"},
    "language": {"nl": "taal: {term}", "en": "language: {term}"},
}
_SEVERITY = {
    "nl": {"none": "geen", "info": "info", "attention": "aandacht", "urgent": "urgent"},
    "en": {"none": "none", "info": "info", "attention": "attention", "urgent": "urgent"},
}
_CATEGORY_NL = {
    "threat": "dreiging", "hate": "haat",
    "complaint": "klacht", "press": "pers", "offensive": "grof", "confidential": "vertrouwelijk",
    "student_media": "studentbeeld", "impersonation": "imitatie", "reach": "bereik",
    "spike": "piek", "praise": "lof", "question": "vraag", "crisis": "crisis",
}


def format_int(value: int, language: str) -> str:
    """12400 -> '12.400' (nl) or '12,400' (en)."""
    text = f"{value:,}"
    return text.replace(",", ".") if language == "nl" else text


def format_score(value: float, language: str, *, signed: bool = False) -> str:
    """-0.55 -> '-0,55' (nl) or '-0.55' (en); with ``signed`` positives get a '+'."""
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text.replace(".", ",") if language == "nl" else text


def severity_name(severity: str, language: str) -> str:
    return _SEVERITY.get(language, _SEVERITY["en"]).get(severity, severity)


def category_name(category: str, language: str) -> str:
    return _CATEGORY_NL.get(category, category) if language == "nl" else category


def reason(key: str, language: str, **values: object) -> str:
    """Fill the template ``key`` in ``language`` (falls back to English)."""
    templates = _TEMPLATES[key]
    return templates.get(language, templates["en"]).format(**values)
