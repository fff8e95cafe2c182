"""Threats recognised by construction: who (the writer, or a call to others) does what violent
act to whom (a person, a group, the school), in any person, tense or word order.

"ik ga die docent neersteken", "morgen steek ik hem neer", "iemand moet die leraar afmaken",
"I'm gonna shoot up the school", predicted harm ("jullie gaan eraan", "ik weet waar je woont"),
announced weapons ("ik neem morgen een mes mee") and weapon emoji next to the school. Negated,
figurative, reported and talked-about acts are not threats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.classify.constructions import Constructions
from monitor.classify.frames import Frame, span_text
from monitor.classify.matcher import Hit

THREAT_EMOJI = {"💣": 0.75, "🔫": 0.75, "🧨": 0.7, "🪓": 0.6, "🔪": 0.6}
HARM_EMOJI = frozenset({"🩸", "☠", "💀", "⚰", "🔥"})  # with a weapon emoji: aimed at someone
_INFLECTIONS = frozenset({"", "t", "en", "te", "ten", "de", "den", "s", "ed", "ing", "ting", "ping",
                          "ning", "ging"})
_PARTICLE_REACH = 8  # how far after a finite verb its particle may stand ("steek ... neer")


@dataclass(frozen=True, slots=True)
class Finding:
    """One recognised construction: its kind, strength (0..1), the words behind it, and
    whether its target is a protected group."""

    kind: str
    strength: float
    term: str
    pos: int
    against_group: bool = False


def _particle_after(tokens: Sequence[str], i: int, end: int, particle: tuple[str, ...]) -> int:
    """Position just past ``particle`` in ``tokens[i+1:end]`` (or right before ``i``), else -1."""
    n = len(particle)
    for j in range(i + 1, min(end, i + 1 + _PARTICLE_REACH)):
        if tuple(tokens[j:j + n]) == particle:
            return j + n
    if i >= n and tuple(tokens[i - n:i]) == particle:
        return i + 1
    return -1


def _inflected(tok: str, stems: tuple[str, ...]) -> bool:
    """``tok`` is one of ``stems`` or a regular inflection of one ("steekt", "beating")."""
    return any(tok.startswith(stem) and tok[len(stem):] in _INFLECTIONS for stem in stems)


def separable_acts(tokens: Sequence[str], cons: Constructions, frame: Frame) -> list[Hit]:
    """Finite verb + particle later in its clause: "ik steek hem morgen neer", "beat him up"."""
    hits = []
    prefixes = cons.finite_prefixes
    for i, tok in enumerate(tokens):
        if not prefixes or not tok.startswith(prefixes):
            continue
        _, end = frame.clauses.around(i)
        for particle, verbs in cons.separable.items():
            if _inflected(tok, verbs):
                stop = _particle_after(tokens, i, end, particle)
                if stop > 0:
                    hits.append(Hit(i, f"{tok} … {' '.join(particle)}", 1.0, stop - i))
                    break
    return hits


def violent_acts(cons: Constructions, frame: Frame) -> list[Hit]:
    """Every violent act in the text that is not part of a figure of speech."""
    hits = [h for h in frame.scan.of(cons.acts) if h.weight > 0]
    hits += separable_acts(frame.tokens, cons, frame)
    if not hits:
        return []
    figures = [(f.pos, f.pos + f.length) for f in frame.scan.of(cons.figurative) if f.weight > 0]
    return [h for h in hits if not any(a <= h.pos < b for a, b in figures)]


def _roles(tokens: Sequence[str], start: int, end: int, words: frozenset[str]) -> bool:
    return any(tokens[j] in words for j in range(start, end))


def _by_speaker(tokens: Sequence[str], cons: Constructions, start: int, act: Hit) -> bool:
    """The writer does the act: the nearest subject before it is "ik"/"we", not "hij"/"they",
    "ik" follows the verb ("morgen steek ik hem neer"), or the clause opens with a first-person
    verb and no subject ("ga die docent slaan")."""
    for j in range(act.pos - 1, start - 1, -1):
        if tokens[j] in cons.speaker:
            return True
        if tokens[j] in cons.others:
            break
    if start < act.pos and tokens[start] in cons.dropped_subject:
        return True
    return any(tokens[j] in cons.speaker for j in range(act.pos + 1, min(len(tokens), act.pos + 3)))


def _patient(frame: Frame, cons: Constructions, start: int, end: int,
             groups: Sequence[Hit]) -> tuple[float, bool]:
    """How clearly tokens ``[start, end)`` name someone to harm, and whether that is a group."""
    if any(start <= g.pos < end for g in groups):
        return 1.0, True
    if any(frame.tokens[j].startswith("@") for j in range(start, end)):
        return 1.0, False  # a handle: a person or the institution's account
    weights = [h.weight for h in frame.scan.within(cons.patients, start, end)]
    return max(weights, default=0.0), False


def _aimed_at_a_task(frame: Frame, cons: Constructions, act: Hit, start: int,
                     end: int) -> bool:
    """"ik ga mijn opleiding afmaken", "we killed that presentation": the nearest object of
    the act is a task or a thing, not a person."""
    tokens, harmless = frame.tokens, cons.harmless_objects
    act_end = act.pos + act.length
    inside = list(range(act.pos + 1, act_end))  # "steek ik hem neer": the object sits inside
    around = sorted([*range(act.pos - 1, max(start, act.pos - 5) - 1, -1),
                     *range(act_end, min(end, act_end + 3))], key=lambda j: abs(j - act.pos))
    for j in (*inside, *around):
        if tokens[j] in harmless:
            return True
        if tokens[j] not in cons.places and frame.scan.at(cons.patients, j):
            return False
    return False


def _first_intent(tokens: Sequence[str], cons: Constructions, start: int, end: int) -> int:
    return next((j for j in range(start, end) if tokens[j] in cons.intent), start)


def _negated_subject(frame: Frame, start: int) -> bool:
    """The clause opens with a negated subject: "niemand zou ...", "geen enkele student zou
    ...", "no one at curio would ..." (not in an "als ..." condition)."""
    if start in frame.clauses.conditional:
        return False
    return any(p in (start, start + 1) for p in frame.negations)


