"""Named entities: the model's spans, corrected by rules, typed, and joined within a document.

The statistical model alone tags company names as people and bank names as places. This module
weighs its entities against the rule layer (:mod:`sanctionwatch.extract.ruler`), corrects types
from context (legal forms, organisation heads, appositives such as "X, a bank accused of ...",
owner/employer use), drops junk, and joins short forms to full names within the document
("Dyakov" → "Yuri Dyakov", "Mr. Li" → "Li Ku Ul", "Rungrado" → the full company name, acronyms →
expansions). Every mention of one thing shares an ``entity_id`` and ``canonical`` name.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial

from rapidfuzz.distance import Levenshtein
from rigour.territories import get_territories, lookup_territory
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.entity_spans import (
    SpanRules,
    caption_credits,
    comma_cue,
    country_code,
    country_pair,
    credit_names,
    descriptor_end,
    family_modifier,
    glued_place_end,
    header_pieces,
    honorific_name_end,
    is_acronym,
    load_span_rules,
    lower_case_head_end,
    lower_tail_end,
    national_prefix,
    split_span,
    title_phrases,
)
from sanctionwatch.extract.entity_typer import retype_mentions, typer_version
from sanctionwatch.extract.entity_typing import (
    TypingRules,
    anaphora_antecedents,
    authority_key,
    business_subject,
    load_typing_rules,
    owns_business_noun,
    subject_tokens,
)
from sanctionwatch.extract.ruler import RULE_SPANS, RuleComponent
from sanctionwatch.extract.rules import (
    EntityRules,
    honorific_length,
    legal_form_key,
    load_entity_rules,
    name_head,
)
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.statements import Statement

ORIGIN = "extract:entities"
EXTRACTOR_VERSION = "1"
DATASET = "documents"
MODEL_SCHEMA = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place"}
UNTYPED_LABELS = frozenset({"FAC"})
"""Model labels kept only when the context types them (a FAC ending in "Arena" is a place)."""
SOURCE_PRIORITY = {
    "rule:instrument": 6,
    "rule:legal-form": 5,
    "gazetteer": 4,
    "rule:organisation-head": 3,
    "rule:cue-noun": 3,
    "rule:appositive": 3,
    "rule:korean-name": 2,
    "rule:patronymic": 2,
    "rule:known-organisation": 3,
    "rule:byline": 2,
    "model": 1,
}
SOURCE_CONFIDENCE = {"model": 0.75, "rule": 0.9, "gazetteer": 0.9, "coref": 0.7}
ORGANISATIONS = frozenset({"Company", "Organization", "LegalEntity"})
ID_PREFIX = {
    "Person": "per",
    "Company": "com",
    "Organization": "org",
    "LegalEntity": "le",
    "Place": "plc",
    "LegalInstrument": "ins",
}
STORED_AS = {"Place": "Address", "LegalInstrument": "Document"}
"""How mention schemata without an FtM schema of their own are stored."""
MAX_SENTENCE_CHARS = 1000
POSSESSIVE = re.compile(r"(?:['’]s?|\s)+$")
POSSESSIVE_INSIDE = re.compile(r"['’]s\s")
EDGE_PUNCT = " \t\n\r,;:!?\"“”«»()[]{}'‘’*—–-•|/"
WORD = re.compile(r"[^\W_]+(?:[.'’\-][^\W_]+)*\.?", re.UNICODE)
LIST_BULLETS = frozenset("-•*–—·")
APPOSITIVE_DETERMINERS = frozenset({"a", "an", "another", "the"})
CLOSING_QUOTES = frozenset('”»"’')
AKA = re.compile(
    r"[\s,(]*(?:also\s+known\s+as|a\.?k\.?a\.?|formerly(?:\s+known\s+as)?|"
    r"f\.?k\.?a\.?|alias|in\s+(?:Russian|Chinese|Korean|Cyrillic|Hangul|English))[\s:]*[“\"«]?",
    re.IGNORECASE,
)
PAIR_GAP = re.compile(r"[\s,:;(\[–—-]*(?:(?:the|or|its)\s+)?[\s“\"]*", re.IGNORECASE)
AKA_BEFORE = re.compile(
    r"(?:also\s+known\s+as|a\.?k\.?a\.?|formerly(?:\s+known\s+as)?|f\.?k\.?a\.?)[\s:]*[“\"«]$",
    re.IGNORECASE,
)
COPULAS = frozenset({"is", "was", "are", "were"})
APPOSITIVE_PREPOSITIONS = frozenset({"of", "at", "for", "in", "with", "to", "from", "by", "on"})
APPOSITIVE_STOPS = frozenset({",", ";", ".", "who", "which", "that", "and", "(", "—", "–"})
ROLE_STOPS = frozenset(
    {",", ";", ".", ":", "said", "says", "told", "who", "which", "that", "(", ")", "—", "–"}
)


def extractor_version(rules: EntityRules | None = None) -> str:
    """``origin_version`` of this extractor: code version plus rules-file version."""
    spans = load_span_rules().version
    typing = load_typing_rules().version
    typer = typer_version()  # the learned typer, only when it is on
    learned = f".m{typer}" if typer else ""
    rules_version = (rules or load_entity_rules()).version
    return f"{EXTRACTOR_VERSION}.r{rules_version}{learned}.t{typing}.s{spans}"


@dataclass(slots=True)
class _Candidate:
    """A span that may name something, with the evidence for its type."""

    start: int
    end: int
    schema: str | None
    source: str
    priority: int
    type_score: int
    canonical: str | None = None
    country: str | None = None
    is_country: bool = False
    abbreviates: int | None = None
    """Char start of the name this acronym follows in brackets ("X Corporation (XC)")."""


@dataclass(frozen=True, slots=True)
class Role:
    """A role or title stated next to a person's name, with its span in the cleaned text."""

    mention: Mention
    start: int
    end: int
    text: str


# ---------------------------------------------------------------- candidates

_TEXTS: dict[int, str] = {}


def _text(doc: Doc) -> str:
    """``doc.text`` joins every token on each access; this reads it once per document."""
    text = _TEXTS.get(id(doc))
    if text is None:
        text = doc.text
        _TEXTS[id(doc)] = text
    return text


@contextmanager
def _cached_text(doc: Doc) -> Iterator[None]:
    owner = id(doc) not in _TEXTS
    _text(doc)
    try:
        yield
    finally:
        if owner:
            _TEXTS.pop(id(doc), None)


def _source_family(source: str) -> str:
    if source.startswith("rule:instrument"):
        return "rule:instrument"
    if source.startswith("gazetteer"):
        return "gazetteer"
    return source


