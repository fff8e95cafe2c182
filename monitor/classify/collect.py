"""Run every detector over one prepared mention and return the raw signals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from monitor.classify.constructions import Constructions
from monitor.classify.context import ClassifierContext
from monitor.classify.frames import Frame
from monitor.classify.hostile import hostile_signals, unquoted_tokens
from monitor.classify.identity import lookalike_strength
from monitor.classify.insults import insult_hits
from monitor.classify.lexicon import Lexicon
from monitor.classify.matcher import Hit, unmasked_hits
from monitor.classify.problems import problem_cues
from monitor.classify.reasons import format_score, reason
from monitor.classify.sarcasm import detect_sarcasm
from monitor.classify.scan import Scan
from monitor.classify.sentiment import score_sentiment, sentiment_hits
from monitor.classify.signals import (
    Signal,
    affirmed,
    complaint_signal,
    lexical_signal,
    merged,
    praise_signal,
)
from monitor.classify.signals_meta import (
    confidential_signal,
    impersonation_signal,
    lookalike_site,
    media_platform,
    press_signal,
    question_signal,
    reach_signal,
    student_media_signal,
)
from monitor.classify.text import Doc
from monitor.classify.threat import disavows_violence
from monitor.config.classifier import ATTENTION_CATEGORIES
from monitor.models import Mention


def _media(doc: Doc, scan: Scan, lex: Lexicon, mention: Mention, urls: Sequence[str],
           ctx: ClassifierContext, friendly: bool) -> Signal | None:
    terms, lang = lex.terms, ctx.language
    platform = media_platform(doc, urls, mention.source, ctx.settings.media_domains)
    filming = scan.of(terms["filming"])
    if not platform and not filming:
        return None
    return student_media_signal(platform, scan.of(terms["student"]), filming, lang,
                                friendly=friendly)


def _tone(doc: Doc, scan: Scan, lex: Lexicon, cons: Constructions, frame: Frame,
          ctx: ClassifierContext, named: bool,
          disavowal: bool) -> tuple[list[Signal | None], bool]:
    """Complaint, praise and question: they depend on each other (sarcasm, suppression).
    A post that only says something is never acceptable is counter-speech, not a complaint,
    and a post that denies violence answers a fear: their negative words do not count. Also
    says whether the post is glad (friendly)."""
    t, lang, cs = doc.tokens, ctx.language, ctx.settings
    s_hits = sentiment_hits(scan.of(lex.sentiment), lex)
    quiet = frame.normative or frame.counter or disavowal  # anger at speakers, or at a fear
    words = [] if quiet else affirmed(scan.of(lex.terms["complaint"]), t, lex)
    problems = [] if frame.normative else problem_cues(doc.raw, scan, doc.questions,
                                                       cons.complaints)
    thanks = affirmed(scan.of(lex.terms["praise"]), t, lex)
    if thanks:  # "holy shit, ik ben geslaagd!": a curse as a cry of joy carries no sentiment
        s_hits = [h for h in s_hits if h.weight > 0 or h.text not in cons.insults.interjections]
    sarcasm = detect_sarcasm(doc, lex, s_hits, words + problems, scan, thanks)
    sentiment = score_sentiment(t, s_hits, lex, sarcastic=sarcasm is not None,
                                exclamations=doc.exclamations)
    if sarcasm is None and thanks and sentiment.score >= cs.positive_sentiment:
        problems = []  # "dank je, zonder jullie was het me niet gelukt": thanks, not a complaint
    negative_at = -2.0 if quiet else cs.negative_sentiment
    complaint = complaint_signal(words + problems, sentiment, sarcasm, negative_at, lang)
    if complaint is not None and complaint.strength >= cs.category_threshold:
        return [complaint], False
    praise = praise_signal(thanks, sentiment, cs.positive_sentiment, lang)
    topics = scan.of(lex.terms["question"])
    glad = praise is not None or (sarcasm is None and sentiment.score > 0)
    return [complaint, praise, question_signal(doc, lex, topics, named, lang, scan)], glad


def _crisis(doc: Doc, lex: Lexicon, frame: Frame, lang: str, disavowal: bool) -> Signal | None:
    """Crisis words, unless the post only says such things are never acceptable or denies
    violence, or the word is negated in its clause, denied, or the topic of a film or drill."""
    if (frame.normative or frame.counter or disavowal) and not frame.reported:
        return None
    hits = [h for h in affirmed(frame.scan.of(lex.terms["crisis"]), doc.tokens, lex)
            if not frame.negated(frame.clauses.around(h.pos)[0], h.pos) and not frame.not_real(h.pos)]
    return lexical_signal("crisis", hits, lang)


def _offensive(doc: Doc, lex: Lexicon, cons: Constructions, frame: Frame, lang: str,
               friendly: bool, teased: bool) -> Signal | None:
    """Offensive words and insults, leaving out those quoted in a post that criticises them,
    and swearing as a glad exclamation ("fuck yes, diploma gehaald")."""
    unquoted = unquoted_tokens(doc) if frame.judged else None
    scan = frame.scan.rescan(unquoted) if unquoted else frame.scan
    hits = scan.of(lex.terms["offensive"]) + insult_hits(scan, cons.insults)
    hits += unmasked_hits(lex.terms["offensive"], scan.tokens)  # "f*ck", "k*nkerschool"
    if RUDE_EMOJI & doc.emojis:  # "curio staff 🖕🖕🖕"
        hits.append(Hit(0, "".join(sorted(RUDE_EMOJI & doc.emojis)), 0.7))
    hits = [h for h in hits if not _intensifier(h, scan, lex)]  # "kanker blij", "zwaar kk mooi"
    if not hits or (friendly and all(h.text in cons.insults.interjections for h in hits)):
        return None
    if teased:
        return None
    return lexical_signal("offensive", hits, lang)


RUDE_EMOJI = frozenset({"🖕"})
LAUGHING = frozenset({"😂", "🤣", "😆", "😹", "😜", "😝"})
HEARTS = frozenset({"❤", "💕", "💖", "💗", "🥹", "😘", "🥰"})
LAUGH_WORDS = frozenset({"haha", "hahaha", "hahahaha", "hihi", "lol", "lmao", "xd", "grapje"})


def _intensifier(hit: Hit, scan: Scan, lex: Lexicon) -> bool:
    """A curse right before a glad word only says "very" ("kanker blij", "fucking trots")."""
    after = hit.pos + hit.length
    return any(s.pos in (after, after + 1) and s.weight > 0 for s in scan.of(lex.sentiment))


def teasing(doc: Doc, scan: Scan, cons: Constructions) -> bool:
    """Friends teasing each other: affection with a laugh or a heart ("jij bent een sukkel
    haha love you ❤️"), or a laughing emoji in a reply to a friend ("@sanne jij aap 😂 ...
    biertje morgen?"). A mocking "lol" alone is no friendship. Not when the post speaks of
    staff."""
    staff = any(t.startswith(("docent", "leraar", "lerares", "mentor", "teacher", "juf"))
                for t in doc.tokens)
    if staff:
        return False
    laughing = bool(doc.emojis & LAUGHING)
    affection = [h for h in scan.of(cons.insults.affection) if h.text not in LAUGH_WORDS]
    if laughing:
        reply = bool(doc.tokens) and doc.tokens[0].startswith("@")
        return reply or bool(affection) or any(t in LAUGH_WORDS for t in doc.tokens)
    return bool(affection) and bool(doc.emojis & HEARTS or set(doc.tokens) & LAUGH_WORDS)


def _negated_drivers(drivers: Sequence[str], frame: Frame) -> bool:
    """A word that drove the model stands just after a negation ("ik ga X echt niet
    vermoorden"): the rules read the negation, the model cannot."""
    positions = [i for i, t in enumerate(frame.tokens) if t in drivers]
    return any(frame.negated(max(0, i - 4), i + 3) for i in positions)


def _says_something(word: str, lex: Lexicon, cons: Constructions, ctx: ClassifierContext, *,
                    friendly: bool) -> bool:
    """A driver word that is evidence: not a function word nor the institution's name ("die",
    "ga", "curio" can tip a short post), nor a glad curse in a friendly post ("fuck yes!")."""
    return not (word in lex.stopwords or word in cons.speaker or word in cons.addressee
                or word in cons.others or word in cons.intent
                or (friendly and word in cons.insults.interjections)
                or ctx.identity.names_in(word) != (None, None))


def _learned(doc: Doc, ctx: ClassifierContext, frame: Frame, lang: str,
             says_something: Callable[[str], bool]) -> Signal | None:
    """The learned model's opinion that the post is abusive, with the words that drove it.
    Only from ``learned_at`` on, only when content words drove it, and only ever as
    "offensive": never a route to urgent. Like the rules it ignores what a post quotes to
    criticise, and posts that only set a norm."""
    model, at = ctx.learned, ctx.settings.learned_at
    if model is None or frame.normative or frame.counter:
        return None
    tokens = (unquoted_tokens(doc) if frame.judged else None) or doc.tokens
    abuse = model.score(tokens, explain_at=at)["abuse"]
    if abuse.probability < at or _negated_drivers(abuse.drivers, frame):
        return None
    if not any(says_something(w) for driver in abuse.drivers for w in driver.split()):
        return None
    strength = 0.5 + (abuse.probability - at) / (1.0 - at) * 0.3 if at < 1.0 else 0.5
    term = "', '".join(abuse.drivers) or "…"
    return Signal("offensive", strength, (reason("learned_abuse", lang, term=term,
                                                 score=format_score(abuse.probability, lang)),))


def _posing_account(doc: Doc, mention: Mention, ctx: ClassifierContext) -> tuple[float, str | None]:
    """How strongly an account imitates the institution, and which: the author, or a handle the
    post sends people to ("volg @curio_mbo_official om kans te maken")."""
    best, who = lookalike_strength(ctx.identity, mention.author), mention.author
    for handle in (t for t in doc.tokens if t.startswith("@") and len(t) > 3):
        strength = lookalike_strength(ctx.identity, handle)
        if strength > best:
            best, who = strength, handle
    return best, who


def collect_signals(doc: Doc, scan: Scan, lex: Lexicon, cons: Constructions, mention: Mention,
                    ctx: ClassifierContext, *, named: bool) -> list[Signal]:
    """All signals with some strength; ``named``: the text names the institution outright."""
    terms, lang, cs = lex.terms, ctx.language, ctx.settings
    urls = (*doc.urls, mention.url) if mention.url else doc.urls
    lookalike, posing = _posing_account(doc, mention, ctx)
    frame = Frame.of(scan, cons)
    disavowal = disavows_violence(cons, frame)
    tone, friendly = _tone(doc, scan, lex, cons, frame, ctx, named, disavowal)
    teased = teasing(doc, scan, cons)
    signals = [
        _crisis(doc, lex, frame, lang, disavowal),
        _offensive(doc, lex, cons, frame, lang, friendly, teased),
        press_signal(scan.of(terms["press"]), urls, cs.press_domains, lang),
        confidential_signal(doc, scan.of(terms["confidential"]), lang),
        None if teased else _media(doc, scan, lex, mention, urls, ctx, friendly),
        impersonation_signal(lookalike, posing, scan.of(terms["impersonation"]),
                             scan.of(terms["impersonation_report"]), lang,
                             lookalike_site(doc.lower, ctx.identity.lookalike_targets)),
        reach_signal(mention.author_followers, cs.reach_min_followers,
                     cs.reach_full_followers, lang),
        *tone,
        *hostile_signals(doc, cons, frame, lang, named=named, friendly=friendly),
    ]
    if not any(s is not None and s.category in ATTENTION_CATEGORIES
               and s.strength >= cs.category_threshold for s in signals) and not teased:
        # a second opinion where rules see none
        evidence = partial(_says_something, lex=lex, cons=cons, ctx=ctx, friendly=friendly)
        signals.append(_learned(doc, ctx, frame, lang, evidence))
    return merged(signals)