def _act_threat(act: Hit, cons: Constructions, frame: Frame,
                groups: Sequence[Hit]) -> Finding | None:
    tokens = frame.tokens
    start, end = frame.clauses.around(act.pos)
    act_end = act.pos + act.length
    speaker = _by_speaker(tokens, cons, start, act)
    incited = _roles(tokens, start, end, cons.incitement) or act.pos == start
    own_words = (act.pos, act_end) if "…" not in act.text else (0, 0)  # "niet overleeft"
    if _negated_subject(frame, start) or frame.negated(
            max(start, act.pos - 5), act_end, own_words) or frame.talked_about(
            start, act.pos) or frame.not_real(act.pos):
        return None
    if _aimed_at_a_task(frame, cons, act, start, end):
        return None
    if not speaker and (frame.reported or not incited):
        # Someone else's threat, told by the writer or the news: "leerling dreigde ... op te
        # blazen", "hij gaat die docent neersteken". The one harmed stands after the verb.
        after = _first_intent(tokens, cons, start, act.pos) + 1
        patient, group = _patient(frame, cons, after, end, groups)
        told = frame.reported or bool(frame.speech) or _roles(tokens, start, end, cons.intent)
        if patient > 0 and told:
            return Finding("threat_reported", 0.75 * act.weight * patient,
                           act.text, act.pos, group)
        return None
    patient, group = _patient(frame, cons, start, end, groups)
    if patient <= 0:
        return None
    strength = 0.7 + (0.1 if speaker else 0.05)
    strength += 0.15 if _roles(tokens, start, end, cons.intent) else 0.0
    strength = min(1.0, strength * act.weight * patient)
    if group:  # even a weak act ("pakken we de moslims") is a threat when aimed at a group
        strength = max(strength, 0.6)
    first = next((Hit(j, tokens[j], 1.0) for j in range(start, act.pos)
                  if tokens[j] in cons.speaker or tokens[j] in cons.incitement), act)
    return Finding("threat", strength, span_text(tokens, first, act), act.pos, group)