def _trim(text: str, start: int, end: int, rules: EntityRules) -> tuple[int, int]:
    """Shrink a char span to the name: no determiners, possessives or stray punctuation."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in EDGE_PUNCT:
            start, changed = start + 1, True
        while end > start and text[end - 1] in EDGE_PUNCT and not _balanced(text, start, end):
            end, changed = end - 1, True
        possessive = POSSESSIVE.search(text, start, end)
        if possessive and possessive.start() > start:
            end, changed = possessive.start(), True
        first = re.match(r"\S+", text[start:end])
        if first and first.group().casefold() in rules.edge_words and first.end() < end - start:
            start, changed = start + first.end(), True
        if end > start and text[end - 1] == ".":
            last = text[start:end].split()[-1]
            keep = legal_form_key(last) in {f[-1] for f in rules.legal_forms}
            keep = keep or last.count(".") > 1 or len(last) == 2
            if not keep:
                end, changed = end - 1, True
    return start, end


def _territory(name: str, rules: EntityRules) -> tuple[str | None, str]:
    """``(country code, kind)``: kind is ``country`` (the name of a country or territory),
    ``place`` (a city or region in it), ``organisation`` (EU, UN) or ``unknown``."""
    cleaned = re.sub(r"^(?:the)\s+", "", " ".join(name.split()), flags=re.IGNORECASE)
    alias = rules.country_aliases.get(cleaned.casefold())
    if alias:
        return alias, "country"
    known = rules.places.get(cleaned.casefold())
    if known:
        return known, "place"
    if len(cleaned.replace(".", "")) <= 3 and not cleaned.isupper():
        return None, "unknown"  # "Li" is a surname, not Liechtenstein
    territory = lookup_territory(cleaned, fuzzy=False)
    if territory is None:
        return None, "unknown"
    code = str(territory.code)
    if "-" in code:
        return code.split("-", 1)[0], "place"
    if not (territory.is_country or territory.is_jurisdiction):
        return None, "organisation"
    return code, "country"


PAIRS = {"»": "«", "”": "“", ")": "(", "]": "["}


def _balanced(text: str, start: int, end: int) -> bool:
    """A closing quote or bracket that closes one opened inside the name stays (ООО «X»)."""
    closer = text[end - 1]
    opener = PAIRS.get(closer)
    if opener is not None:
        return opener in text[start : end - 1]
    if closer == '"':
        return text.count('"', start, end) % 2 == 0
    return False


def _country(name: str) -> str | None:
    """ISO code of the country a place name lies in (or names)."""
    return _territory(name, load_entity_rules())[0]


def _rule_spans(doc: Doc) -> Sequence[Span]:
    if RULE_SPANS not in doc.spans:
        _fallback_component(doc)(doc)
    return list(doc.spans[RULE_SPANS])


_FALLBACK: dict[int, RuleComponent] = {}


def _fallback_component(doc: Doc) -> RuleComponent:
    """Rules for a ``Doc`` parsed by a pipeline without the rule component (tests, notebooks)."""
    key = id(doc.vocab)
    if key not in _FALLBACK:
        _FALLBACK[key] = RuleComponent(Language(doc.vocab))
    return _FALLBACK[key]


def _candidates(doc: Doc, rules: EntityRules) -> list[_Candidate]:
    found: list[_Candidate] = []
    for ent in doc.ents:
        schema = MODEL_SCHEMA.get(ent.label_)
        if schema is not None or ent.label_ in UNTYPED_LABELS:
            found.append(_Candidate(ent.start_char, ent.end_char, schema, "model", 1, 1))
    for span in _rule_spans(doc):
        source = span.kb_id_ or "rule"
        priority = SOURCE_PRIORITY.get(_source_family(source), 2)
        found.append(
            _Candidate(span.start_char, span.end_char, span.label_, source, priority, priority)
        )
    text = _text(doc)
    found = [c for c in found if not (c.schema == "Place" and "," in text[c.start : c.end])]
    found = _split_coordinated(text, found)
    found = _edge_pieces(text, found, rules)
    found.extend(_place_candidates(text, rules))
    found.extend(_quoted_candidates(text))
    found.extend(_byline_candidates(text, rules))
    for candidate in found:
        candidate.start, candidate.end = _trim(text, candidate.start, candidate.end, rules)
        candidate.start, candidate.end = _join_hyphens(text, candidate.start, candidate.end, rules)
        if candidate.schema == "Place":
            candidate.start = _compass_prefix(text, candidate, rules)
        if candidate.schema == "Place" and candidate.source == "model":
            candidate.end = _drop_place_suffix(text, candidate.start, candidate.end, rules)
        _take_descriptor(text, candidate, rules)
        if candidate.source == "model" and candidate.schema != "Place":
            candidate.end = _drop_junk_tail(text, candidate.start, candidate.end, rules)
        if candidate.source == "model" and candidate.schema == "Organization":
            candidate.end = lower_tail_end(text, candidate.start, candidate.end, load_span_rules())
        if (
            candidate.source == "model"
            and candidate.schema == "Organization"
            and not POSSESSIVE_INSIDE.search(text, candidate.start, candidate.end)
        ):
            candidate.end = lower_case_head_end(
                text, candidate.start, candidate.end, load_span_rules(), rules
            )
    return _corrected_spans(text, [c for c in found if c.end > c.start], rules)


def _edge_pieces(text: str, found: list[_Candidate], rules: EntityRules) -> list[_Candidate]:
    """What real pages glue onto a name the model found: a letterhead or heading joined into
    one line, two countries joined by a hyphen, a link's text glued to a place, and the rest
    of a name the model split after an honorific (:mod:`entity_spans`)."""

    def territory(name: str) -> str:
        return _territory(name, rules)[1]

    result: list[_Candidate] = []
    for candidate in found:
        start, end = candidate.start, candidate.end
        if candidate.source in ("model", "rule:organisation-head"):
            pieces = header_pieces(text, start, end, rules, territory)
            if pieces is not None:  # each piece is typed afresh ("North Korea", "WASHINGTON")
                result.extend(
                    replace(candidate, start=s, end=e, source="model", priority=1, type_score=1)
                    for s, e in pieces
                )
                continue
        if candidate.source == "model":  # the model calls "Vladivostok-Pyongyang" a person
            pair = country_pair(text, start, end, territory)
            if pair is not None:
                for piece in pair:
                    result.append(replace(candidate, start=piece.start, end=piece.end))
                continue
        if candidate.source == "model":
            candidate.end = glued_place_end(text, start, end, territory)
        if candidate.source == "model" and candidate.schema == "Person":
            candidate.end = honorific_name_end(text, start, candidate.end, rules, territory)
        result.append(candidate)
    return result


def _take_descriptor(text: str, candidate: _Candidate, rules: EntityRules) -> None:
    """ "Tumen river", "Selantik coal mine": the class noun after a name the model or the
    places list found becomes part of it, with its schema."""
    if candidate.source not in ("model", "gazetteer:places"):
        return
    if candidate.schema == "Person" and " " in text[candidate.start : candidate.end]:
        return  # the model reads an unknown one-word name as a person ("the Kumdok coal mine")
    found = descriptor_end(
        text, candidate.start, candidate.end, rules, lambda name: _territory(name, rules)[1]
    )
    if found is not None:
        candidate.end, candidate.schema = found
        candidate.type_score = max(candidate.type_score, 3)
        candidate.priority = max(candidate.priority, 1)


def _corrected_spans(text: str, found: list[_Candidate], rules: EntityRules) -> list[_Candidate]:
    """Titles, times, credits and possessives cut out of the spans (:mod:`entity_spans`)."""
    span_rules = load_span_rules()

    def territory(name: str) -> str:
        return _territory(name, rules)[1]

    corrected: list[_Candidate] = []
    for candidate in found:
        fixed = candidate.schema == "LegalInstrument" or candidate.source.startswith("gazetteer")
        if fixed:
            listed_acronym = TRAILING_ACRONYM.search(text, candidate.start, candidate.end)
            if candidate.schema != "LegalInstrument" and listed_acronym:
                # a list writes "Name (ACRONYM)" as one alias: the name is what precedes it
                candidate.end = listed_acronym.start()
            corrected.append(candidate)
            continue
        if candidate.source == "model" and family_modifier(
            text, candidate.start, candidate.end, span_rules, rules
        ):
            continue
        if candidate.schema in ORGANISATIONS:
            candidate.start = national_prefix(text, candidate.start, candidate.end, span_rules)
        pieces = split_span(
            text, candidate.start, candidate.end, span_rules, rules, territory, candidate.schema
        )
        if pieces is None:
            corrected.append(_comma_typed(text, candidate, span_rules))
            continue
        for piece in pieces:
            start, end = _trim(text, piece.start, piece.end, rules)
            if end > start:
                schema = piece.schema or candidate.schema
                score = max(candidate.type_score, piece.score)
                corrected.append(replace(candidate, start=start, end=end, schema=schema))
                corrected[-1].type_score = score
    for candidate in corrected:
        quoted = candidate.source == "rule:quoted" and candidate.schema is None
        if quoted and AKA_BEFORE.search(text, max(0, candidate.start - 40), candidate.start):
            # "X Co., Ltd. (a.k.a. “Y”)": Y is typed with X when the aliases are joined
            candidate.schema = "Organization"
    known = frozenset(load_typing_rules().known_organisations)
    for piece in [
        *credit_names(text, span_rules),
        *caption_credits(text, known, span_rules.editorial_markers),
    ]:
        corrected.append(_Candidate(piece.start, piece.end, piece.schema, "rule:credit", 3, 3))
    for piece in title_phrases(text, span_rules, rules):
        source = "rule:title" if piece.title else "rule:title-holder"
        corrected.append(_Candidate(piece.start, piece.end, piece.schema, source, 5, piece.score))
    return corrected


BRACKETED_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z]{1,9})\)")
TRAILING_ACRONYM = re.compile(BRACKETED_ACRONYM.pattern + "$")


def _comma_typed(text: str, candidate: _Candidate, span_rules: SpanRules) -> _Candidate:
    """ "its sister company, X": a name only the model found, typed by the noun before it."""
    loose = candidate.source == "model" and candidate.type_score < 3
    if loose and candidate.schema in ("Person", "Organization"):
        cue = comma_cue(text, candidate.start, span_rules)
        if cue is not None:
            candidate.schema, candidate.type_score = cue, 3
    return candidate


COMPASS_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+(?:-[a-z]+)?)\s+$")
COMPASS_PAIR = re.compile(r"([A-Z][a-z]+(?:-[a-z]+)?)\s+and\s+", re.IGNORECASE)


def _compass_prefix(text: str, candidate: _Candidate, rules: EntityRules) -> int:
    """Start of a place with the compass word before it ("North-east Asia"); in "North and
    South Korea" the place is "South Korea" (the first word names none by itself)."""
    start = candidate.start
    pair = COMPASS_PAIR.match(text, start, candidate.end)
    if pair and pair.group(1).casefold() in rules.place_prefixes:
        return pair.end()
    before = COMPASS_BEFORE.search(text, max(0, start - 20), start)
    if before and before.group(1).casefold() in rules.place_prefixes:
        return before.start(1)
    return start


COORDINATION = re.compile(r"\s+(?:and|&)\s+")


def _split_coordinated(text: str, found: list[_Candidate]) -> list[_Candidate]:
    """ "MOP and Corman Construction" as one model span: when the words before "and" are a
    name found on its own elsewhere in the document, the span is two names, not one."""
    alone = {text[c.start : c.end] for c in found if not COORDINATION.search(text, c.start, c.end)}
    result = []
    for candidate in found:
        joint = COORDINATION.search(text, candidate.start, candidate.end)
        left = text[candidate.start : joint.start()] if joint else ""
        coordinated = candidate.source in ("model", "rule:organisation-head")
        if not coordinated or joint is None or left not in alone:
            result.append(candidate)
            continue
        # the head word ("Construction") types only the name it ends, not the one before "and"
        result.append(
            replace(candidate, end=joint.start(), source="model", priority=1, type_score=1)
        )
        result.append(replace(candidate, start=joint.end()))
    return result


