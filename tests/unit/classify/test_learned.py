"""The learned signal model: the shipped file, its scores and drivers, damage, and retraining."""

from __future__ import annotations

import gzip
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from monitor.classify.learned import SignalModel, default_model, features, units
from monitor.classify.text import prepare
from monitor.errors import InputError

ROOT = Path(__file__).resolve().parents[3]
TRAIN_SCRIPT = ROOT / "tools" / "train_signal_model.py"

ABUSIVE = {
    "nl": ["Wat een klootzakken bij de administratie", "Die docent is echt een kankerlijer",
           "Kutschool, stelletje idioten daar", "Jij bent een vieze tering mongool",
           "Rot op met je kut opleiding, sukkels"],
    "en": ["Fuck you, you stupid bitch", "You are a worthless piece of shit",
           "Shut up you fucking idiot", "That teacher is a dumb asshole"],
}
CLEAN = {
    "nl": ["Leuke open dag gehad bij Curio, veel geleerd!", "Morgen begint de stage in Breda.",
           "Wanneer begint het nieuwe schooljaar?", "Super blij met mijn diploma, dank aan alle docenten!",
           "De bibliotheek is vanaf maandag weer open"],
    "en": ["Thanks for the great open day, the teachers were lovely", "The school opens at 8 tomorrow.",
           "Great school, amazing teachers", "When does the new term start?"],
}
NEGATIVE = {
    "nl": ["Slechte communicatie, de lessen vallen steeds uit. Belachelijk.",
           "Ik ben echt boos, al drie weken geen rooster en niemand reageert",
           "Wat een waardeloze organisatie, ik ben het zat",
           "Heel teleurgesteld en verdrietig over deze school"],
    "en": ["Very disappointed with the terrible service, nobody answers",
           "I hate this school, it is awful and the staff are rude",
           "So sad and angry about how they treated us"],
}
PRAISE = {
    "nl": ["Geweldige school, top begeleiding", "Super blij met mijn diploma, dank aan alle docenten!",
           "Wat een mooie dag, trots op onze studenten", "Fijne docenten en een leuke sfeer"],
    "en": ["Great school, amazing teachers", "Thanks for the great open day, the teachers were lovely",
           "So proud of our wonderful students, well done!"],
}


def _score(text: str, head: str) -> float:
    return default_model().score(prepare(text).tokens)[head].probability


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_abusive_posts_score_higher_on_abuse_than_clean_ones(lang: str) -> None:
    lowest_abusive = min(_score(t, "abuse") for t in ABUSIVE[lang])
    highest_clean = max(_score(t, "abuse") for t in CLEAN[lang])
    assert lowest_abusive > highest_clean


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_negative_posts_score_higher_on_negative_than_praise(lang: str) -> None:
    lowest_negative = min(_score(t, "negative") for t in NEGATIVE[lang])
    highest_praise = max(_score(t, "negative") for t in PRAISE[lang])
    assert lowest_negative > highest_praise


def test_shipped_model_loads_with_both_heads_and_its_provenance() -> None:
    model = default_model()
    assert model.heads == ("abuse", "negative")
    assert len(model.weights) > 1000
    assert any("XED" in source for source in model.info["sources"])
    assert default_model() is model  # loaded once per process


def test_drivers_are_words_or_word_pairs_of_the_post() -> None:
    text = "@jan Die docent is echt een kankerlijer, wat een klootzakken daar"
    words = set(units(prepare(text).tokens)[0])
    for head_score in default_model().score(prepare(text).tokens).values():
        assert head_score.drivers
        for driver in head_score.drivers:
            assert set(driver.split(" ")) <= words
    assert "kankerlijer" in default_model().score(prepare(text).tokens)["abuse"].drivers


def test_explain_at_skips_drivers_only_for_unlikely_heads() -> None:
    tokens = prepare("Kutschool, stelletje idioten daar").tokens
    full = default_model().score(tokens)
    brief = default_model().score(tokens, explain_at=0.5)
    assert brief["abuse"] == full["abuse"]  # likely: explained as always
    clean = prepare("Morgen begint de stage in Breda.").tokens
    assert default_model().score(clean, explain_at=0.5)["abuse"].drivers == ()
    assert default_model().score(clean)["abuse"].drivers


def test_scores_are_deterministic_and_independent_of_the_word_cache() -> None:
    data = default_model().to_bytes()
    fresh = SignalModel.from_bytes(data)
    tokens = prepare("Kutschool! Niemand reageert op mijn klacht, @curio_mbo").tokens
    first = fresh.score(tokens)
    assert fresh.score(tokens) == first  # now from the word cache
    assert default_model().score(tokens) == first
    assert fresh.to_bytes() == data


def test_score_equals_the_weights_of_the_training_features() -> None:
    model = default_model()
    tokens = prepare("Wat een kankerschool, de lessen vallen weer uit. @user lachen toch?").tokens
    counts = Counter(features(tokens))
    scale = 1 / math.sqrt(sum(counts.values()))
    for h, head in enumerate(model.heads):
        logit = model.intercepts[h] + scale * sum(
            n * model.weights[f][h] for f, n in counts.items() if f in model.weights)
        assert model.score(tokens)[head].probability == pytest.approx(1 / (1 + math.exp(-logit)))


def test_empty_post_gets_the_base_rate_and_no_drivers() -> None:
    scores = default_model().score(())
    assert all(s.drivers == () and 0 < s.probability < 1 for s in scores.values())