def _harm_threats(cons: Constructions, frame: Frame) -> list[Finding]:
    found = []
    for hit in frame.scan.of(cons.predicted_harm):
        start, _ = frame.clauses.around(hit.pos)
        keep = (hit.pos, hit.pos + hit.length)
        if frame.negated(max(start, hit.pos - 3), hit.pos, keep) or frame.talked_about(
                start, hit.pos):
            continue
        found.append(Finding("threat_implicit", hit.weight, hit.text, hit.pos))
    return found


def _doomed(cons: Constructions, frame: Frame) -> list[Finding]:
    """Doom said of the one addressed: "jullie zijn allemaal dood", "you're next"."""
    tokens, found = frame.tokens, []
    for doom in frame.scan.of(cons.doom):
        start, _ = frame.clauses.around(doom.pos)
        lo = max(start, doom.pos - 6)  # "everyone at curio in breda dies"
        if not _roles(tokens, lo, doom.pos, cons.doomed) or frame.negated(lo, doom.pos):
            continue
        if not frame.talked_about(start, doom.pos):
            found.append(Finding("threat_implicit", 0.8, f"{tokens[lo]} … {doom.text}", doom.pos))
    return found


def _received_harm(cons: Constructions, frame: Frame, groups: Sequence[Hit]) -> list[Finding]:
    """Harm someone will get: "die docent krijgt morgen een klap", "that ref is getting his
    skull caved in", "he deserves a bullet". The one who gets it stands before the verb."""
    tokens, found = frame.tokens, []
    for verb in frame.scan.of(cons.receiving):
        start, end = frame.clauses.around(verb.pos)
        after = verb.pos + verb.length
        harm = next((h for h in frame.scan.within(cons.harms, after, min(end, after + 5))), None)
        if harm is None or harm.weight <= 0 or frame.reported:
            continue
        if any(tokens[j] in cons.harmless_objects for j in range(harm.pos + harm.length, end)):
            continue  # "getting killed by homework"
        patient, group = _patient(frame, cons, max(start, verb.pos - 6), verb.pos, groups)
        if patient <= 0 and not _roles(tokens, start, verb.pos, cons.addressee | cons.others):
            continue
        if frame.negated(start, harm.pos) or frame.talked_about(start, verb.pos) or \
                frame.not_real(verb.pos):
            continue
        found.append(Finding("threat_implicit", verb.weight * harm.weight,
                             f"{verb.text} … {harm.text}", verb.pos, group))
    return found


def _place_doom(cons: Constructions, frame: Frame, named: bool) -> list[Finding]:
    """A building or the institution foretold to explode or burn: "curio gaat morgen
    ontploffen", "that whole school should burn"; not negated, reported or in a film."""
    tokens, found = frame.tokens, []
    for doom in frame.scan.of(cons.place_doom):
        start, _ = frame.clauses.around(doom.pos)
        lo = max(start, doom.pos - 6)
        place = _roles(tokens, lo, doom.pos, cons.places) or (named and lo == start)
        wish = _roles(tokens, lo, doom.pos, cons.intent | cons.incitement)
        if not (place and wish) or frame.reported or frame.negated(lo, doom.pos):
            continue
        if not frame.talked_about(start, doom.pos) and not frame.not_real(doom.pos):
            found.append(Finding("threat_implicit", 0.8, f"{tokens[lo]} … {doom.text}", doom.pos))
    return found


def _whereabouts(cons: Constructions, frame: Frame) -> list[Finding]:
    """Knowing where someone lives or goes: "ik weet hoe laat hij thuiskomt"."""
    tokens, found = frame.tokens, []
    for place in frame.scan.of(cons.whereabouts):
        start, end = frame.clauses.around(place.pos)
        knows = next((j for j in range(start, place.pos) if tokens[j] in cons.knowing), None)
        if knows is None or not _roles(tokens, start, knows + 1, cons.speaker):
            continue
        if not frame.negated(start, end) and not frame.talked_about(start, knows):
            found.append(Finding("threat_implicit", 0.7, f"{tokens[knows]} … {place.text}",
                                 place.pos))
            break
    return found