HYPHEN_LEFT = re.compile(r"(?<![\w-])([A-Z][\w]*)-$")
HYPHEN_RIGHT = re.compile(r"-([^\W\d_]+)")


def _join_hyphens(text: str, start: int, end: int, rules: EntityRules) -> tuple[int, int]:
    """ "Vostok-Stroy", "Yuzhno-Sakhalinsk", "Segori-dong": the tokenizer splits at hyphens,
    names do not; modifiers ("Irkutsk-based", "U.N.-sanctioned") stay outside."""
    left = HYPHEN_LEFT.search(text, max(0, start - 40), start)
    if left and not (_place_at(text, left.start(1), rules) and _place_at(text, start, rules)):
        start = left.start(1)  # "Oman-North Korea trade" names two countries
    while True:
        tail = HOST_CONNECTOR.match(text, end) or HYPHEN_RIGHT.match(text, end)
        if not tail:
            return start, end
        word = tail.group().rsplit("-", 1)[-1]
        if word.casefold() in rules.hyphen_modifiers:
            return start, end
        if _place_at(text, end + 1, rules) and _place_at(text, start, rules):
            return start, end
        end = tail.end()


def _place_at(text: str, position: int, rules: EntityRules) -> bool:
    """A known place or country name starts at ``position``."""
    word = PLACE_WORD.match(text, position)
    if word is None:
        return False
    for name in _place_index(rules).get(word.group().casefold(), ()):
        end = position + len(name)
        if text[position:end].casefold() == name and not text[end : end + 1].isalpha():
            return True
    return False


PLACE_WORD = re.compile(r"[A-Z]\w*")
HOST_CONNECTOR = re.compile(r"-(?:on|upon|na|am|sur|en|de|le|la)-[A-Z]\w*")


def _drop_junk_tail(text: str, start: int, end: int, rules: EntityRules) -> int:
    """ "OFAC SDN" -> "OFAC": a last word that is never a name by itself is not part of one."""
    words = text[start:end].rsplit(" ", 1)
    if len(words) == 2 and words[1].casefold() in rules.junk:
        return start + len(words[0])
    return end


def _drop_place_suffix(text: str, start: int, end: int, rules: EntityRules) -> int:
    """ "Jilin province" -> "Jilin": a lower-case generic word is not part of the name."""
    words = text[start:end].rsplit(" ", 1)
    if len(words) == 2 and words[1].islower() and words[1].casefold() in rules.place_suffixes:
        return start + len(words[0])
    return end


_PLACE_INDEXES: dict[int, tuple[EntityRules, dict[str, list[str]]]] = {}
"""Place index per rules object; the object is kept with it so its ``id`` is never reused."""
CAPITALISED_WORD = re.compile(r"(?<!\w)[A-Z]\w*")
NAME_START = re.compile(r"(?<![\w-])[A-Z]\w*")


def _place_index(rules: EntityRules) -> dict[str, list[str]]:
    """Known place names (lower-cased) by their first word, longest first."""
    stored = _PLACE_INDEXES.get(id(rules))
    if stored is not None and stored[0] is rules:
        return stored[1]
    index: dict[str, list[str]] = defaultdict(list)
    for name in set(rules.places) | _country_names():
        index[re.split(r"[\s-]", name, maxsplit=1)[0]].append(name)
    for names in index.values():
        names.sort(key=len, reverse=True)
    _PLACE_INDEXES[id(rules)] = (rules, dict(index))
    return _PLACE_INDEXES[id(rules)][1]


def _place_candidates(text: str, rules: EntityRules) -> list[_Candidate]:
    """Known places, also inside words like "Irkutsk-based" that the model skips."""
    index = _place_index(rules)
    found = []
    for match in CAPITALISED_WORD.finditer(text):
        names = index.get(match.group().casefold())
        if not names:
            continue
        start = match.start()
        if text[start - 1 : start] == "-" and not _place_before_hyphen(text, start - 1, rules):
            continue  # "Kim Jong-Un", "Ulan-Ude": the second half of one name
        for name in names:
            end = start + len(name)
            if text[start:end].casefold() == name and not text[end : end + 1].isalnum():
                found.append(_Candidate(start, end, "Place", "gazetteer:places", 0, 3))
                break
    return found


def _place_before_hyphen(text: str, hyphen: int, rules: EntityRules) -> bool:
    """A known place ends at the hyphen ("Pyongyang-Beijing flights", "the Oman-Qatar
    route"): the word after it names a second place, not the rest of the first."""
    index = _place_index(rules)
    for word in NAME_START.finditer(text, max(0, hyphen - 40), hyphen):
        for name in index.get(word.group().casefold(), ()):
            if text[word.start() : hyphen].casefold() == name:
                return True
    return False


def _country_names() -> set[str]:
    """Short names of today's countries, from FollowTheMoney's territory data."""
    names = set()
    for territory in get_territories():
        if territory.is_country and not territory.is_historical:
            for name in (territory.name, territory.full_name):
                if name and "(" not in name:
                    names.add(name.casefold())
    return names


QUOTED_NAME = re.compile(r"[“\"«]((?:[A-Z][\w&'’.-]*\s?){1,5})[”\"»]")


def _quoted_candidates(text: str) -> list[_Candidate]:
    """Quoted capitalised names ("“Engineering Classes”"): kept only if context types them."""
    return [
        _Candidate(m.start(1), m.end(1), None, "rule:quoted", 0, 0)
        for m in QUOTED_NAME.finditer(text)
    ]


BYLINE_NAME = re.compile(
    r"[A-Z][\w’'-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w’'-]+){1,3}|[\uac00-\ud7a3]{2,4}(?!\w)"
)
BYLINE_OUTLET = re.compile(r"\s+for\s+((?:the\s+)?[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,4})\s*$")
BYLINE_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
MAX_BYLINE_WORDS = 14


def _byline_candidates(text: str, rules: EntityRules) -> list[_Candidate]:
    """People named in a byline ("By Jane Doe in Riga and" / "John Roe in Oslo"): each item's
    name, without the place it is filed from; a byline ending in "and" or a comma goes on in
    the next line."""
    found: list[_Candidate] = []
    continuing = False
    for line in re.finditer(r"[^\n]+", text):
        words = line.group().split()
        if not words:
            continue
        opens = words[0].casefold() in rules.byline_cues and words[1:2] != []
        if not (continuing or opens) or len(words) > MAX_BYLINE_WORDS or line.group()[-1] in ".!?":
            continuing = False
            continue
        start = line.start() + (line.group().index(words[1]) if opens and not continuing else 0)
        for item in _byline_items(text, start, line.end()):
            found.extend(_byline_person(text, item, rules))
        continuing = words[-1].casefold() in ("and", "&") or words[-1].endswith(",")
    return found


def _byline_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    for separator in BYLINE_SPLIT.finditer(text, start, end):
        yield cursor, separator.start()
        cursor = separator.end()
    yield cursor, end


def _byline_person(text: str, item: tuple[int, int], rules: EntityRules) -> list[_Candidate]:
    """The person of one byline item ("Jane Doe in Riga", a Hangul name), and the outlet
    written for ("Jane Doe for Radio Ruritania")."""
    segment = text[item[0] : item[1]]
    found = []
    outlet = BYLINE_OUTLET.search(segment)
    if outlet is not None:
        start = item[0] + outlet.start(1)
        end = item[0] + outlet.end(1)
        found.append(_Candidate(start, end, "Organization", "rule:byline", 2, 3))
        segment = segment[: outlet.start()]
    name = BYLINE_NAME.match(segment.split(" in ", 1)[0].strip())
    if name is None or _territory(name.group(), rules)[1] != "unknown":
        return found
    start = item[0] + segment.index(name.group())
    found.append(_Candidate(start, start + len(name.group()), "Person", "rule:byline", 2, 2))
    return found


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping spans, strongest evidence first, then longest."""
    ordered = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: list[_Candidate] = []
    occupied: list[tuple[int, int]] = []
    for candidate in ordered:
        if any(candidate.start < e and s < candidate.end for s, e in occupied):
            continue
        taken.append(candidate)
        occupied.append((candidate.start, candidate.end))
    return sorted(taken, key=lambda c: c.start)


# ---------------------------------------------------------------- typing


def _tokens_after(doc: Doc, end_char: int) -> list[Token]:
    span = doc.char_span(end_char, min(len(_text(doc)), end_char + 120), alignment_mode="expand")
    if span is None:
        return []
    return list(span[:10])


def _appositive_schema(doc: Doc, end_char: int, rules: EntityRules) -> tuple[bool, str | None]:
    """ "X, a bank accused of ..." / "X is a mountain": the head noun's schema, if any.

    A noun that is the subject of its own verb ("According to X, the bank processed ...")
    starts a new clause, not an appositive.
    """
    tokens = _tokens_after(doc, end_char)
    while tokens and tokens[0].text in CLOSING_QUOTES:
        tokens = tokens[1:]
    if len(tokens) < 3:
        return False, None
    if tokens[0].text not in (",", "—", "–", "(") and tokens[0].lower_ not in COPULAS:
        return False, None
    rest = tokens[1:]
    if rest and rest[0].text.endswith("ly") and rest[0].is_lower:
        rest = rest[1:]  # "X, ostensibly a consulting company"
    if not rest or rest[0].lower_ not in APPOSITIVE_DETERMINERS:
        return False, None
    for token in rest[1:7]:
        lower = token.lower_
        if lower in APPOSITIVE_STOPS or lower in APPOSITIVE_PREPOSITIONS:
            break
        if lower in rules.role_nouns and lower not in rules.appositive_heads:
            return False, None  # "X, a director of ..." says nothing of a company
        if lower in rules.appositive_heads and token.is_lower and _head_noun(token):
            # "a former army officer": a noun modifying the head says nothing of the name
            if token.dep_ in ("nsubj", "nsubjpass") and tokens[0].text == ",":
                return False, None
            return True, rules.appositive_heads[lower]
    return False, None


def _head_noun(token: Token) -> bool:
    """The noun heading an appositive, not one modifying it ("a former army officer") and not
    an adjective ("a firm believer")."""
    return token.dep_ != "compound" and token.pos_ != "ADJ"


def _role_follows(doc: Doc, candidate: _Candidate, rules: EntityRules) -> bool:
    """ "X Y, senior director of ...": a name followed by a role is a person's."""
    probe = Mention(candidate.start, candidate.end, "", "Person", "", "", 0, 0)
    return _role_after(doc, probe, rules) is not None


