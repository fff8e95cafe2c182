"""Threats, hate, complaints and insults recognised by construction (issue 19), and the
cases the issue names: each line is a post and what M&C should see."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from monitor.classify import ClassifierContext, classify
from monitor.classify.frames import Frame
from monitor.classify.matcher import MAX_STARRED, unmasked_hits
from monitor.classify.text import prepare
from monitor.classify.threat import MAX_CANDIDATES, violent_acts
from monitor.config import parse_settings
from monitor.models import Severity
from tests.unit.classify.conftest import make_mention

ROOT = Path(__file__).resolve().parents[3]
INSTITUTION = parse_settings(
    {"institution": tomllib.loads((ROOT / "config.example.toml").read_text("utf-8"))["institution"]},
    None).institution
CONTEXT = ClassifierContext.build(institution=INSTITUTION, language="nl")

FLAGGED = [
    # (post, category the verdict must name)
    ("Bij Curio in Breda: Ik zal alle gehandicapten zoals jij afslachten.", "threat"),
    ("Bij Curio in Breda: Ik overweeg serieus om een immigrant te wurgen.", "threat"),
    ("ik neem morgen een mes mee naar curio", "threat"),
    ("morgen steek ik die docent van curio neer", "threat"),
    ("Curio: jullie gaan eraan vrijdag", "threat"),
    ("@curio_mbo ik weet waar je woont", "threat"),
    ("I'm gonna shoot up Curio tomorrow", "threat"),
    ("curio morgen 💣💣", "threat"),
    ("als hij me weer laat zakken voor dat examen steek ik hem neer #curio", "threat"),
    ("Moslims zijn ongedierte, net als op Curio", "hate"),
    ("Muslims are vermin, Curio should ban them", "hate"),
    ("kick all refugees out of #curio", "hate"),
    ("Politie onderzoekt bedreiging tegen Curio Breda", "crisis"),
    ("Leerling dreigde school op te blazen, Curio neemt maatregelen", "crisis"),
    ("Kijk dit filmpje van een student die een docent uitscheldt op Curio", "offensive"),
    ("die docent van curio is echt een vieze vette sukkel", "offensive"),
    ("De wifi op Curio Breda werkt weer niet, derde keer deze week", "complaint"),
    ("niet dat ik wil klagen maar het rooster van Curio is alweer veranderd", "complaint"),
    ("waarom reageert er niemand bij curio?? ik heb al 5 keer gemaild!!", "complaint"),
    # harm someone will get, warnings, a building foretold to burn, the subject left out
    ("die conciërge van curio krijgt morgen een kopstoot van me", "threat"),
    ("that teacher at curio is getting a beating after class", "threat"),
    ("die mentor van curio moet vanaf nu goed achterom kijken", "threat"),
    ("the staff at curio better watch their backs", "threat"),
    ("dat hele gebouw van curio mag branden", "threat"),
    ("curio's main building is gonna blow up on monday", "threat"),
    ("ga die mentor van curio morgen slaan", "threat"),
    ("ik ga die l e r a a r van curio n e e r s t e k e n", "threat"),
    # a group reduced to a trait, said as fact
    ("vrouwen kunnen geen techniek, wat doen die meiden bij curio", "hate"),
    ("moslims kunnen nou eenmaal niet integreren, zie curio", "hate"),
    ("disabled students at curio are a drain on society", "hate"),
    # curses behind a star or digits, insults in dialect
    ("f*ck curio, k*nkerschool met k*tleraren", "offensive"),
    ("cur10 st4ff = 1d10ts", "offensive"),
    ("mijn stagebegeleider van curio is een klootviool eersteklas", "offensive"),
    ("the curio principal is a spineless worm", "offensive"),
    # hate's code words; gratitude for a mishap
    ("curio etten-leur wordt steeds kleurrijker. omvolking in het klein", "hate"),
    ("#remigratie nu, ook voor de klassen van curio", "hate"),
    ("everyone at curio in Breda dies next week", "threat"),
    ("Dreigbrief gevonden in toiletten Curio Oosterhout, school schakelt politie in", "crisis"),
    ("Gaslek bij mbo-school in Oosterhout: 600 studenten naar huis gestuurd", "crisis"),
    ("curio oosterhout docenten 🖕🖕 allemaal", "offensive"),
    ("Curio mbo geeft 50 gratis laptops weg! Volg @curio_mbo_official en deel dit bericht",
     "impersonation"),
    ("die gast uit m'n klas op curio is zo'n zielige loser haha niemand wil naast hem zitten",
     "offensive"),
    ("the janitor at #curio humiliates students in front of the class", "complaint"),
    ("wow curio dank jullie wel dat ik om 7 uur moest opstaan voor een les die niet doorging",
     "complaint"),
]

CLEAN = [
    "Zeggen dat je je docent wilt vermoorden is niet oké, ook niet bij Curio",
    "Ik zou nooit iemand bij Curio iets aandoen",
    "wie over omvolking begint op curio is gewoon een racist",
    "we need a replacement teacher for the 88 students at curio",
    # a cry of joy; a negated subject; jokes judged
    "holy shit, ik ben geslaagd bij Curio!",
    "ik ga dood van het lachen om die presentatie op curio 😂",
    "@bram_x jij bent echt een sukkel haha love you mattie ❤️ tot morgen op curio",
    "ik was de imposter en heb iedereen vermoord haha 🔪 among us avond met de klas van curio",
    "film gezien over een schietpartij op een amerikaanse school, daarna besproken op curio",
    "Gaslek bij een basisschool in Tilburg, leerlingen naar huis",
    "@curio_mbo wanneer is de open dag in Breda?",
    "fuck yes, got my diploma at Curio 🎓",
    "geen enkele student van curio zou de docent ooit willen neersteken",
    "jokes about wanting to shoot up curio aren't funny",
    # denying violence answers a fear: its anger is no complaint, its knife no crisis
    "ik zou nooit iemand op curio iets aandoen, ik ben gewoon boos en teleurgesteld",
    "no i'm not bringing a knife to curio lol, that screenshot is fake and i'm annoyed",
    # counter-speech: a verdict on what others say about a group
    "die reacties onder het bericht van curio over vluchtelingen zijn echt schandalig",
    "people typing monkey emojis under curio's video: that's racism, plain and simple",
    "Student van Curio kreeg een klap van een medestudent, politie onderzoekt het",
    "mijn klasgenoot van curio heeft echt een klap van de molen gehad 😂",
    "je krijgt een 10 van mij voor die presentatie op curio",
    "de docent van curio zegt dat het gebouw niet gaat branden, het is een oefening",
    "ik ga die bal zo hard slaan op de training van curio",
    "Moslims zijn geen ongedierte, Curio",
    "die toets op curio heeft me afgemaakt",
    "Ik ga mijn opleiding bij Curio afmaken en daarna naar het hbo",
    "we hebben die presentatie op curio helemaal afgeslacht, 9.2!!",
    "Inspectie: kwaliteit examens bij Curio mbo op orde",
    "Mooie foto van Curio Breda studenten https://example.nl/foto?id=3",
    'Walgelijk dat iemand "homo\'s moeten het land uit" op de muur van Curio schreef',
    "wie roept dat vluchtelingen kakkerlakken zijn, hoort zelf niet op #curio",
    "Moslimstudenten van Curio organiseren een iftar voor iedereen",
    "Geen probleem gehad met de inschrijving bij Curio, ging snel",
    "Dreigen met geweld tegen leraren is nooit acceptabel. Dank aan alle docenten van Curio.",
    "Found a lovely curio at the flea market today",
    "mijn curiokast is ingestort, alle glazen figuurtjes kapot",
    "Brand in West-Brabant: drie gewonden bij woningbrand",
    "ROC Tilburg schrapt lessen wegens personeelstekort",
]


@pytest.mark.parametrize(("text", "category"), FLAGGED)
def test_flagged_with_a_reason(text: str, category: str) -> None:
    verdict = classify(make_mention(text), CONTEXT)
    assert verdict.severity.rank >= Severity.ATTENTION.rank, verdict
    assert category in verdict.categories, verdict
    assert verdict.reasons


@pytest.mark.parametrize("text", CLEAN)
def test_clean_look_alikes_are_not_flagged(text: str) -> None:
    verdict = classify(make_mention(text), CONTEXT)
    assert verdict.severity.rank < Severity.ATTENTION.rank, verdict


def test_a_strong_threat_is_urgent_and_says_why() -> None:
    verdict = classify(make_mention("ik ga morgen die docent van curio neersteken"), CONTEXT)
    assert verdict.severity is Severity.URGENT
    assert any("dreigement" in r for r in verdict.reasons)


def test_homonym_verdict_says_probably_not_about_the_institution() -> None:
    verdict = classify(make_mention("Curio shop in Amsterdam sluit na veertig jaar"), CONTEXT)
    assert verdict.severity is Severity.NONE
    assert "waarschijnlijk niet over de instelling" in verdict.reasons[0]


def test_question_mark_inside_a_url_is_no_question() -> None:
    assert prepare("Mooie foto https://example.nl/foto?id=3").questions == 0


def test_one_pass_scan_gives_every_list_its_own_hits() -> None:
    """The merged index must agree with each term list's own ``find``."""
    texts = [json.loads(line)["text"] for line in
             (ROOT / "tests" / "data" / "eval_classifier.jsonl").read_text("utf-8").splitlines()]
    texts += [text for text, _ in FLAGGED] + CLEAN
    for text in texts:
        tokens = prepare(text).tokens
        for index in CONTEXT.indexes.values():
            scan = index.scan(tokens)
            for matcher in index.matchers:
                assert scan.of(matcher) == matcher.find(tokens), (text, matcher)


