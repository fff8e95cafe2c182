"""The classifier's compiled, immutable context: settings, lexicons, identity, optional model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from monitor.classify.constructions import Constructions, build_constructions
from monitor.classify.identity import Identity
from monitor.classify.learned import SignalModel, default_model
from monitor.classify.lexicon import Lexicon, build_lexicon
from monitor.classify.scan import MatcherIndex, matchers_in
from monitor.config import InstitutionSettings
from monitor.config.classifier import ClassifierSettings

if TYPE_CHECKING:
    from monitor.classify.model import TrainedModel
    from monitor.config import Settings


def _distinct_vocabularies(lexicons: Mapping[str, Lexicon]) -> dict[str, frozenset[str]]:
    vocab = {lang: lex.vocabulary for lang, lex in lexicons.items()}
    return {lang: words.difference(*(v for other, v in vocab.items() if other != lang))
            for lang, words in vocab.items()}


@dataclass(frozen=True, slots=True)
class ClassifierContext:
    """Build once (:meth:`from_settings`), then pass to :func:`classify` for every mention."""

    settings: ClassifierSettings
    institution: InstitutionSettings
    identity: Identity
    lexicons: Mapping[str, Lexicon]
    constructions: Mapping[str, Constructions]
    indexes: Mapping[str, MatcherIndex]  # every term list of a language, for one-pass scans
    stopwords: Mapping[str, frozenset[str]]
    vocabularies: Mapping[str, frozenset[str]]  # words only that language's lexicon has
    language: str  # language of the reasons: "nl" or "en"
    default_language: str  # guess for texts without clear language cues
    model: TrainedModel | None = None
    learned: SignalModel | None = None  # the shipped model trained on public text

    @classmethod
    def build(
        cls,
        classifier: ClassifierSettings | None = None,
        institution: InstitutionSettings | None = None,
        *,
        language: str | None = None,
        model: TrainedModel | None = None,
    ) -> ClassifierContext:
        """From already validated parts; every argument has a sensible default."""
        cs = classifier or ClassifierSettings()
        inst = institution or InstitutionSettings(name="Curio")
        lexicons = {lang: build_lexicon(lang, cs.lexicon.get(lang, {})) for lang in cs.languages}
        constructions = {lang: build_constructions(lang) for lang in cs.languages}
        return cls(
            settings=cs,
            institution=inst,
            identity=Identity.from_institution(inst),
            lexicons=lexicons,
            constructions=constructions,
            indexes={lang: MatcherIndex.build(matchers_in(lexicons[lang], constructions[lang]))
                     for lang in cs.languages},
            stopwords={lang: lex.stopwords for lang, lex in lexicons.items()},
            vocabularies=_distinct_vocabularies(lexicons),
            language=cs.language or language or "nl",
            default_language=cs.languages[0],
            model=model if cs.model.enabled else None,
            learned=default_model() if cs.learned_at < 1.0 else None,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, model: TrainedModel | None = None,
    ) -> ClassifierContext:
        """From the loaded config (its ``[classifier]`` was validated when it was loaded)."""
        return cls.build(settings.classifier, settings.institution,
                         language=settings.digest.language, model=model)

    def with_model(self, model: TrainedModel | None) -> ClassifierContext:
        return replace(self, model=model if self.settings.model.enabled else None)

    def with_language(self, language: str) -> ClassifierContext:
        return replace(self, language=language)