def _owner_use(doc: Doc, candidate: _Candidate, rules: EntityRules) -> bool:
    """A name used as owner/employer: "Agrosoyuz owners", "X's subsidiary"."""
    words = [token.text for token in _tokens_after(doc, candidate.end)]
    skip = 1 if words[:1] in (["’s"], ["'s"]) else 0
    return len(words) > skip and words[skip].casefold() in rules.ownership_nouns


def _precue_schema(doc: Doc, start_char: int, rules: EntityRules) -> str | None:
    span = doc.char_span(max(0, start_char - 40), start_char, alignment_mode="expand")
    if span is None or len(span) == 0 or span.end_char > start_char:
        return None
    word = span[-1].text
    schema = rules.appositive_heads.get(word) if word.islower() else None
    return schema if schema in ORGANISATIONS else None


def _type(doc: Doc, candidate: _Candidate, rules: EntityRules) -> _Candidate | None:
    """Final schema of a candidate (None drops it) from the context around it."""
    text = _text(doc)[candidate.start : candidate.end]
    if candidate.schema == "LegalInstrument":
        candidate.canonical = _instrument_canonical(text, rules, candidate.source)
        return candidate if candidate.canonical else None
    if _demonym_plural(text, rules):
        return None  # "North Koreans were barred from leaving": people of a country
    state = _state_of_country(text, rules)
    if state is not None and candidate.source in ("model", "rule:organisation-head"):
        # "the Government of North Korea" is North Korea acting as a state
        offset, length, state_country = state
        candidate.start += offset
        candidate.end = candidate.start + length
        candidate.schema, candidate.type_score = "Place", 3
        candidate.country, candidate.is_country = state_country, True
        return candidate
    if candidate.schema == "Place" and candidate.source == "model":
        text = _heading_place(doc, candidate, text, rules)
    words = text.split()
    last = words[-1]
    legal_form = legal_form_key(last) in {form[-1] for form in rules.legal_forms}
    loose = candidate.source == "model" or candidate.source.startswith("gazetteer")
    if loose and legal_form and len(words) > 1 and last[:1].isupper():
        candidate.schema, candidate.type_score = "Company", 5
    head = name_head(words, rules)
    if candidate.source == "model" and head and len(words) > 1:
        candidate.schema, candidate.type_score = head, 3
    typing = load_typing_rules()
    if candidate.source.startswith("gazetteer") and candidate.schema in typing.gazetteer_schemata:
        # the lists call many firms LegalEntity; a head such as "Bureau" says otherwise
        candidate.schema = head or typing.gazetteer_schemata[candidate.schema]
    place_head = " ".join(words[-2:]).casefold() in rules.place_heads
    place_head = place_head or last.casefold() in rules.place_heads
    if candidate.source == "model" and place_head and len(words) > 1 and last[:1].isupper():
        candidate.schema, candidate.type_score = "Place", 3
    if candidate.type_score < 3 and 1 < len(words) <= 4 and _role_follows(doc, candidate, rules):
        candidate.schema, candidate.type_score = "Person", 2
    found, schema = _appositive_schema(doc, candidate.end, rules)
    if found and schema in ORGANISATIONS and _territory(text, rules)[1] in ("country", "place"):
        found = False  # "China, a major importer of coal" is still the country
        if candidate.source == "rule:appositive":
            candidate.schema, candidate.type_score = "Place", 2
    if found:
        if schema is None:
            return None
        if not (candidate.schema == "Company" and candidate.type_score >= 5):
            # "X Ltd, a labour agency": the legal form says more than the description
            candidate.schema, candidate.type_score = schema, max(candidate.type_score, 4)
    elif candidate.type_score < 3 and (cue := _precue_schema(doc, candidate.start, rules)):
        candidate.schema, candidate.type_score = cue, 3
    if candidate.schema in ("Place", "Organization", "Person") and candidate.type_score < 3:
        code, kind = _territory(text, rules)
        if kind == "organisation":
            candidate.schema, candidate.type_score = "Organization", 3
        elif kind in ("country", "place"):
            candidate.schema, candidate.type_score = "Place", 3
            candidate.country, candidate.is_country = code, kind == "country"
    if candidate.schema == "Place" and not candidate.country and _owner_use(doc, candidate, rules):
        candidate.schema, candidate.type_score = "Company", 2
    if candidate.schema == "Person" and candidate.source == "model" and is_acronym(text):
        candidate.schema, candidate.type_score = "Organization", 2
    if candidate.schema == "Place":
        _shared_plural_head(doc, candidate, text, rules)
    return candidate


DEMONYM_ENDING = re.compile(r"(?:an|ese|ish|i)$")


def _demonym_plural(text: str, rules: EntityRules) -> bool:
    """ "North Koreans", "Malaysians": a nationality in the plural names people, no place."""
    words = text.split()
    if len(words) > 3 or not text.endswith("s") or _territory(text, rules)[1] != "unknown":
        return False
    singular = text[:-1]
    return DEMONYM_ENDING.search(singular) is not None and country_code(singular) is not None


_STATE_OF = re.compile(r"(?P<noun>\w+)\s+of\s+(?:the\s+)?(?P<country>.+)", re.IGNORECASE)
_COUNTRY_STATE = re.compile(r"(?P<country>.+?)(?:['’]s)?\s+(?P<noun>\w+)", re.IGNORECASE)


def _state_of_country(text: str, rules: EntityRules) -> tuple[int, int, str] | None:
    """(offset, length, country code) of the country in "Government of X" / "X's regime"."""
    for pattern in (_STATE_OF, _COUNTRY_STATE):
        match = pattern.fullmatch(text)
        if match is None or match.group("noun").casefold() not in rules.state_nouns:
            continue
        code, kind = _territory(match.group("country"), rules)
        if code is not None and kind == "country":
            return match.start("country"), len(match.group("country")), code
    return None


def _heading_place(doc: Doc, candidate: _Candidate, text: str, rules: EntityRules) -> str:
    """ "Russia and North Korea Ties" as a heading: the model glues a topic word onto the
    place; the known place at the start of the span is the name."""
    words = text.split()
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    if len(words) < 2 or span is None or not _is_heading_line(doc, span, rules):
        return text
    if _territory(text, rules)[1] != "unknown":
        return text
    for size in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:size])
        if _territory(prefix, rules)[1] in ("country", "place"):
            candidate.end = candidate.start + text.index(words[size - 1]) + len(words[size - 1])
            return _text(doc)[candidate.start : candidate.end]
    return text


def _shared_plural_head(doc: Doc, candidate: _Candidate, text: str, rules: EntityRules) -> None:
    """ "the Donetsk and Luhansk People's Republics": two places sharing one plural head;
    the second one's name has the head in the singular."""
    words = text.split()
    last = words[-1]
    before = _text(doc)[max(0, candidate.start - 40) : candidate.start]
    if len(words) < 2 or not last.endswith("s") or last[:-1].casefold() not in rules.place_heads:
        return
    if re.search(r"\b[A-Z]\w+\s+and\s+$", before):
        candidate.canonical = " ".join([*words[:-1], last[:-1]])


def _modifier_abbreviation(doc: Doc, candidate: _Candidate) -> bool:
    """ "U.S. officials", "U.S. and UN sanctions": a country's abbreviation used as an
    adjective (like "American") names no place."""
    text = _text(doc)[candidate.start : candidate.end]
    if candidate.schema != "Place" or not candidate.is_country or not is_acronym(text):
        return False
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ in ("compound", "nmod", "amod") and root.head.pos_ == "NOUN":
        return root.head.i > root.i and root.head.is_lower
    after = _tokens_after(doc, candidate.end)
    if len(after) < 3 or after[0].lower_ not in ("and", "or", "/"):
        return False
    index = 1
    while index < len(after) - 1 and after[index].text[:1].isupper():
        index += 1
    return index > 1 and after[index].pos_ == "NOUN" and after[index].is_lower