def _gzip_json(payload: object) -> bytes:
    return gzip.compress(json.dumps(payload).encode("utf-8"), mtime=0)


@pytest.mark.parametrize("data, message", [
    (b"not a model at all", "damaged"),
    (None, "damaged"),  # truncated shipped file
    (_gzip_json([1, 2]), "not a Signaleer signal model"),
    (_gzip_json({"format": "signaleer-signal-model", "version": 99}), "unsupported version 99"),
    (_gzip_json({"format": "signaleer-signal-model", "version": 1, "heads": ["abuse"]}), "damaged"),
    (_gzip_json({"format": "signaleer-signal-model", "version": 1, "heads": ["a", "b"],
                 "intercepts": [0, 0], "features": {"kut": [1.0]}}), "one weight per head"),
])
def test_damaged_model_is_a_clear_input_error(data: bytes | None, message: str) -> None:
    if data is None:
        whole = default_model().to_bytes()
        data = whole[: len(whole) // 2]
    with pytest.raises(InputError, match=message):
        SignalModel.from_bytes(data)


def test_missing_model_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="signal model"):
        SignalModel.load(tmp_path / "nope.json.gz")


# ----------------------------------------------------------------------------- the training script


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _tiny_corpora(root: Path) -> None:
    """The corpus folder layout with a handful of made-up rows per file."""
    rude = ["you are a stupid idiot", "shut up moron", "fuck off loser", "what a dumb asshole"]
    kind = ["have a nice day", "see you at school", "the weather is fine", "thanks for the help"]
    for task in ("offensive", "hate"):
        texts = (rude + kind) * 3
        _write(root / "tweeteval_train" / task / "train_text.txt", "\n".join(texts) + "\n")
        _write(root / "tweeteval_train" / task / "train_labels.txt",
               "\n".join((["1"] * 4 + ["0"] * 4) * 3) + "\n")
    nl = ["Rot op, klootzak !\t1", "Ik ben zo kwaad .\t1, 3", "Wat verdrietig .\t6",
          "Wat een mooie dag .\t5", "Ik vertrouw je .\t8", "Morgen gaan we weg .\t2",
          "Kut !\t1", "Fijn je te zien .\t5, 8"] * 3
    en = ["I hate you .\t1", "This is disgusting .\t3", "I am so happy .\t5",
          "I trust you .\t8", "What a surprise !\t7", "So sad .\t6"] * 3
    _write(root / "xed_emotion" / "nl-projections.tsv", "\r\n".join(nl) + "\r\n")
    _write(root / "xed_emotion" / "en-annotated.tsv", "\r\n".join(en) + "\r\n")
    _write(root / "ldnoobw" / "nl.txt", "klootzak\nkut\npot\n")
    _write(root / "lupje" / "LUPJE.txt", "sukkel\t-4\r\nmooi\t3\r\nslecht\t-3\r\n")
    _write(root / "dutch_sentiment_dictionary_hiemstra" / "dutch_sentiment_dictionary.tsv",
           "word\tscore\nprachtig\t2\nwaardeloos\t-2\n")
    _write(root / "pattern_nl_sentiment" / "nl-sentiment.tsv",
           "form\tpos\tsense\tpolarity\tsubjectivity\tintensity\tconfidence\tcornetto_id\t"
           "cornetto_synset_id\twordnet_id\ngoed\tJJ\t\t0.7\t0.9\t1.0\t1.0\t\t\t\n"
           "rot\tJJ\t\t-0.8\t0.9\t1.0\t1.0\t\t\t\n")
    _write(root / "opener_nl_lexicons" / "hotel_annotations_nl" / "expressions.csv",
           '"exp#pol";"ratio"\r\n"vies#negative";"1"\r\n"schoon#positive";"1"\r\n')
    _write(root / "opener_nl_lexicons" / "rating_lexicons_nl" / "lexicon_len2.csv",
           "nooit meer;2;1.9;2=-6.6\r\nzeer vriendelijk;5;1.2;5=-5.0\r\n")


def _train(corpora: Path, out: Path, extra: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TRAIN_SCRIPT), "--corpora", str(corpora), "--extra", str(extra),
         "--out", str(out), "--min-df", "1", "--max-features", "400"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300)


def test_training_script_builds_a_loadable_deterministic_model(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    corpora = tmp_path / "corpora"
    _tiny_corpora(corpora)
    extra = tmp_path / "labels.jsonl"
    extra.write_text("\n".join(json.dumps(r) for r in [
        {"text": "Jullie zijn allemaal kankerlijers", "label": "attention", "category": "offensive"},
        {"text": "Weer geen rooster, schandalig", "label": "attention", "category": "complaint"},
        {"text": "Leuke open dag", "label": "none", "category": "praise"},
        {"text": "Waar is de kantine?", "label": "none", "category": "question"},
    ] * 3) + "\n", encoding="utf-8")
    first = _train(corpora, tmp_path / "a.json.gz", extra)
    assert first.returncode == 0, first.stderr
    assert "abuse" in first.stdout and "AUC" in first.stdout
    second = _train(corpora, tmp_path / "b.json.gz", extra)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()
    model = SignalModel.load(tmp_path / "a.json.gz")
    assert model.heads == ("abuse", "negative")
    rude = model.score(prepare("you stupid idiot").tokens)["abuse"].probability
    kind = model.score(prepare("have a nice day").tokens)["abuse"].probability
    assert rude > kind
    assert model.info["extra"] == ["labels.jsonl"]
