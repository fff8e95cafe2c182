"""Read the public corpora (and project JSON lines) into labelled rows for the two signal heads.

Each :class:`Row` carries a label per head: 1, 0, or ``None`` (not used for that head). Only
resources with a permissive licence are read; HurtLex, GrofLex, the HADES dictionaries and the
DEDUCE name lists are never opened here (see NOTICE and ``docs/classifier.md``).
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from monitor.classify.lexicon import AVAILABLE_LANGUAGES, read_lexicon_data
from monitor.classify.text import prepare
from monitor.jsonl import Rejected, read_objects

ANGER, ANTICIPATION, DISGUST, FEAR, JOY, SADNESS, SURPRISE, TRUST = range(1, 9)
_CALM = {JOY, TRUST, ANTICIPATION, SURPRISE}
_NEGATIVE_EMOTIONS = {ANGER, DISGUST, SADNESS}
_HOSTILE = {ANGER, DISGUST}
LEXICON_WEIGHT = 0.5  # a single word is weaker evidence than a labelled sentence
DUTCH_WEIGHT = 2.0

# LDNOOBW's Dutch list is a filter for image search: these entries are ordinary words in a post
# about a school (or too rare to teach anything), so they are not taught as abuse.
_EVERYDAY_NL = frozenset((
    "anita", "asbak", "balen", "beurt", "boemelen", "buffelen", "de ballen", "de hond uitlaten",
    "de koffer induiken", "de pijp uitgaan", "driehoog achter wonen", "gat", "gedoogzone",
    "gras maaien", "griet", "hol", "johny", "kanen", "knor", "kwakkie", "matje", "muts", "naakt",
    "paal", "palen", "poot", "pot", "potverdorie", "raaskallen", "remsporen", "reutelen",
    "schatje", "slempen", "spuiten", "standje", "stootje", "toeter", "tongzoeng", "watje",
    "wippen", "zaadje", "zuigen", "klooien", "piesen", "poep", "poepen", "huisdealer", "penoze",
    "welzijnsmafia", "publiciteitsgeil", "afrossen", "aftrekken", "bekken", "flikken",
    "achter het raam zitten", "aardappels afgieten", "een nummertje maken", "een wip maken",
    "de hoer spelen", "buiten de pot piesen",
))
# LUPJE scores some words about bad events as low as insults; they are not abuse.
_EVENTS_NL = frozenset((
    "auschwitz", "deportatie", "dood", "doodziek", "gaskamers", "holocaust", "hongersdood",
    "invasie", "janken", "jankt", "noodkreet", "pijnlijk", "ramp", "rampen", "sterfte", "stierf",
    "treinongeluk", "winterdepressie", "zelfmoord", "zelfmoorden", "misbruikt", "slecht",
    "verschrikkelijke", "slaaf", "slaven", "slavin", "cringe", "kill", "killing", "krontjong",
    "aangerand", "verkrachting", "moord", "vermoord",
))


@dataclass(frozen=True, slots=True)
class Row:
    """One training or dev example: text, language, source corpus and one label per head."""

    text: str
    lang: str
    corpus: str
    abuse: int | None = None
    negative: int | None = None
    weight: float = 1.0

    def label(self, head: str) -> int | None:
        return self.abuse if head == "abuse" else self.negative


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")


def tweeteval(root: Path) -> Iterator[Row]:
    """TweetEval train splits: offensive=1 and hate=1 are abuse, the rest is not."""
    for task in ("offensive", "hate"):
        folder = root / "tweeteval_train" / task
        texts = _lines(folder / "train_text.txt")[:-1]
        labels = [int(x) for x in (folder / "train_labels.txt").read_text().split()]
        if len(texts) != len(labels):
            raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels")
        for text, label in zip(texts, labels, strict=True):
            if text.strip():
                yield Row(text, "en", f"tweeteval-{task}", abuse=label)


def _xed_labels(labels: set[int], abusive: bool) -> tuple[int | None, int | None]:
    calm = labels <= _CALM
    abuse = 1 if abusive and labels & _HOSTILE else (0 if calm else None)
    hurt = bool(labels & _NEGATIVE_EMOTIONS)
    negative = 1 if hurt and not labels & {JOY, TRUST} else (0 if calm else None)
    return abuse, negative


@dataclass(frozen=True, slots=True)
class AbuseSeeds:
    """Abusive words and word beginnings (``kanker`` for ``kankerlijer``) for weak labels."""

    words: frozenset[str]
    stems: tuple[str, ...]

    def found_in(self, tokens: Iterable[str]) -> bool:
        return any(t in self.words or t.startswith(self.stems) for t in tokens)


def xed(root: Path, seeds: AbuseSeeds) -> Iterator[Row]:
    """XED lines: emotions give the negative head (lines with only joy, trust, anticipation or
    surprise are the non-negative side); calm lines and hostile lines with an abusive word (a
    weak label) give the abuse head. Dutch lines count double: they are the scarcer language."""
    for lang, name in (("nl", "nl-projections.tsv"), ("en", "en-annotated.tsv")):
        for line in _lines(root / "xed_emotion" / name):
            if "\t" not in line:
                continue
            text, raw = line.rsplit("\t", 1)
            labels = {int(x) for x in raw.split(",") if x.strip()}
            abuse, negative = _xed_labels(labels, seeds.found_in(prepare(text).tokens))
            if abuse is not None or negative is not None:
                yield Row(text, lang, f"xed-{lang}", abuse=abuse, negative=negative,
                          weight=DUTCH_WEIGHT if lang == "nl" else 1.0)


def abuse_seeds(root: Path) -> AbuseSeeds:
    """LDNOOBW's Dutch list without everyday words, LUPJE's <= -4 insults, and the offensive
    terms of Signaleer's own rule lexicons (weight >= 0.5; ``kut*`` gives the stem ``kut``)."""
    ldnoobw = {w.strip().lower() for w in _lines(root / "ldnoobw" / "nl.txt") if w.strip()}
    lupje = {w for w, score in _lupje(root).items() if score <= -4}
    words = (ldnoobw - _EVERYDAY_NL) | (lupje - _EVENTS_NL)
    stems = set()
    for lang in AVAILABLE_LANGUAGES:
        for term, weight in read_lexicon_data(lang)["terms"]["offensive"].items():
            if weight < 0.5 or term.startswith("*"):
                continue
            if term.endswith("*"):
                stems.add(term[:-1])
            words.add(term)
    return AbuseSeeds(frozenset(words), tuple(sorted(stems)))