def _instrument_canonical(text: str, rules: EntityRules, source: str = "") -> str | None:
    if source.endswith(":more"):  # a further number after a match: "... 2375 and 2397"
        rule_id = source.split(":")[2]
        rule = next((rule for rule in rules.instruments if rule.id == rule_id), None)
        number = text.strip()
        return rule.canonical.format(number=number, name=number) if rule else None
    for rule in rules.instruments:
        match = rule.pattern.search(text)
        if match:
            return _canonical_from(rule.canonical, match)
    return None


_ACRONYM_IN_NAME = re.compile(r"\s*\([A-Z][A-Za-z]{1,9}\)")
_LEADING_ARTICLE = re.compile(r"^(?:The|A)\s+")


def _canonical_from(template: str, match: re.Match[str]) -> str:
    """The instrument's name from a rule's template: a numbered one ("Executive Order 13722")
    or a named statute without its acronym ("Otto Warmbier ... (BRINK) Act" -> "... Act")."""
    groups = match.groupdict()
    name = groups.get("name") or ""
    name = _LEADING_ARTICLE.sub("", _ACRONYM_IN_NAME.sub("", name)).strip()
    return " ".join(template.format(number=groups.get("number") or "", name=name).split())


def instrument_publisher(canonical: str, rules: EntityRules | None = None) -> str | None:
    """Who issues an instrument, from the rule that recognised its name."""
    for rule in (rules or load_entity_rules()).instruments:
        match = rule.pattern.search(canonical)
        if match and _canonical_from(rule.canonical, match) == canonical:
            return rule.publisher or None
    return None


def _is_junk(text: str, candidate: _Candidate, rules: EntityRules) -> bool:
    key = _normalise(text, rules)
    if candidate.schema == "LegalInstrument":
        return not key  # "2397" in "Resolutions 2375 and 2397" is an instrument
    if not key or key in rules.junk or not any(ch.isalpha() for ch in text):
        return True
    if key.split()[0] in rules.document_parts and candidate.schema != "LegalInstrument":
        return True
    if candidate.source == "model" and not (text[0].isupper() or text[0].isdigit()):
        return True
    if candidate.schema == "Person" and (any(ch.isdigit() for ch in text) or len(text) > 60):
        return True
    return len(text) > 150


def _names_instrument(text: str, candidate: _Candidate, rules: EntityRules) -> bool:
    """ "UN Security Council Resolutions", "North Korea Sanctions": the model's organisation
    that is really a reference to legal instruments."""
    if candidate.source.startswith("gazetteer") or candidate.schema not in ORGANISATIONS:
        return False
    words = text.split()
    return len(words) > 1 and words[-1].casefold() in rules.instrument_heads


def _heading_phrase(doc: Doc, candidate: _Candidate, rules: EntityRules) -> bool:
    """A title-case phrase the model (or an organisation head such as "Industries") guessed at
    in a heading ("Global Presence, Diverse Industries") or one starting with a gerund
    ("Exporting Workers"): not a name. Names found by lists or legal forms, and places, are
    kept, and so is a heading phrase the body repeats."""
    if candidate.source not in ("model", "rule:organisation-head") or candidate.schema == "Place":
        return False
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    if span is None:
        return False
    if span[0].tag_ == "VBG":
        return True
    if not _is_heading_line(doc, span, rules):
        return False
    # kept when the body repeats it; a page's title written twice (title and headline) is
    # still a heading, not the body
    text = _text(doc)
    return not any(
        not _heading_line_at(text, found.start(), found.end(), rules)
        for found in re.finditer(re.escape(span.text), text)
    )


def _is_heading_line(doc: Doc, span: Span, rules: EntityRules) -> bool:
    """The span's line is short, ends without sentence punctuation and is all title case."""
    return _heading_line_at(_text(doc), span.start_char, span.end_char, rules)


def _heading_line_at(text: str, span_start: int, span_end: int, rules: EntityRules) -> bool:
    start = text.rfind("\n", 0, span_start) + 1
    end = text.find("\n", span_end)
    line = text[start : end if end >= 0 else len(text)].strip()
    if line[:1] in LIST_BULLETS:
        return False  # a list item naming a party ("- Korea X Trading Co"), not a heading
    words = re.findall(r"[^\W\d_][\w’'-]*", line)
    if not words or len(words) > 14 or line[-1:] in '.!?:;"”':
        return False
    if words[0].casefold() in rules.byline_cues:
        return False  # "By Jane Doe and John Roe": names, not a heading
    content = [w for w in words if w.casefold() not in STOP_WORDS]
    return bool(content) and all(w[0].isupper() for w in content)


# ---------------------------------------------------------------- coreference


def _normalise(text: str, rules: EntityRules) -> str:
    words = [w.casefold() for w in WORD.findall(text.replace("’", "'"))]
    while words and (size := honorific_length(words, rules)):
        words = words[size:]
    return " ".join(words)


def _name_tokens(name: str, rules: EntityRules) -> list[str]:
    return _normalise(name, rules).replace("-", " ").split()


def _initials(name: str, rules: EntityRules) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    return "".join(w[0].upper() for w in words if w.casefold() not in rules.name_connectors)


