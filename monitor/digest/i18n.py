"""Every word the digest and the alerts print, in Dutch and English, in one place.

``Labels(language)`` is what the templates get as ``t``: ``t.urgent``, ``t("more_items", n=3)``.
A unit test checks that both languages have exactly the same keys and placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo

LANGUAGES = ("nl", "en")

LABELS: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "digest_title": "Dagelijks overzicht van {institution}",
        "alert_title": "Urgente vermelding van {institution}",
        "subject": "{prefix} Overzicht {day}: {summary}",
        "subject_alert": "{prefix} URGENT: {headline} ({source}, {author})",
        "summary_urgent": "{n} urgent",
        "summary_attention": "{n} aandacht",
        "summary_spikes": "{n} piek(en)",
        "summary_open": "{n} nog open",
        "summary_nothing": "niets dat aandacht vraagt",
        "summary_share": "{n} om te delen",
        "summary_unhealthy": "{n} bron(nen) met storing",
        "intro": "Vermeldingen verzameld tot {time}. Tijden in {timezone}.",
        "section_urgent": "Urgent",
        "section_attention": "Vraagt aandacht",
        "section_spikes": "Pieken",
        "section_share": "Om te delen",
        "section_other": "Overige vermeldingen",
        "section_open": "Nog open",
        "section_health": "Status van de bronnen",
        "empty_day": "Vandaag vroeg niets om aandacht.",
        "all_healthy": "Alle bronnen werken normaal ({n}).",
        "no_sources": "Er zijn nog geen bronnen actief geweest.",
        "some_unhealthy": "Let op: {n} bron(nen) werken niet goed, dus er kan iets gemist zijn.",
        "healthy_rest": "De overige bronnen werken normaal ({n}).",
        "followers": "{n} volgers",
        "unknown_author": "onbekende auteur",
        "open_link": "Bekijk bericht",
        "no_link": "geen veilige link",
        "reasons": "Waarom",
        "rule": "Gedragscode",
        "seen_above": "zie hierboven",
        "show_cmd": "Details: signaleer show {id}",
        "reposts": "{n}× gedeeld",
        "first_sent": "eerder gemeld op {day}",
        "engagement": "{n} interacties",
        "share_intro": "Lof om te delen of voor te bedanken en vragen om te beantwoorden, op "
                       "volgorde van bereik en interacties.",
        "share_note_praise": "Deel met bronvermelding en gebruik geen beeldmateriaal zonder "
                             "toestemming (gedragscode 6).",
        "share_note_question": "Gaat een vraag over aanmelding, roosters, open dagen of "
                               "toegankelijkheid, dan vraagt M&C het antwoord na bij de "
                               "betrokken dienst; de reactie zelf volgt het persprotocol.",
        "action": "Actie",
        "action_share_thank": "delen of bedanken",
        "action_answer": "beantwoorden, uit naam van de instelling door de woordvoerder van de "
                         "Raad van Bestuur (via M&C) of, als het één college betreft, de "
                         "collegedirecteur (persprotocol, gedragscode 2)",
        "more_items": "Nog {n} vermelding(en) niet getoond. Bekijk ze met: {cmd}",
        "per_source": "{n} via {source}",
        "other_total": "{n} vermelding(en) die geen aandacht vragen:",
        "top_clusters": "Veel gedeeld",
        "spike_line": "{count} vermeldingen tussen {start} en {end} (normaal {baseline})",
        "spike_terms": "Veelgebruikte woorden: {terms}",
        "spike_sources": "Bronnen: {sources}",
        "problem_failing": "{n} keer achter elkaar mislukt",
        "problem_silent": "niets nieuws sinds {when}",
        "problem_never-ran": "nog nooit gedraaid",
        "problem_rate-limited": "gepauzeerd tot {when}: de bron vraagt om minder verzoeken",
        "error_not_found": "Het adres bestaat niet (meer); controleer de URL in de instellingen.",
        "error_denied": "De bron weigert de toegang; controleer het token of wachtwoord.",
        "error_rate_limited": "De bron vraagt ons even te wachten (te veel verzoeken).",
        "error_server": "De server van de bron geeft een fout; meestal gaat dat vanzelf over.",
        "error_timeout": "De bron antwoordde niet op tijd.",
        "error_unreachable": "De bron is niet bereikbaar (geen verbinding).",
        "error_tls": "De beveiligde verbinding met de bron lukte niet (certificaat).",
        "error_not_feed": "Het adres geeft geen nieuwsfeed (maar bijvoorbeeld een webpagina).",
        "error_too_large": "De bron stuurde meer gegevens dan toegestaan.",
        "error_setup": "De bron kon niet starten door een instelling of ontbrekend bestand.",
        "error_other": "Er ging iets onverwachts mis.",
        "error_details": "Details: signaleer status",
        "never": "nooit",
        "footer": "Verstuurd door Signaleer. Wat met 'signaleer triage' als afgehandeld of "
                  "niet relevant is gemarkeerd, verdwijnt uit 'Nog open'.",
        "alert_intro": "Een vermelding is als urgent aangemerkt. Deze staat ook in het "
                       "volgende dagelijkse overzicht.",
        "severity_urgent": "urgent",
        "severity_attention": "aandacht",
        "severity_info": "info",
        "status_relevant": "relevant",
        "status_open": "open",
        "channel_failed": "Meldingskanaal {name}: {n} bericht(en) niet afgeleverd.",
        "channel_uncertain": "Meldingskanaal {name}: {n} bericht(en) misschien niet aangekomen "
                             "(onderbroken tijdens het versturen; niet opnieuw verstuurd).",
        "weekly_title": "Weekoverzicht van {institution}",
        "weekly_period": "Week van {start} tot en met {end}",
        "weekly_subject": "{prefix} {period}: {n} vermeldingen, {attention} met "
                          "aandacht",
        "weekly_intro": "Tijden in {timezone}.",
        "weekly_this_week": "Deze week",
        "weekly_line_mentions": "{n} vermeldingen{change}",
        "weekly_line_attention": "{n} vroegen om aandacht{change}",
        "weekly_change": " ({sign}{pct}% t.o.v. vorige week)",
        "weekly_new": " (vorige week geen)",
        "weekly_trend": "Vermeldingen per week",
        "weekly_categories": "Aandacht per categorie",
        "weekly_sources": "Meeste vermeldingen per bron",
        "weekly_shared": "Meest gedeelde positieve berichten",
        "weekly_no_attention": "Niets vroeg om aandacht.",
        "weekly_no_spikes": "Geen pieken.",
        "weekly_no_sources": "Geen vermeldingen.",
        "weekly_no_shared": "Geen lof om te delen deze week.",
        "chat_source": "Bron",
        "chat_open_mention": "Open in Signaleer",
        "chat_spike_title": "Piek: {count} vermeldingen in één uur",
        "chat_spike_hour": "Tussen {start} en {end}.",
        "chat_top_posts": "Meeste bereik",
        "chat_overflow_title": "{n} melding(en) meer voor {channel}",
        "chat_overflow_intro": "Dit kanaal krijgt hoogstens {cap} meldingen per uur. Deze kwamen "
                               "er nog bij; ze staan ook in het dagelijkse overzicht:",
        "chat_overflow_more": "en nog {n}",
        "chat_test_title": "Testbericht van Signaleer",
        "chat_test_body": "Kanaal {channel} werkt: hier komen meldingen over {institution} binnen.",
    },
    "en": {
        "digest_title": "Daily digest for {institution}",
        "alert_title": "Urgent mention of {institution}",
        "subject": "{prefix} Digest {day}: {summary}",
        "subject_alert": "{prefix} URGENT: {headline} ({source}, {author})",
        "summary_urgent": "{n} urgent",
        "summary_attention": "{n} attention",
        "summary_spikes": "{n} spike(s)",
        "summary_open": "{n} still open",
        "summary_nothing": "nothing needs attention",
        "summary_share": "{n} worth sharing",
        "summary_unhealthy": "{n} source(s) failing",
        "intro": "Mentions collected up to {time}. Times in {timezone}.",
        "section_urgent": "Urgent",
        "section_attention": "Needs attention",
        "section_spikes": "Spikes",
        "section_share": "Worth sharing",
        "section_other": "Other mentions",
        "section_open": "Still open",
        "section_health": "Source health",
        "empty_day": "Nothing needed attention today.",
        "all_healthy": "All sources are working normally ({n}).",
        "no_sources": "No source has run yet.",
        "some_unhealthy": "Note: {n} source(s) are not working properly, so something may have "
                          "been missed.",
        "healthy_rest": "The other sources are working normally ({n}).",
        "followers": "{n} followers",
        "unknown_author": "unknown author",
        "open_link": "Open post",
        "no_link": "no safe link",
        "reasons": "Why",
        "rule": "Code of conduct",
        "seen_above": "see above",
        "show_cmd": "Details: signaleer show {id}",
        "reposts": "shared {n}×",
        "first_sent": "first reported on {day}",
        "engagement": "{n} interactions",
        "share_intro": "Praise to share or thank for and questions to answer, ordered by reach "
                       "and interactions.",
        "share_note_praise": "Credit the source when sharing and use no images without "
                             "permission (code of conduct 6).",
        "share_note_question": "If a question is about enrolment, timetables, open days or "
                               "accessibility, M&C checks the answer with the service "
                               "concerned; the reply itself follows the press protocol.",
        "action": "Action",
        "action_share_thank": "share or thank",
        "action_answer": "answer, on behalf of the institution by the Executive Board's "
                         "spokesperson (via M&C) or, where one college is concerned, its "
                         "college director (press protocol, code of conduct 2)",
        "more_items": "{n} more mention(s) not shown. See them with: {cmd}",
        "per_source": "{n} via {source}",
        "other_total": "{n} mention(s) that need no attention:",
        "top_clusters": "Widely shared",
        "spike_line": "{count} mentions between {start} and {end} (baseline {baseline})",
        "spike_terms": "Frequent words: {terms}",
        "spike_sources": "Sources: {sources}",
        "problem_failing": "failed {n} times in a row",
        "problem_silent": "nothing new since {when}",
        "problem_never-ran": "has never run",
        "problem_rate-limited": "paused until {when}: the source asked for fewer requests",
        "error_not_found": "The address does not exist (any more); check the URL in the settings.",
        "error_denied": "The source refuses access; check the token or password.",
        "error_rate_limited": "The source asks us to wait a while (too many requests).",
        "error_server": "The source's server reports an error; this usually passes.",
        "error_timeout": "The source did not answer in time.",
        "error_unreachable": "The source cannot be reached (no connection).",
        "error_tls": "The secure connection to the source failed (certificate).",
        "error_not_feed": "The address does not give a news feed (a web page, for example).",
        "error_too_large": "The source sent more data than allowed.",
        "error_setup": "The source could not start because of a setting or a missing file.",
        "error_other": "Something unexpected went wrong.",
        "error_details": "Details: signaleer status",
        "never": "never",
        "footer": "Sent by Signaleer. Items marked handled or not relevant with "
                  "'signaleer triage' drop out of 'Still open'.",
        "alert_intro": "A mention was marked urgent. It will also be in the next daily digest.",
        "severity_urgent": "urgent",
        "severity_attention": "attention",
        "severity_info": "info",
        "status_relevant": "relevant",
        "status_open": "open",
        "channel_failed": "Alert channel {name}: {n} message(s) not delivered.",
        "channel_uncertain": "Alert channel {name}: {n} message(s) may not have arrived "
                             "(interrupted while sending; not sent again).",
        "weekly_title": "Weekly overview for {institution}",
        "weekly_period": "Week of {start} to {end}",
        "weekly_subject": "{prefix} {period}: {n} mentions, {attention} needing "
                          "attention",
        "weekly_intro": "Times in {timezone}.",
        "weekly_this_week": "This week",
        "weekly_line_mentions": "{n} mentions{change}",
        "weekly_line_attention": "{n} needed attention{change}",
        "weekly_change": " ({sign}{pct}% on last week)",
        "weekly_new": " (none last week)",
        "weekly_trend": "Mentions per week",
        "weekly_categories": "Attention by category",
        "weekly_sources": "Most mentions by source",
        "weekly_shared": "Most-shared positive posts",
        "weekly_no_attention": "Nothing needed attention.",
        "weekly_no_spikes": "No spikes.",
        "weekly_no_sources": "No mentions.",
        "weekly_no_shared": "No praise to share this week.",
        "chat_source": "Source",
        "chat_open_mention": "Open in Signaleer",
        "chat_spike_title": "Spike: {count} mentions in one hour",
        "chat_spike_hour": "Between {start} and {end}.",
        "chat_top_posts": "Widest reach",
        "chat_overflow_title": "{n} more alert(s) for {channel}",
        "chat_overflow_intro": "This channel gets at most {cap} alerts an hour. These came on top; "
                               "they are also in the daily digest:",
        "chat_overflow_more": "and {n} more",
        "chat_test_title": "Test message from Signaleer",
        "chat_test_body": "Channel {channel} works: alerts about {institution} will arrive here.",
    },
}

MORE_COMMAND = "signaleer search --flagged --status open"

_WEEKDAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

_SHORT_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


class Labels:
    """Label lookup for one language: ``t.key`` for plain labels, ``t("key", n=1)`` to fill."""

    def __init__(self, language: str, tz: tzinfo, year: int | None = None) -> None:
        """``year``: the current year (the digest's); dates in any other year show theirs."""
        if language not in LABELS:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language
        self.tz = tz
        self.year = year if year is not None else datetime.now(tz).year
        self._labels = LABELS[language]

    def __getattr__(self, key: str) -> str:
        try:
            return self._labels[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> str:
        return self._labels[key]

    def __call__(self, key: str, **values: object) -> str:
        return self._labels[key].format(**values)

    def number(self, value: int) -> str:
        """12400 -> '12.400' (nl) or '12,400' (en)."""
        text = f"{value:,}"
        return text.replace(",", ".") if self.language == "nl" else text

    def decimal(self, value: float) -> str:
        text = f"{value:.1f}"
        return text.replace(".", ",") if self.language == "nl" else text

    def day(self, value: date) -> str:
        """'maandag 2 maart 2026' / 'Monday 2 March 2026'."""
        weekday = _WEEKDAYS[self.language][value.weekday()]
        return f"{weekday} {value.day} {_MONTHS[self.language][value.month - 1]} {value.year}"

    def short_day(self, value: date) -> str:
        """'2 mrt' / '2 Mar'; '12 mrt 2024' when not in the current year."""
        year = f" {value.year}" if value.year != self.year else ""
        return f"{value.day} {_SHORT_MONTHS[self.language][value.month - 1]}{year}"

    def time(self, value: datetime) -> str:
        """Local '2 mrt 08:15' ('12 mrt 2024 10:00' in another year)."""
        local = value.astimezone(self.tz)
        return f"{self.short_day(local.date())} {local:%H:%M}"

    def clock(self, value: datetime) -> str:
        return f"{value.astimezone(self.tz):%H:%M}"

    def severity(self, value: str) -> str:
        return self._labels.get(f"severity_{value}", value)