def _lupje(root: Path) -> dict[str, int]:
    scores = {}
    for line in _lines(root / "lupje" / "LUPJE.txt"):
        parts = line.split("\t")
        if len(parts) >= 2 and parts[1].strip():
            scores[parts[0].strip().lower()] = int(parts[1])
    return scores


def _hiemstra(root: Path) -> dict[str, int]:
    path = root / "dutch_sentiment_dictionary_hiemstra" / "dutch_sentiment_dictionary.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["word"].strip().lower(): int(r["score"]) for r in csv.DictReader(handle, delimiter="\t")}


def _pattern(root: Path) -> dict[str, float]:
    """Mean polarity per form over its hand-tagged senses (confidence >= 0.9)."""
    sums: dict[str, list[float]] = {}
    path = root / "pattern_nl_sentiment" / "nl-sentiment.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle, delimiter="\t"):
            if float(r["confidence"] or 0) >= 0.9:
                sums.setdefault(r["form"].strip().lower(), []).append(float(r["polarity"]))
    return {form: sum(v) / len(v) for form, v in sums.items()}


def _opener(root: Path) -> dict[str, int]:
    """OpeNER hotel-review expressions (+/-) and 2-word n-grams of 2-star (-) or 5-star (+) reviews."""
    found: dict[str, int] = {}
    base = root / "opener_nl_lexicons"
    with (base / "hotel_annotations_nl" / "expressions.csv").open(encoding="utf-8", newline="") as f:
        for r in list(csv.reader(f, delimiter=";"))[1:]:
            expression, _, polarity = r[0].rpartition("#")
            found[expression.lower()] = -1 if "negative" in polarity else 1
    for line in _lines(base / "rating_lexicons_nl" / "lexicon_len2.csv"):
        parts = line.split(";")
        if len(parts) >= 2 and parts[1] in ("2", "5") and "<S>" not in parts[0] and "PUN" not in parts[0]:
            found.setdefault(parts[0].lower(), -1 if parts[1] == "2" else 1)
    return found


def sentiment_polarity_nl(root: Path) -> dict[str, int]:
    """Word or phrase -> +1/-1 where the permissive Dutch lexicons agree on a clear polarity."""
    votes: dict[str, list[int]] = {}
    for source in (
        {w: s for w, s in _lupje(root).items() if abs(s) >= 2},
        {w: s for w, s in _hiemstra(root).items() if abs(s) >= 2},
        {w: p for w, p in _pattern(root).items() if abs(p) >= 0.5},
        _opener(root),
    ):
        for word, score in source.items():
            votes.setdefault(word, []).append(1 if score > 0 else -1)
    return {w: v[0] for w, v in votes.items() if len(set(v)) == 1}


def lexicon_rows(root: Path, seeds: AbuseSeeds) -> Iterator[Row]:
    """Single words and short phrases from the lexicons, at :data:`LEXICON_WEIGHT`."""
    abuse_words = {w.rstrip("*") for w in seeds.words}
    for word in sorted(abuse_words):
        yield Row(word, "lexicon", "lexicon-abuse", abuse=1, weight=LEXICON_WEIGHT)
    for word, polarity in sorted(sentiment_polarity_nl(root).items()):
        abuse = 0 if polarity > 0 and word not in abuse_words else None
        negative = 1 if polarity < 0 else 0
        yield Row(word, "lexicon", "lexicon-sentiment", abuse=abuse, negative=negative,
                  weight=LEXICON_WEIGHT)
    for phrase in THREATS:
        yield Row(phrase, "lexicon", "lexicon-threat", abuse=1, negative=1, weight=LEXICON_WEIGHT)
    for term, negative in project_sentiment_terms():
        yield Row(term, "lexicon", "lexicon-project", negative=negative, weight=LEXICON_WEIGHT)