class _Groups:
    """Union-find over mention indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, child: int, root: int) -> None:
        self.parent[self.find(child)] = self.find(root)

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for item in range(len(self.parent)):
            groups[self.find(item)].append(item)
        return groups


def _key(doc: Doc, candidate: _Candidate, rules: EntityRules) -> str:
    if candidate.schema == "LegalInstrument":
        return f"ins:{candidate.canonical}"
    if candidate.schema == "Place" and candidate.is_country:
        return f"country:{candidate.country}"
    return _normalise(_text(doc)[candidate.start : candidate.end], rules)


def _family(schema: str | None) -> str:
    return "org" if schema in ORGANISATIONS else str(schema)


def _singular(token: str) -> str:
    """Crude singular so that "Projects" and "Project" compare equal."""
    return (
        token[:-1] if len(token) > 3 and token.endswith("s") and not token.endswith("ss") else token
    )


def _distinctive(token: str, rules: EntityRules) -> bool:
    return (
        token not in rules.generic_name_words
        and token not in rules.organisation_heads
        and token not in rules.name_connectors
        and (token,) not in rules.legal_forms
        and len(token) > 2
    )


class _Resolver:
    """Joins mentions of one document into entities."""

    def __init__(self, doc: Doc, found: list[_Candidate], rules: EntityRules) -> None:
        self.doc = doc
        self.found = found
        self.rules = rules
        self.groups = _Groups(len(found))
        self.keys = [_key(doc, c, rules) for c in found]
        self._introduced: dict[int, int] | None = None

    def text(self, index: int) -> str:
        candidate = self.found[index]
        return _text(self.doc)[candidate.start : candidate.end]

    def resolve(self) -> dict[int, list[int]]:
        self._same_key()
        self._also_known_as()
        self._settle_schemata()
        self._acronyms()
        self._country_prefixed()
        self._authority_aliases()
        self._near_duplicate_people()
        self._place_suffixes()
        self._short_forms()
        self._head_word_short_forms()
        return self.groups.members()

    def _head_word_short_forms(self) -> None:
        """ "a Department 53 front company" after "Department 53 of the Ministry of ...": a
        lone organisation head word (with its number, if any) is short for the one longer name
        it starts or ends."""
        starting: dict[str, set[int]] = defaultdict(set)
        ending: dict[str, set[int]] = defaultdict(set)
        heads = self.rules.organisation_heads
        for target, full in self._long_names("org"):
            if full[0] in heads:
                starting[full[0]].add(self.groups.find(target))
                if len(full) > 2 and full[1].isdigit():  # "Department 53 of the Ministry"
                    starting[" ".join(full[:2])].add(self.groups.find(target))
            if full[-1] in heads:
                ending[full[-1]].add(self.groups.find(target))
        for index, candidate in enumerate(self.found):
            if _family(candidate.schema) != "org":
                continue
            tokens = _name_tokens(self.text(index), self.rules)
            numbered = len(tokens) == 2 and tokens[0] in heads and tokens[1].isdigit()
            if len(tokens) != 1 and not numbered:
                continue
            if not numbered and " " in self.text(index).strip():
                continue
            word = " ".join(tokens)
            roots = starting.get(word) or ending.get(word)  # the name it starts first
            if roots and len(roots) == 1 and self.groups.find(index) not in roots:
                self.groups.union(index, next(iter(roots)))

    def _same_key(self) -> None:
        first: dict[str, int] = {}
        for index, key in enumerate(self.keys):
            if key in first:
                self.groups.union(index, first[key])
            else:
                first[key] = index

    def _also_known_as(self) -> None:
        """ "Corman Construction Company, also known as Tong Bang": one entity, two names."""
        text = _text(self.doc)
        for index in range(1, len(self.found)):
            before, after = self.found[index - 1], self.found[index]
            if AKA.fullmatch(text, before.end, after.start):
                after.schema, after.type_score = before.schema, max(before.type_score, 3)
                self.groups.union(index, index - 1)

    def _settle_schemata(self) -> None:
        """All mentions of one surface form get the best-evidenced schema among them."""
        for members in self.groups.members().values():
            schema = _group_schema(self.found, members)
            for index in members:
                self.found[index].schema = schema

    def _long_names(self, family: str) -> list[tuple[int, list[str]]]:
        names = []
        for root, members in self.groups.members().items():
            if _family(self.found[root].schema) != family:
                continue
            best = max(members, key=lambda i: len(self.text(i)))
            tokens = _name_tokens(self.text(best), self.rules)
            if len(tokens) > 1:
                names.append((best, tokens))
        return names

    def _acronyms(self) -> None:
        """An acronym joins the name it follows in brackets (found once, by
        :func:`_bracketed_acronyms`), else an organisation whose initials it spells, else a
        statute's (:meth:`_instrument_acronym`)."""
        long_orgs = self._long_names("org")
        instruments = self._long_names("LegalInstrument")
        starts = {c.start: i for i, c in enumerate(self.found) if _family(c.schema) == "org"}
        for index, candidate in enumerate(self.found):
            text = self.text(index)
            if not is_acronym(text) or candidate.schema == "LegalInstrument":
                continue
            named = starts.get(candidate.abbreviates) if candidate.abbreviates is not None else None
            if named is not None:
                self._join_acronym(index, named)
                continue
            letters = text.replace(".", "").upper()
            for target, _tokens in long_orgs:
                if _abbreviates(letters, self.text(target), self.rules):
                    self._join_acronym(index, target)
                    break
            else:
                syllabic = self._syllabic_target(index, letters, long_orgs)
                if syllabic is not None:
                    self._join_acronym(index, syllabic)
                else:
                    self._instrument_acronym(index, letters, instruments)

    def _syllabic_target(
        self, index: int, letters: str, long_orgs: list[tuple[int, list[str]]]
    ) -> int | None:
        """ "GENCO" for "General Corporation": an organisation's acronym built from the first
        letters of its significant words in order, when exactly one name on the page spells
        it so. An acronym that skips some of the words ("KOTRA" for "Korea
        Trade-Investment Promotion Agency") joins only a name it is written next to ("KOTRA,
        the Korea ..."): one that merely fits would join "NASA" to "National Savings Bank"."""
        if _family(self.found[index].schema) != "org" or len(letters) < 4:
            return None
        roots = {
            self.groups.find(target): target
            for target, _tokens in long_orgs
            if _word_prefixes(letters, self.text(target), self.rules, every_word=True)
            or (
                _word_prefixes(letters, self.text(target), self.rules)
                and self._stated_together(index, target)
            )
        }
        return next(iter(roots.values())) if len(roots) == 1 else None

    def _stated_together(self, index: int, target: int) -> bool:
        """Some mention of the acronym and some of the name stand side by side on the page,
        with only punctuation, an article or "also known as" between them."""
        members = self.groups.members()
        text = _text(self.doc)
        short = [self.found[i] for i in members[self.groups.find(index)]]
        long = [self.found[i] for i in members[self.groups.find(target)]]
        for one, other in itertools.product(short, long):
            first, second = (one, other) if one.start < other.start else (other, one)
            if first.end > second.start or second.start - first.end > 40:
                continue
            if PAIR_GAP.fullmatch(text, first.end, second.start) or AKA.fullmatch(
                text, first.end, second.start
            ):
                return True
        return False

    def _join_acronym(self, index: int, target: int) -> None:
        self.groups.union(index, target)
        self.found[index].schema = self.found[target].schema

    def _instrument_acronym(
        self, index: int, letters: str, instruments: list[tuple[int, list[str]]]
    ) -> None:
        """ "NKSPEA" after "North Korea Sanctions and Policy Enhancement Act of 2016": the
        statute's initials (without connectors and its year) make the acronym its alias."""
        for target, _tokens in instruments:
            words = [w for w in self.text(target).split() if w[:1].isalpha()]
            if len(letters) > 2 and _initials(" ".join(words), self.rules) == letters:
                self.groups.union(index, target)
                for member in self.groups.members()[self.groups.find(target)]:
                    self.found[member].schema = "LegalInstrument"
                    self.found[member].canonical = self.found[target].canonical
                return

    def _country_prefixed(self) -> None:
        """ "Department of the Treasury" after "U.S. Department of the Treasury": a name that is
        a longer organisation name without its leading country is that organisation."""
        orgs = self._long_names("org")
        for index, candidate in enumerate(self.found):
            if _family(candidate.schema) != "org":
                continue
            short = self.text(index).split()
            key = _normalise(" ".join(short), self.rules)
            for target, _tokens in orgs:
                words = self.text(target).split()
                if len(words) <= len(short) or self.groups.find(target) == self.groups.find(index):
                    continue
                tail = _normalise(" ".join(words[len(words) - len(short) :]), self.rules)
                prefix = " ".join(words[: len(words) - len(short)])
                if tail == key and _territory(prefix, self.rules)[1] == "country":
                    self.groups.union(index, target)
                    break
        self._object_of_head()

    def _authority_aliases(self) -> None:
        """ "Treasury" and "U.S. Treasury Department" on one page: the names a well-known
        authority goes by (``entity_typing.yaml``) are one organisation."""
        typing = load_typing_rules()
        groups = typing.authorities
        first: dict[int, int] = {}
        countries: set[str] | None = None
        for index, candidate in enumerate(self.found):
            if _family(candidate.schema) != "org":
                continue
            key = authority_key(self.text(index))
            group = groups.get(key)
            if group is None and key in typing.bare_authorities:
                countries = self._page_countries() if countries is None else countries
                options = typing.bare_authorities[key]
                group = next((g for code, g in options if code in countries), None)
            if group is None:
                continue
            if group in first:
                self.groups.union(index, first[group])
            else:
                first[group] = index

    def _page_countries(self) -> set[str]:
        """Countries the page is about: its places, the model's places ("U.S. officials"
        too, which names no place of its own) and country words leading organisation names
        ("U.S. Treasury Department", "UK Treasury")."""
        codes = {c.country for c in self.found if c.schema == "Place" and c.country}
        for ent in self.doc.ents:
            if ent.label_ in ("GPE", "LOC"):
                codes.add(_territory(ent.text, self.rules)[0] or "")
        for index, candidate in enumerate(self.found):
            first = self.text(index).split()[0] if self.text(index).split() else ""
            if _family(candidate.schema) == "org":
                codes.add(_territory(first, self.rules)[0] or "")
                codes.add(self.rules.country_aliases.get(first.casefold(), ""))
        return {code.casefold() for code in codes if code}

    def _object_of_head(self) -> None:
        """ "Treasury" after "U.S. Department of the Treasury": one capitalised word that ends
        exactly one longer organisation name after "of (the)" is that organisation."""
        orgs = self._long_names("org")
        for index, candidate in enumerate(self.found):
            words = self.text(index).split()
            if _family(candidate.schema) != "org" or len(words) != 1 or is_acronym(words[0]):
                continue
            word = words[0].casefold()
            targets = [
                target
                for target, tokens in orgs
                if tokens[-1] == word and len(tokens) > 2 and "of" in tokens[-3:-1]
            ]
            if len(targets) == 1 and self.groups.find(targets[0]) != self.groups.find(index):
                self.groups.union(index, targets[0])

    def _near_duplicate_people(self) -> None:
        """ "Thomas Grove" and "Thomas Groves": same given names, surname one letter apart."""
        people = self._long_names("Person")
        for position, (first, tokens) in enumerate(people):
            for second, other in people[position + 1 :]:
                if len(tokens) != len(other) or tokens[:-1] != other[:-1]:
                    continue
                surname, other_surname = tokens[-1], other[-1]
                if min(len(surname), len(other_surname)) >= 5 and (
                    Levenshtein.distance(surname, other_surname) <= 1
                ):
                    self.groups.union(second, first)

    def _place_suffixes(self) -> None:
        """ "Sakhalin" and "Sakhalin Island", "Pyongyang" and "Pyongyang City"."""
        places = self._long_names("Place")
        for index, candidate in enumerate(self.found):
            if candidate.schema != "Place" or candidate.is_country:
                continue
            tokens = _name_tokens(self.text(index), self.rules)
            for target, full in places:
                extra = full[len(tokens) :]
                if (
                    full[: len(tokens)] == tokens
                    and extra
                    and all(word in self.rules.place_suffixes for word in extra)
                ):
                    self.groups.union(index, target)
                    break

    def _short_forms(self) -> None:
        people = self._long_names("Person")
        orgs = self._long_names("org")
        for index, candidate in enumerate(self.found):
            if candidate.schema == "LegalInstrument" or candidate.is_country:
                continue
            tokens = _name_tokens(self.text(index), self.rules)
            if not tokens:
                continue
            target = None
            if candidate.type_score < 3 or candidate.schema == "Person":
                target = self._nearest(index, self._person_targets(tokens, people))
            if target is None and not is_acronym(self.text(index)):
                # an acronym joins its expansion (initials), never a longer name it starts:
                # "U.N." is not "U.N. Security Council"
                target = self._first_introduced(index, self._org_targets(index, tokens, orgs))
            if target is not None and self.groups.find(target) != self.groups.find(index):
                self.groups.union(index, target)
                candidate.schema = self.found[target].schema
                candidate.type_score = max(candidate.type_score, self.found[target].type_score)
                candidate.source = "coref"

    def _person_targets(self, tokens: list[str], people: list[tuple[int, list[str]]]) -> list[int]:
        if len(tokens) > 2:
            return []
        matches = []
        for target, full in people:
            if len(full) <= len(tokens):
                continue
            if full[-len(tokens) :] == tokens or full[: len(tokens)] == tokens:
                matches.append(target)
        return matches

    def _org_targets(
        self, index: int, tokens: list[str], orgs: list[tuple[int, list[str]]]
    ) -> list[int]:
        if not any(_distinctive(token, self.rules) for token in tokens):
            return []
        is_place = self.found[index].schema == "Place"
        short = {_singular(token) for token in tokens}
        scored = []
        for target, full in orgs:
            long = [_singular(token) for token in full if token not in self.rules.name_connectors]
            if len(full) <= len(tokens) or not short <= set(long):
                continue
            if is_place and long[0] == _singular(tokens[0]):
                continue  # "Moscow" is not short for "Moscow Times"
            scored.append((len(short) / len(long), target))
        if not scored:
            return []
        best = max(score for score, _ in scored)
        return [target for score, target in scored if score == best]

    def _first_introduced(self, index: int, targets: list[int]) -> int | None:
        """For organisations: the name introduced first in the document, when several fit
        equally ("Mansudae" after "Mansudae Art Studio" and "a part of Mansudae called
        Mansudae Overseas Projects" is the studio); else the nearest."""
        roots = {self.groups.find(target) for target in targets}
        if len(roots) < 2:
            return self._nearest(index, targets)
        if self._introduced is None:  # once per document: the first start of every group
            self._introduced = {}
            for root, members in self.groups.members().items():
                self._introduced[root] = min(self.found[m].start for m in members)
        introduced = self._introduced
        start = self.found[index].start

        def first_start(target: int) -> int:
            return introduced.get(self.groups.find(target), self.found[target].start)

        earlier = [t for t in targets if first_start(t) < start]
        if earlier:
            return min(earlier, key=first_start)
        return self._nearest(index, targets)

    def _nearest(self, index: int, targets: list[int]) -> int | None:
        """The candidate name mentioned last before ``index`` (else first after it)."""
        if not targets:
            return None
        start = self.found[index].start
        before = [t for t in targets if self.found[t].start < start]
        if before:
            return max(before, key=lambda t: self.found[t].start)
        return min(targets, key=lambda t: self.found[t].start)