def _weapon_threats(cons: Constructions, frame: Frame, named: bool) -> list[Finding]:
    tokens = frame.tokens
    found = []
    for weapon in frame.scan.of(cons.weapons):
        if weapon.weight <= 0:
            continue
        start, end = frame.clauses.around(weapon.pos)
        carry = [h for h in frame.scan.within(cons.carry, start, end) if h.weight > 0]
        speaker = _roles(tokens, start, end, cons.speaker)
        aimed = speaker or _patient(frame, cons, start, end, ())[0] > 0 or _roles(
            tokens, start, end, cons.intent) or (named and any(t in cons.intent for t in tokens))
        if not carry or not aimed or (frame.reported and not speaker):
            continue
        if any(tokens[j] in cons.tool_context for j in range(start, end)):
            continue  # "messen slijpen in de kookles"
        if frame.negated(start, end) or frame.talked_about(start, weapon.pos):
            continue
        strength = min(1.0, 0.9 * weapon.weight * carry[0].weight + (0.1 if speaker else 0.0))
        found.append(Finding("threat_weapon", strength, f"{weapon.text} … {carry[0].text}",
                             weapon.pos))
    return found


def _emoji_threat(emojis: frozenset[str], cons: Constructions, frame: Frame, *,
                  named: bool, friendly: bool) -> Finding | None:
    """A weapon emoji next to the school or a person; not in a friendly or figurative post
    ("messen slijpen bij de koksopleiding 🔪 super leuk", "die playlist is echt een bom 💣")."""
    present = [e for e in THREAT_EMOJI if e in emojis]
    tokens = frame.tokens
    if not present or frame.judged or frame.media or (friendly and len(present) == 1) or any(
            f.weight > 0 for f in frame.scan.of(cons.figurative)):
        return None
    people = [h for h in frame.scan.of(cons.patients) if h.weight > 0 and h.text not in cons.places]
    aimed = bool(people) or any(t in cons.intent for t in tokens) or bool(emojis & HARM_EMOJI)
    strongest = max(THREAT_EMOJI[e] for e in present)
    if strongest < 0.7 and not aimed:
        return None
    if not (named or aimed):
        return None
    strength = min(1.0, strongest + 0.1 * (len(present) - 1) + (0.1 if aimed else 0.0))
    return Finding("threat_emoji", strength, "".join(present), 0)


def disavows_violence(cons: Constructions, frame: Frame) -> bool:
    """The writer denies a violent act or a weapon ("ik zou nooit iemand iets aandoen", "no
    i'm not bringing a knife"): the post answers a fear, and its anger is not a complaint."""
    if not (frame.negations or frame.denial_starts or frame.media):
        return False
    acts = [*violent_acts(cons, frame), *(h for h in frame.scan.of(cons.weapons) if h.weight > 0),
            *frame.scan.of(cons.reporting)]  # "ik heb nooit gedreigd", "never threatened"
    for act in acts:
        start, _ = frame.clauses.around(act.pos)
        if frame.negated(start, act.pos + act.length) or frame.not_real(act.pos):
            return True
    return False


def find_threats(emojis: frozenset[str], cons: Constructions, frame: Frame,
                 groups: Sequence[Hit], *, named: bool, friendly: bool = False) -> list[Finding]:
    """Every threat the writer makes, strongest first."""
    found = [f for act in violent_acts(cons, frame)
             if (f := _act_threat(act, cons, frame, groups)) is not None]
    found += _harm_threats(cons, frame)
    found += _weapon_threats(cons, frame, named)
    found += _doomed(cons, frame) + _whereabouts(cons, frame)
    found += _received_harm(cons, frame, groups) + _place_doom(cons, frame, named)
    emoji = _emoji_threat(emojis, cons, frame, named=named, friendly=friendly)
    if emoji is not None:
        found.append(emoji)
    return sorted(found, key=lambda f: -f.strength)