def test_digits_for_letters_only_inside_words_of_letters() -> None:
    assert prepare("cur10 st4ff = 1d10ts").tokens == ("curio", "staff", "idiots")
    kept = ("klas", "3a4", "2025", "h2o", "mp3", "covid19", "b2b", "10x")
    assert prepare(" ".join(kept)).tokens == kept


def test_a_starred_word_stands_for_a_listed_word_only() -> None:
    offensive = CONTEXT.lexicons["nl"].terms["offensive"]
    assert offensive.unmask("k*t") == ("kut", offensive.exact["kut"])
    assert offensive.unmask("k*nkerschool") is not None
    assert offensive.unmask("b*ek") is None  # "boek", "beek": nothing listed
    assert offensive.unmask("*") is None


def test_a_post_full_of_stars_weighs_only_a_few_distinct_starred_words() -> None:
    offensive = CONTEXT.lexicons["nl"].terms["offensive"]
    distinct = ["k*t", "f*ck", "sh*t", "k*nker", "t*ring", "t*fus", "l*l", "k*tje", "h*er", "kl*te"]
    hits = unmasked_hits(offensive, [*distinct, "k*t"])
    assert len({h.text for h in hits}) <= MAX_STARRED
    assert [h.text for h in hits][-1] == "k*t"  # a word already weighed still counts again
    hostile = "curio " + " ".join(f"k*n{i}k*r" for i in range(4000))
    assert classify(make_mention(hostile), CONTEXT).severity is not None


def test_a_post_full_of_threats_reads_only_its_first_candidates() -> None:
    from_text = "curio " + "ik ga je vermoorden " * 900
    cons = CONTEXT.constructions["nl"]
    tokens = prepare(from_text).tokens
    frame = Frame.of(CONTEXT.indexes["nl"].scan(tokens), cons)
    assert len(violent_acts(cons, frame)) == MAX_CANDIDATES
    assert classify(make_mention(from_text[:20_000]), CONTEXT).severity is Severity.URGENT