def _word_prefixes(acronym: str, name: str, rules: EntityRules, every_word: bool = False) -> bool:
    """Whether ``acronym`` is the beginnings of two or more of the name's words, in order
    ("KO-TR-A": Korea Trade-Investment Promotion Agency; "GEN-CO": General Corporation),
    starting with a letter or two of each word it takes; ``every_word``: of each of its
    words but connectors, none skipped."""
    words = [
        w.casefold()
        for w in re.split(r"[\s\-]+", name)
        if w and w.casefold() not in rules.name_connectors and w[:1].isalpha()
    ]
    wanted = acronym.casefold()

    def fits(position: int, word: int, chunks: int) -> bool:
        if position == len(wanted):
            return chunks >= 2 and (not every_word or word == len(words))
        for index in range(word, min(word + 1, len(words)) if every_word else len(words)):
            for size in (1, 2, 3):
                part = wanted[position : position + size]
                fitting = len(part) == size and words[index].startswith(part)
                if fitting and fits(position + size, index + 1, chunks + 1):
                    return True
        return False

    return fits(0, 0, 0)


def _abbreviates(acronym: str, name: str, rules: EntityRules, bracketed: bool = False) -> bool:
    """Whether ``acronym`` (letters only) is a short form of ``name``: its initials without
    connectors ("FBI"), or, for an acronym written in brackets right after the name, letters
    of the name in order from its first one ("Korea Mining Development ... (KOMID)")."""
    if _initials(name, rules) == acronym.upper():
        return True
    if not bracketed:
        return False
    words = name.split()
    if not words or words[0][:1].casefold() != acronym[:1].casefold():
        return False
    rest = iter(name.casefold())
    return all(letter in rest for letter in acronym.casefold())


def _canonical(resolver: _Resolver, members: list[int], rules: EntityRules) -> str:
    named = [resolver.found[index].canonical for index in members]
    if any(named):
        return next(name for name in named if name)

    def weight(index: int) -> tuple[bool, bool, int, int]:
        text = _strip_honorific(resolver.text(index), rules)
        nickname = text.casefold() in rules.country_aliases  # "Hermit Kingdom"
        return (not nickname, not text.isupper(), len(text.split()), len(text))

    best = max(members, key=weight)
    text = _strip_honorific(resolver.text(best), rules).replace("[", "").replace("]", "")
    return " ".join(text.split())


def _strip_honorific(text: str, rules: EntityRules) -> str:
    words = text.split()
    while (size := honorific_length(words, rules)) and len(words) > size:
        words = words[size:]
    return " ".join(words)


def make_entity_id(document_id: str, schema: str, canonical: str) -> str:
    """Document-local, deterministic id with a readable prefix (``per-``, ``com-``, ...)."""
    digest = hashlib.sha1(f"{document_id}|{schema}|{canonical.casefold()}".encode()).hexdigest()
    return f"{ID_PREFIX.get(schema, 'ent')}-{digest[:20]}"


# ---------------------------------------------------------------- public API


def find_mentions(doc: Doc, context: DocumentContext) -> list[Mention]:
    """Typed, coreferenced mentions of named things in ``doc`` (offsets in the cleaned text)."""
    with _cached_text(doc):
        mentions = _find_mentions(doc, context)
        return retype_mentions(doc, mentions, partial(make_entity_id, context.document_id))


def _find_mentions(doc: Doc, context: DocumentContext) -> list[Mention]:
    rules = load_entity_rules()
    found = []
    for candidate in _select(_candidates(doc, rules)):
        if candidate.source == "rule:title":
            continue  # a portfolio inside a title ("... for Terrorism and Financial ...")
        typed = _type(doc, candidate, rules)
        text = _text(doc)[candidate.start : candidate.end]
        if typed is None or not typed.schema or _is_junk(text, typed, rules):
            continue
        if _names_instrument(text, typed, rules) or _heading_phrase(doc, typed, rules):
            continue
        if _modifier_abbreviation(doc, typed):
            continue
        found.append(typed)
    _type_from_evidence(doc, found, rules, load_typing_rules())
    acronyms = _bracketed_acronyms(_text(doc), found, rules)
    found = sorted([*found, *acronyms], key=lambda c: c.start)
    found = _with_repeats(_text(doc), found)
    resolver = _Resolver(doc, found, rules)
    mentions: list[Mention] = []
    for members in resolver.resolve().values():
        members.sort(key=lambda i: found[i].start)
        schema = _group_schema(found, members)
        canonical = _canonical(resolver, members, rules)
        entity_id = make_entity_id(context.document_id, schema, canonical)
        for index in members:
            mentions.append(_mention(doc, found[index], schema, entity_id, canonical))
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


def _type_from_evidence(
    doc: Doc, found: list[_Candidate], rules: EntityRules, typing: TypingRules
) -> None:
    """A name the model only guessed at is a company when the text treats it as one: the
    subject of a business verb ("X hired ..."), the owner of a business noun ("X's
    employees"), or the subject a later "The company ..." continues."""
    antecedents = anaphora_antecedents(doc, typing)
    for candidate in found:
        if not _guessed(candidate, rules, _text(doc)):
            continue
        start, end = candidate.start, candidate.end
        body = candidate.schema != "Person" or _implausible_person(_text(doc)[start:end], rules)
        place = candidate.schema == "Place"  # a town exports coal and has workers; it hires none
        business = body and business_subject(doc, start, end, typing, employer_only=place)
        anaphora = body and any(token in antecedents for token in subject_tokens(doc, start, end))
        owner = not place and owns_business_noun(doc, start, end, typing)
        if business or anaphora or owner:
            # weaker than a head word: "Mansudae" stays with "Mansudae Art Studio"
            candidate.schema, candidate.type_score = "Company", 2


def _bracketed_acronyms(text: str, found: list[_Candidate], rules: EntityRules) -> list[_Candidate]:
    """ "Korea Mining Development Trading Corporation (KOMID)": the acronym in brackets after
    an organisation's name is a mention of it, even where the model skipped it. The one place
    that decides it: the acronym's candidate records the name it abbreviates, and the resolver
    joins the two."""
    taken = {c.start: c for c in found}
    added = []
    for candidate in found:
        if _family(candidate.schema) != "org":
            continue
        match = BRACKETED_ACRONYM.match(text, candidate.end)
        if match is None or not is_acronym(match.group(1)):
            continue
        name = text[candidate.start : candidate.end]
        if not _abbreviates(match.group(1), name, rules, bracketed=True):
            continue
        written = taken.get(match.start(1))
        if written is not None:
            if written.end == match.end(1):
                written.abbreviates = candidate.start
            continue
        acronym = replace(candidate, start=match.start(1), end=match.end(1), source="rule:acronym")
        acronym.abbreviates = candidate.start
        added.append(acronym)
    return added


def _guessed(candidate: _Candidate, rules: EntityRules, text: str) -> bool:
    """Typed by the model alone: an organisation, a place in no known country, or a one-word
    "person" that is no Korean family name."""
    if candidate.type_score >= 3 or candidate.source != "model":
        return False
    name = text[candidate.start : candidate.end]
    if candidate.schema == "Organization":
        return _territory(name, rules)[1] == "unknown"
    if candidate.schema == "Place":
        return not candidate.country and _territory(name, rules)[1] == "unknown"
    if candidate.schema == "Person":
        one_word = " " not in name.strip() and name not in rules.korean_family_names
        return one_word or _implausible_person(name, rules)
    return False