def project_sentiment_terms() -> list[tuple[str, int]]:
    """Signaleer's own complaint (1) and praise (0) terms and clearly valenced words (nl, en)."""
    terms: dict[str, int] = {}
    for lang in AVAILABLE_LANGUAGES:
        data = read_lexicon_data(lang)
        for group, label in (("complaint", 1), ("praise", 0)):
            for term, weight in data["terms"][group].items():
                if weight >= 0.5 and "*" not in term:
                    terms.setdefault(term, label)
        for word, valence in data.get("sentiment", {}).items():
            if abs(valence) >= 1.5 and "*" not in word:
                terms.setdefault(word, 1 if valence < 0 else 0)
    return sorted(terms.items())


# Threats, written for Signaleer (no public threat corpus exists, see the corpora README).
THREATS = (
    "ik maak je af", "ik steek je neer", "ik schiet je dood", "ik weet waar je woont",
    "ik sla je in elkaar", "ik kom je halen", "je gaat eraan", "jij gaat dood", "ik vermoord je",
    "wacht maar tot ik je zie", "ik blaas de school op", "morgen komt er een bom",
    "i will kill you", "i know where you live", "i'm going to shoot", "you are dead",
    "i will beat you up", "watch your back", "i'll stab you", "bomb the school",
)


# Dutch frames for single words: the frame is the same for an insult and for a harmless word,
# so only the word can carry the label (there is no labelled Dutch abuse text to learn from).
TEMPLATES_NL = (
    "wat een {}", "jij bent een {}", "stelletje {}", "die {} van school", "echt een {} die docent",
    "ze zijn allemaal {}",
)


def template_rows(seeds: AbuseSeeds, polarity: dict[str, int]) -> Iterator[Row]:
    """Abusive single words and an eighth of the other lexicon words, each in every frame."""
    abusive = sorted(w for w in seeds.words if " " not in w and not w.endswith("*"))
    others = sorted(w for w in polarity if " " not in w and w not in seeds.words)[::8]
    for words, label in ((abusive, 1), (others, 0)):
        for word in words:
            for frame in TEMPLATES_NL:
                yield Row(frame.format(word), "lexicon", "lexicon-template", abuse=label,
                          weight=LEXICON_WEIGHT)


_ABUSE_CATEGORIES = {"threat", "hate", "offensive"}
_CALM_CATEGORIES = {None, "", "praise", "question", "neutral"}


def _project_labels(label: object, category: object) -> tuple[int | None, int | None]:
    if label == "attention":
        abuse = 1 if category in _ABUSE_CATEGORIES else None
        return abuse, (1 if category == "complaint" else None)
    if label == "none":
        return 0, (0 if category in _CALM_CATEGORIES else None)
    return None, None


def name_mask(config: Path | None) -> re.Pattern[str] | None:
    """A pattern for the institution's names and context words (its places, "mbo", "stage") in
    a Signaleer config's ``[institution]``: project posts name them in nearly every line, so a
    model must not learn them as a cue."""
    if config is None:
        return None
    table = tomllib.loads(config.read_text(encoding="utf-8")).get("institution", {})
    names = [table.get("name", ""), *table.get("aliases", ()), *table.get("handles", ()),
             *table.get("hashtags", ()), *table.get("ambiguous_aliases", ()),
             *table.get("own_accounts", ()), *table.get("context_words", ())]
    words = sorted({n.lower().lstrip("@#") for n in names if n and n.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"[@#]?\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


def project_rows(paths: Iterable[Path], mask: re.Pattern[str] | None = None) -> Iterator[Row]:
    """Project JSON lines (``text``, ``label`` attention/none, ``category``, optional ``lang``),
    with the institution's names blanked out when ``mask`` is given."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in read_objects(handle):
                record = None if isinstance(line, Rejected) else line[1]
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    continue
                abuse, negative = _project_labels(record.get("label"), record.get("category"))
                if abuse is not None or negative is not None:
                    text = mask.sub(" ", record["text"]) if mask else record["text"]
                    yield Row(text, str(record.get("lang") or "project"),
                              f"project-{path.stem}", abuse=abuse, negative=negative)


def corpus_rows(root: Path, extra: Iterable[Path] = (),
                mask: re.Pattern[str] | None = None) -> list[Row]:
    """Every row, in a fixed order (the training script's split and fit depend on it)."""
    seeds = abuse_seeds(root)
    rows = [*tweeteval(root), *xed(root, seeds), *lexicon_rows(root, seeds),
            *template_rows(seeds, sentiment_polarity_nl(root)),
            *project_rows(extra, mask)]
    return rows
