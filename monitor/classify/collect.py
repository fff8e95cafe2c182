"""Run every detector over one prepared mention and return the raw signals."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.classify.constructions import Constructions
from monitor.classify.context import ClassifierContext
from monitor.classify.frames import Frame
from monitor.classify.hostile import hostile_signals, unquoted_tokens
from monitor.classify.identity import lookalike_strength
from monitor.classify.insults import insult_hits
from monitor.classify.lexicon import Lexicon
from monitor.classify.problems import problem_cues
from monitor.classify.sarcasm import detect_sarcasm
from monitor.classify.sentiment import score_sentiment, sentiment_hits
from monitor.classify.signals import (
    Signal,
    affirmed,
    complaint_signal,
    lexical_signal,
    praise_signal,
)
from monitor.classify.signals_meta import (
    confidential_signal,
    impersonation_signal,
    media_platform,
    press_signal,
    question_signal,
    reach_signal,
    student_media_signal,
)
from monitor.classify.text import Doc
from monitor.models import Mention


def _media(doc: Doc, lex: Lexicon, mention: Mention, urls: Sequence[str],
           ctx: ClassifierContext) -> Signal | None:
    terms, lang = lex.terms, ctx.language
    platform = media_platform(doc, urls, mention.source, ctx.settings.media_domains)
    filming = terms["filming"].find(doc.tokens)
    if not platform and not filming:
        return None
    return student_media_signal(platform, terms["student"].find(doc.tokens), filming, lang)


def _tone(doc: Doc, lex: Lexicon, cons: Constructions, ctx: ClassifierContext,
          named: bool) -> list[Signal | None]:
    """Complaint, praise and question: they depend on each other (sarcasm, suppression)."""
    t, lang, cs = doc.tokens, ctx.language, ctx.settings
    s_hits = sentiment_hits(t, lex)
    cues = affirmed(lex.terms["complaint"].find(t), t, lex)
    cues += problem_cues(doc.raw, t, doc.questions, cons.complaints)
    sarcasm = detect_sarcasm(doc, lex, s_hits, cues)
    sentiment = score_sentiment(t, s_hits, lex, sarcastic=sarcasm is not None,
                                exclamations=doc.exclamations)
    complaint = complaint_signal(cues, sentiment, sarcasm, cs.negative_sentiment, lang)
    if complaint is not None and complaint.strength >= cs.category_threshold:
        return [complaint]
    praise = praise_signal(affirmed(lex.terms["praise"].find(t), t, lex), sentiment,
                           cs.positive_sentiment, lang)
    topics = lex.terms["question"].find(t)
    return [complaint, praise, question_signal(doc, lex, topics, named, lang)]


def _crisis(doc: Doc, lex: Lexicon, frame: Frame, lang: str) -> Signal | None:
    """Crisis words, unless the post only says such things are never acceptable."""
    if frame.normative and not frame.reported:
        return None
    return lexical_signal("crisis", affirmed(lex.terms["crisis"].find(doc.tokens), doc.tokens, lex),
                          lang)


def _offensive(doc: Doc, lex: Lexicon, cons: Constructions, frame: Frame,
               lang: str) -> Signal | None:
    """Offensive words and insults, leaving out those quoted in a post that criticises them."""
    tokens = (unquoted_tokens(doc) if frame.judged else None) or doc.tokens
    hits = lex.terms["offensive"].find(tokens) + insult_hits(tokens, cons.insults)
    return lexical_signal("offensive", hits, lang)


def collect_signals(doc: Doc, lex: Lexicon, cons: Constructions, mention: Mention,
                    ctx: ClassifierContext, *, named: bool) -> list[Signal]:
    """All signals with some strength; ``named``: the text names the institution outright."""
    t, terms, lang, cs = doc.tokens, lex.terms, ctx.language, ctx.settings
    urls = (*doc.urls, mention.url) if mention.url else doc.urls
    lookalike = lookalike_strength(ctx.identity, mention.author)
    frame = Frame.of(t, cons)
    tone = _tone(doc, lex, cons, ctx, named)
    friendly = any(s is not None and s.category == "praise" for s in tone)
    signals = [
        _crisis(doc, lex, frame, lang),
        _offensive(doc, lex, cons, frame, lang),
        press_signal(terms["press"].find(t), urls, cs.press_domains, lang),
        confidential_signal(doc, terms["confidential"].find(t), lang),
        _media(doc, lex, mention, urls, ctx),
        impersonation_signal(lookalike, mention.author, terms["impersonation"].find(t),
                             terms["impersonation_report"].find(t), lang),
        reach_signal(mention.author_followers, cs.reach_min_followers,
                     cs.reach_full_followers, lang),
        *tone,
        *hostile_signals(doc, cons, frame, lang, named=named, friendly=friendly),
    ]
    return [s for s in signals if s is not None]