def _implausible_person(name: str, rules: EntityRules) -> bool:
    """A "person" the model found whose name holds a generic name word or a country ("Korea
    Haegum", "Pyongyang Kumsan"): people are not named so, firms are."""
    words = name.split()
    return len(words) > 1 and any(
        word.casefold() in rules.generic_name_words or _territory(word, rules)[1] != "unknown"
        for word in words
    )


REPEATED_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "Person"})
WORD_START = re.compile(r"(?<![\w-])\w")


def _with_repeats(text: str, found: list[_Candidate]) -> list[_Candidate]:
    """A name of several words found once is the same name wherever else it is written: the
    model misses it in some sentences ("China Silver Star is nominally ...", where it tags
    only "China"). A place inside the repeat gives way to it. One pass over the text's word
    starts (``found`` holds non-overlapping spans), so a 5 MB document stays linear."""
    names: dict[str, _Candidate] = {}
    for candidate in found:
        name = text[candidate.start : candidate.end]
        if candidate.schema in REPEATED_SCHEMATA and len(name.split()) > 1 and len(name) > 5:
            names.setdefault(name, candidate)
    if not names:
        return found
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for name in sorted(names, key=len, reverse=True):
        by_prefix[name[:4]].append(name)
    ordered = sorted(found, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    ends = [c.end for c in ordered]
    dropped: set[int] = set()
    added: list[_Candidate] = []
    covered_until = 0
    for word in WORD_START.finditer(text):
        start = word.start()
        if start < covered_until:
            continue
        for name in by_prefix.get(text[start : start + 4], ()):
            end = start + len(name)
            if not text.startswith(name, start) or text[end : end + 1].isalnum():
                continue
            first, last = bisect_left(ends, start + 1), bisect_left(starts, end)
            inside = range(first, last)
            blocked = any(
                ordered[k].schema != "Place" or ordered[k].start < start or ordered[k].end > end
                for k in inside
            )
            if not blocked:
                dropped.update(inside)
                added.append(replace(names[name], start=start, end=end, source="coref"))
                covered_until = end
            break
    kept = [c for k, c in enumerate(ordered) if k not in dropped]
    return sorted([*kept, *added], key=lambda c: c.start)


def _group_schema(found: list[_Candidate], members: list[int]) -> str:
    """The schema with the strongest evidence (a legal form beats the model), then the most
    mentions (the model's majority vote)."""
    best: dict[str, tuple[int, int]] = {}
    for index in members:
        schema = str(found[index].schema)
        strongest, count = best.get(schema, (0, 0))
        best[schema] = (max(strongest, found[index].type_score), count + 1)
    return max(best, key=lambda schema: best[schema])


def _mention(
    doc: Doc, candidate: _Candidate, schema: str, entity_id: str, canonical: str
) -> Mention:
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    sentence = span.sent if span is not None and doc.has_annotation("SENT_START") else None
    family = candidate.source.split(":", 1)[0]
    return Mention(
        start=candidate.start,
        end=candidate.end,
        text=_text(doc)[candidate.start : candidate.end],
        schema=schema,
        entity_id=entity_id,
        canonical=canonical,
        sentence_start=sentence.start_char if sentence is not None else candidate.start,
        sentence_end=sentence.end_char if sentence is not None else candidate.end,
        source=candidate.source,
        confidence=SOURCE_CONFIDENCE.get(family, 0.9),
    )


# ---------------------------------------------------------------- roles


def find_roles(doc: Doc, mentions: Iterable[Mention]) -> list[Role]:
    """Roles and titles stated next to people's names ("senior fellow at ...")."""
    with _cached_text(doc):
        return _find_roles(doc, mentions)


def _find_roles(doc: Doc, mentions: Iterable[Mention]) -> list[Role]:
    rules = load_entity_rules()
    roles = []
    for mention in mentions:
        if mention.schema != "Person":
            continue
        for found in (_role_after(doc, mention, rules), _role_before(doc, mention, rules)):
            if found is not None:
                start, end = found
                roles.append(Role(mention, start, end, " ".join(_text(doc)[start:end].split())))
    return roles


def _role_after(doc: Doc, mention: Mention, rules: EntityRules) -> tuple[int, int] | None:
    end = min(len(_text(doc)), mention.end + 300)
    span = doc.char_span(mention.end, end, alignment_mode="expand")
    if span is None or len(span) < 3:
        return None
    tokens = list(span)
    if tokens[0].text != "," and tokens[0].lower_ not in COPULAS:
        return None
    body = tokens[1:]
    if body and body[0].lower_ in APPOSITIVE_DETERMINERS:
        body = body[1:]
    phrase = []
    for token in body[:16]:
        if token.lower_ in ROLE_STOPS or token.text in '“”"«»' or token.is_space:
            break
        phrase.append(token)
    if not phrase or not any(t.lower_ in rules.role_nouns for t in phrase[:5]):
        return None
    if phrase[0].pos_ in ("VERB", "AUX", "PRON", "NUM"):
        return None
    return phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)


def _role_before(doc: Doc, mention: Mention, rules: EntityRules) -> tuple[int, int] | None:
    span = doc.char_span(max(0, mention.start - 200), mention.start, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    phrase: list[Token] = []
    role_seen = False
    for token in reversed(list(span)):
        if token.idx >= mention.start:
            continue
        allowed = token.pos_ in ("PROPN", "NOUN", "ADJ") or token.lower_ in ("of", "to", "for")
        # a portfolio before the name ("... of the Treasury for Terrorism and Financial
        # Intelligence John Roe") is read up to its title word
        allowed = allowed or (not role_seen and token.lower_ in rules.role_portfolio_words)
        # "Under Secretary", "Vice Minister": a capitalised prefix of the title word
        prefix = token.text[:1].isupper() and token.lower_ in rules.role_prefixes
        allowed = allowed or (role_seen and prefix)
        if not allowed or token.is_punct or token.is_space or len(phrase) >= 12:
            break
        phrase.append(token)
        role_seen = role_seen or token.lower_ in rules.role_nouns
    phrase.reverse()
    while phrase and (
        phrase[0].lower_ in ("of", "to", "for") or phrase[0].lower_ in rules.role_portfolio_words
    ):
        phrase = phrase[1:]
    if not phrase or not any(t.lower_ in rules.role_nouns for t in phrase):
        return None
    return phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)


# ---------------------------------------------------------------- statements


def _sentence(context: DocumentContext, start: int, end: int, focus: int) -> str:
    if end - start > MAX_SENTENCE_CHARS:
        start = max(start, focus - MAX_SENTENCE_CHARS // 2)
        end = min(end, start + MAX_SENTENCE_CHARS)
    return " ".join(context.clean_text[start:end].split())


def entity_statements(
    context: DocumentContext,
    mentions: Sequence[Mention],
    roles: Sequence[Role] = (),
    version: str | None = None,
) -> list[Statement]:
    """Statements for the mentions: names (one per mention, with its span), aliases, country,
    instrument publisher and people's positions; spans in the ORIGINAL text."""
    rules = load_entity_rules()
    version = version or extractor_version(rules)
    out: list[Statement] = []
    seen_props: set[tuple[str, str, str]] = set()

    def emit(mention: Mention, prop: str, value: str, start: int, end: int, **extra: str) -> None:
        schema = STORED_AS.get(mention.schema, mention.schema)
        orig_start, orig_end = context.offsets.span_to_original(start, end)
        out.append(
            Statement(
                entity_id=mention.entity_id,
                schema=schema,
                prop=prop,
                value=value,
                dataset=DATASET,
                origin=ORIGIN,
                origin_version=version,
                document_id=context.document_id,
                start=orig_start,
                end=orig_end,
                sentence=_sentence(context, mention.sentence_start, mention.sentence_end, start),
                original_value=extra.get("original"),
                confidence=mention.confidence,
            )
        )

    def once(mention: Mention, prop: str, value: str) -> None:
        key = (mention.entity_id, prop, value.casefold())
        if key not in seen_props:
            seen_props.add(key)
            emit(mention, prop, value, mention.start, mention.end)

    for mention in mentions:
        prop = "full" if mention.schema == "Place" else "name"
        original = mention.text if mention.text != mention.canonical else None
        emit(mention, prop, mention.canonical, mention.start, mention.end, original=original or "")
        if mention.schema in ORGANISATIONS and original and len(mention.text) > 1:
            alias = " ".join(mention.text.split())
            if _normalise(alias, rules) != _normalise(mention.canonical, rules):
                once(mention, "alias", alias)
        if mention.schema == "Place":
            code = _country(mention.canonical)
            if code:
                once(mention, "country", code)
        if mention.schema == "LegalInstrument":
            once(mention, "title", mention.canonical)
            publisher = instrument_publisher(mention.canonical, rules)
            if publisher:
                once(mention, "publisher", publisher)
    for role in roles:
        key = (role.mention.entity_id, "position", role.text.casefold())
        if key not in seen_props:
            seen_props.add(key)
            emit(role.mention, "position", role.text, role.start, role.end)
    return [replace(s, original_value=s.original_value or None) for s in out]
