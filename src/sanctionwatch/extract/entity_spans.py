"""Span corrections: what real pages put inside a candidate name that is not part of it.

The model and the name rules find a span; on pages they were not written on that span often
carries a title ("Treasury Secretary Jane Roe"), a time ("Treasury Department on Thursday"), a
caption credit ("... shipyard Credit: AFP"), a country's or agency's possessive ("AP's
Pyongyang") or a headline adjective ("New Treasury"). :func:`split_span` cuts a span into the
names it holds, each with the schema the cut implies; the words it reads are data
(``data/extract/entity_spans.yaml``), so an analyst fixes a new pattern by editing that file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from followthemoney import registry

from sanctionwatch.extract.rulefile import read_rule_file
from sanctionwatch.extract.rules import (
    SCHEMATA,
    EntityRules,
    RulesError,
    honorific_length,
    legal_form_key,
    name_head,
)
from sanctionwatch.settings import DATA_DIR

SPAN_RULES_PATH = DATA_DIR / "extract" / "entity_spans.yaml"
WORDS = re.compile(r"\S+")
POSSESSIVE_INSIDE = re.compile(r"['’]s\s+")
STRIP = ".,;:!?\"“”'‘’()"
CREDIT_LINE = re.compile(r"\b([A-Z][a-z]+)\s*:[ \t]*([A-Z][\w.&/ -]{0,38}?)[ \t]*$", re.M)

Territory = Callable[[str], str]


@lru_cache(maxsize=4096)
def country_code(word: str) -> str | None:
    """ISO code of a nationality adjective ("Russian" -> ru), else None (cached: the
    registry's lookup costs tens of milliseconds and few words come up)."""
    code = registry.country.clean(word)
    return str(code) if code else None


"""Kind of place a name is: ``country``, ``place``, ``organisation`` or ``unknown``."""


@dataclass(frozen=True, slots=True)
class SpanRules:
    """The words :func:`split_span` reads, lower-cased."""

    version: str
    title_words: frozenset[str]
    time_words: frozenset[str]
    time_prepositions: frozenset[str]
    credit_cues: frozenset[str]
    headline_words: frozenset[str]
    family_modifier_nouns: frozenset[str]
    comma_cues: dict[str, str]
    national_body_heads: frozenset[str] = frozenset()
    lower_case_heads: frozenset[str] = frozenset()
    portfolio_connectors: frozenset[str] = frozenset()
    editorial_markers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Piece:
    """One name cut out of a span; ``schema`` None keeps the span's, ``score`` is the type
    evidence the cut gives (0: none)."""

    start: int
    end: int
    schema: str | None = None
    score: int = 0
    title: bool = False
    """Part of a title, not a name: the span only keeps other candidates off it."""


def _words(path: Path, data: dict[str, Any], key: str) -> frozenset[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RulesError(f"{path}: '{key}' must be a list of strings")
    return frozenset(item.casefold() for item in value)


def parse_span_rules(path: Path, data: Any) -> SpanRules:
    """Validate the parsed YAML of a span rules file."""
    if not isinstance(data, dict) or "version" not in data:
        raise RulesError(f"{path}: expected a mapping with a 'version' key")
    cues = data.get("comma_cues")
    if not isinstance(cues, dict):
        raise RulesError(f"{path}: 'comma_cues' must map a noun to a schema")
    for noun, schema in cues.items():
        if schema not in SCHEMATA:
            raise RulesError(f"{path}: comma_cues.{noun}: unknown schema {schema!r}")
    return SpanRules(
        version=str(data["version"]),
        title_words=_words(path, data, "title_words"),
        time_words=_words(path, data, "time_words"),
        time_prepositions=_words(path, data, "time_prepositions"),
        credit_cues=_words(path, data, "credit_cues"),
        headline_words=_words(path, data, "headline_words"),
        family_modifier_nouns=_words(path, data, "family_modifier_nouns"),
        comma_cues={str(noun).casefold(): str(schema) for noun, schema in cues.items()},
        national_body_heads=_words(path, data, "national_body_heads"),
        lower_case_heads=_words(path, data, "lower_case_heads"),
        portfolio_connectors=_words(path, data, "portfolio_connectors"),
        editorial_markers=_words(path, data, "editorial_markers"),
    )


def load_span_rules_file(path: Path) -> SpanRules:
    return parse_span_rules(path, read_rule_file(path, "span rules", RulesError))


@lru_cache(maxsize=1)
def load_span_rules() -> SpanRules:
    """The packaged span rules (read once per process)."""
    return load_span_rules_file(SPAN_RULES_PATH)


# ---------------------------------------------------------------- cuts


def _credit_cut(text: str, start: int, end: int, rules: SpanRules) -> tuple[int, int] | None:
    """(end of the name before, start of the credited agency) at "Credit:" inside a span."""
    for match in re.finditer(r"(?<=\s)([A-Za-z]+)\s*:\s*", text[start:end]):
        if match.group(1).casefold() in rules.credit_cues and match.group(1)[0].isupper():
            return start + match.start(), start + match.end()
    return None


def _drop_lower_tail(text: str, start: int, end: int) -> int:
    """ "Gdansk shipyard" -> "Gdansk": lower-case words do not end a name."""
    words = list(WORDS.finditer(text, start, end))
    while len(words) > 1 and words[-1].group()[:1].islower():
        words.pop()
    return words[-1].end() if words else end


def _time_cut(text: str, start: int, end: int, rules: SpanRules) -> int:
    """End of the name before a time phrase ("... Department on Thursday")."""
    words = list(WORDS.finditer(text, start, end))
    for index in range(1, len(words)):
        word = words[index].group().strip(STRIP).casefold()
        previous = words[index - 1].group().casefold()
        if word not in rules.time_words:
            continue
        if previous in rules.time_prepositions and index >= 2:
            return words[index - 2].end()
        return words[index - 1].end()
    return end


def _headline_cut(text: str, start: int, end: int, rules: SpanRules, heads: EntityRules) -> int:
    """Start of the name after a headline adjective ("New Treasury" -> "Treasury")."""
    words = list(WORDS.finditer(text, start, end))
    if len(words) != 2 or words[0].group().casefold() not in rules.headline_words:
        return start
    return words[1].start() if words[1].group().casefold() in heads.organisation_heads else start


INITIAL = re.compile(r"[A-Z]\.")


def _plain_name_word(word: str, heads: EntityRules, rules: SpanRules) -> bool:
    """A word that can be part of a person's name: capitalised, not a title, a connector, an
    organisation head, a legal form or a generic word ("State"); an initial ("K.") is one."""
    lower = word.casefold()
    if INITIAL.fullmatch(word):
        return True
    return (
        word[:1].isupper()
        and word.strip(STRIP) == word
        and lower not in rules.title_words
        and lower not in heads.name_connectors
        and lower not in heads.organisation_heads
        and lower not in heads.generic_name_words
        and (legal_form_key(word),) not in heads.legal_forms
    )


def _title_cut(text: str, start: int, end: int, rules: SpanRules, heads: EntityRules) -> int:
    """Start of the person's name after a capitalised title ("Treasury Secretary Jane Roe",
    "Minister of Labor Kim Chol Su"); ``start`` when the span has no title."""
    words = list(WORDS.finditer(text, start, end))
    titles = [
        i
        for i, w in enumerate(words)
        if w.group()[:1].isupper() and w.group().casefold() in rules.title_words
    ]
    if not titles:
        return start
    run = len(words)
    while run > 0 and _plain_name_word(words[run - 1].group(), heads, rules):
        run -= 1
    if run > 0 and words[run - 1].group().casefold() in heads.name_connectors:
        run += 1  # "Minister of Labor Kim ...": "Labor" belongs to the title
    if run <= titles[-1]:
        return start
    name = _name_in_run([w.group() for w in words[run:]], after_connector=False)
    return words[run + name].start() if name is not None else start


def _name_in_run(run: list[str], after_connector: bool) -> int | None:
    """Where a person's name starts in a run of capitalised words that ends a title (an
    index into ``run``), or None. A middle initial marks it ("... Intelligence Mark T.
    Ellison"); two to four words after a title are the name; a longer run, or one right after
    a portfolio's connector ("for Asian Affairs Jane Roe"), ends in a first and a last name."""
    initials = [i for i, word in enumerate(run) if INITIAL.fullmatch(word)]
    if initials and 0 < initials[-1] < len(run) - 1:
        return initials[-1] - 1
    if initials or len(run) < 2:
        return None
    if after_connector:
        return len(run) - 2 if len(run) >= 4 else None
    return 0 if len(run) <= 4 else len(run) - 2


TITLE_PHRASE = re.compile(
    r"\b(?P<title>[A-Z][a-z]+)\s+(?:of|to)\s+(?:the\s+)?"
    r"(?P<body>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})\s+(?P<connector>for|on)\s+"
    r"(?P<rest>[A-Z][\w’'.-]*(?:\s+(?:and|&|of|the|[A-Z][\w’'.-]*))*)"
)


def title_phrases(text: str, rules: SpanRules, heads: EntityRules) -> list[Piece]:
    """ "Under Secretary of the Treasury for Terrorism and Financial Intelligence Mark T.
    Ellison": the authority after "TITLE of the" (an organisation only when an organisation
    head names a body: "Treasury"; a portfolio such as "Labour" or "State" is part of the
    title), the portfolio after "for"/"on" (part of the title, no name), and the person holding
    the title, if the phrase ends in one."""
    pieces: list[Piece] = []
    for match in TITLE_PHRASE.finditer(text):
        title = match.group("title").casefold()
        if (
            title not in rules.title_words
            or match.group("connector") not in rules.portfolio_connectors
        ):
            continue
        if _names_a_body(match.group("body"), heads):
            pieces.append(Piece(match.start("body"), match.end("body"), "Organization", 3))
        else:
            pieces.append(Piece(match.start("body"), match.end("body"), title=True))
        words = list(WORDS.finditer(text, match.start("rest"), match.end("rest")))
        run = len(words)
        while run > 0 and _plain_name_word(words[run - 1].group().rstrip(".,"), heads, rules):
            run -= 1
        connector = run > 0 and words[run - 1].group().casefold() in heads.name_connectors
        holder = [w.group() for w in words[run:]]
        name = _name_in_run(holder, after_connector=connector or run == 0)
        family = _korean_family_start(holder, heads)
        if name is not None and family is not None and family < name:
            name = family  # "... for Migration Affairs Kim Chol Su": three words of a name
        portfolio_end = words[run + name].start() if name is not None else match.end("rest")
        pieces.append(Piece(match.start("rest"), portfolio_end, title=True))
        if name is not None:
            pieces.append(Piece(words[run + name].start(), match.end("rest"), "Person", 3))
    return pieces


def _korean_family_start(run: list[str], heads: EntityRules) -> int | None:
    """Index of a Korean family name followed by given-name words in a run, if any."""
    for index, word in enumerate(run[:-1]):
        if word in heads.korean_family_names and index >= len(run) - 3:
            return index
    return None


def _names_a_body(words: str, heads: EntityRules) -> bool:
    """ "Treasury", "Foreign Ministry": a name headed by an organisation word of a state body;
    "Labour", "State", "Fisheries" after "Minister of" are the office's portfolio."""
    return name_head(words.split(), heads) == "Organization"


def is_acronym(text: str, longest: int = 6) -> bool:
    """Two to ``longest`` capital letters, dots allowed ("KCNA", "U.N.", "KOMID")."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= longest and letters.isalpha() and letters.isupper()


def _possessive_cut(
    text: str, start: int, end: int, territory: Territory, schema: str | None
) -> tuple[Piece, Piece] | None:
    """ "AP's Pyongyang", "North Korea's Military Security Command": an agency's or a
    country's possessive before another name makes two names."""
    match = POSSESSIVE_INSIDE.search(text, start, end)
    if match is None or match.start() == start:
        return None
    owner = text[start : match.start()]
    acronym = is_acronym(owner, longest=5)  # an agency's short name: "AP's", "KCNA's"
    kind = territory(owner)
    if not acronym and kind not in ("country", "place"):
        return None
    owned = text[match.end() : end]
    owned_place = territory(owned) in ("country", "place")
    if not owned_place and schema != "Place":
        return None  # "VOA's Korea Service" is one service's name
    owner_schema = "Organization" if acronym and kind == "unknown" else "Place"
    owned_schema = "Place" if territory(owned) in ("country", "place") else schema
    if owned_schema == "Place" and territory(owned) not in ("country", "place"):
        owned_schema = "Organization"  # the model called it a place for the country in it
    return (
        Piece(start, match.start(), owner_schema, 3),
        Piece(match.end(), end, owned_schema, 2),
    )


KOREAN_WESTERN = r"[A-Z][a-z]+-[A-Za-z][a-z]+\s+(?:{families})"


def western_korean_name(name: str, heads: EntityRules) -> bool:
    """ "Hyung-Jin Kim": a hyphenated given name before a Korean family name."""
    return _western_korean(heads.korean_family_names).fullmatch(name) is not None


@lru_cache(maxsize=8)
def _western_korean(families: tuple[str, ...]) -> re.Pattern[str]:
    """The pattern for one list of family names, compiled once (it is asked for every span)."""
    alternatives = "|".join(re.escape(family) for family in families)
    return re.compile(KOREAN_WESTERN.format(families=alternatives))


def split_span(
    text: str,
    start: int,
    end: int,
    rules: SpanRules,
    heads: EntityRules,
    territory: Territory,
    schema: str | None = None,
) -> list[Piece] | None:
    """The names inside ``text[start:end]``; None when the span is one name as it is."""
    pieces: list[Piece] = []
    cut = _credit_cut(text, start, end, rules)
    new_start, new_end = start, end
    if cut is not None:
        new_end = _drop_lower_tail(text, start, cut[0])
        if cut[1] < end:
            pieces.append(Piece(cut[1], end, "Organization", 3))
    new_end = _time_cut(text, new_start, new_end, rules)
    new_start = _headline_cut(text, new_start, new_end, rules, heads)
    titled = _title_cut(text, new_start, new_end, rules, heads)
    possessive = _possessive_cut(text, new_start, new_end, territory, schema)
    if titled != new_start:
        pieces.append(Piece(titled, new_end, "Person", 3))
    elif possessive is not None:
        pieces.extend(possessive)
    elif western_korean_name(text[new_start:new_end], heads):
        pieces.append(Piece(new_start, new_end, "Person", 3))
    elif (new_start, new_end) != (start, end) and new_end > new_start:
        pieces.append(Piece(new_start, new_end))
    if not pieces and (new_start, new_end) == (start, end):
        return None
    return pieces


LOWER_HEAD = re.compile(r"[ \t]+([a-z]+)\b(?:[ \t]+([A-Za-z-]+))?")


def lower_case_head_end(
    text: str, start: int, end: int, rules: SpanRules, heads: EntityRules
) -> int:
    """End of "X Y Functions division" when the span is "X Y Functions": a lower-case head
    noun after a name of several words belongs to it, unless the name already ends in a head
    ("Foreign Ministry department") or a role noun follows ("the X Y bureau chief")."""
    words = text[start:end].split()
    if len(words) < 2 or words[-1].casefold() in heads.organisation_heads:
        return end
    match = LOWER_HEAD.match(text, end)
    if match is None or match.group(1) not in rules.lower_case_heads:
        return end
    if match.group(2) and match.group(2).casefold() in heads.role_nouns:
        return end
    return match.end(1)


def lower_tail_end(text: str, start: int, end: int, rules: SpanRules) -> int:
    """ "Bernama news agency" -> "Bernama": lower-case words after an organisation's name
    describe it (docs/annotation.md: "news agency" describes, the name already names it);
    a lower-case head of ``lower_case_heads`` stays ("... Functions division")."""
    words = list(WORDS.finditer(text, start, end))
    while len(words) > 1 and words[-1].group().islower():
        if words[-1].group() in rules.lower_case_heads:
            break
        words.pop()
    return words[-1].end() if words else end


def credit_names(text: str, rules: SpanRules) -> list[Piece]:
    """Agencies credited on a caption line ("Credit: AFP", "Photo: Reuters")."""
    found = []
    for match in CREDIT_LINE.finditer(text):
        if match.group(1).casefold() in rules.credit_cues:
            found.append(Piece(match.start(2), match.end(2), "Organization", 3))
    return found


def family_modifier(text: str, start: int, end: int, rules: SpanRules, heads: EntityRules) -> bool:
    """ "the Kim regime": a lone family name before a noun it modifies."""
    name = text[start:end]
    if name not in heads.korean_family_names:
        return False
    after = re.match(r"['’]?s?\s+([a-z]+)", text[end : end + 30])
    return after is not None and after.group(1) in rules.family_modifier_nouns


def comma_cue(text: str, start: int, rules: SpanRules) -> str | None:
    """ "its sister company, X": the schema the noun before the comma gives X."""
    match = re.search(r"\b([a-z]+)\s*,\s*$", text[max(0, start - 40) : start])
    return rules.comma_cues.get(match.group(1)) if match is not None else None


DEMONYM_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+(?:an|ese|ish|ic|i))\s+$")


def national_prefix(text: str, start: int, end: int, rules: SpanRules) -> int:
    """Start of "Russian Foreign Ministry" when the span is "Foreign Ministry": a nationality
    adjective right before the name of a state body belongs to the name."""
    name = text[start:end].casefold()
    if not any(name.endswith(head) for head in rules.national_body_heads):
        return start
    match = DEMONYM_BEFORE.search(text, max(0, start - 20), start)
    if match is None or country_code(match.group(1)) is None:
        return start
    return match.start(1)


# ---------------------------------------------------------------- edges of names on real pages

HONORIFIC_TAIL = re.compile(r"[ \t]+([A-Z][\w'’-]*)")
DESCRIPTOR_AFTER = re.compile(r"[ \t]+([a-z]+)(?:[ \t]+([a-z]+))?\b")
GLUED_WORDS = re.compile(r"([A-Z][a-z]+)([A-Z][a-z]{2,}\w*)")
POSTAL_CODE = re.compile(r"\d{5,}")
HEADER_SIGNS = re.compile(r"\sThe\b|[A-Z]{3}|\d{5}")
MAX_HONORIFIC_TAIL = 4
POSSESSIVE_END = re.compile(r"['’]s?$")


def honorific_name_end(
    text: str, start: int, end: int, heads: EntityRules, territory: Territory
) -> int:
    """End of "Datuk Seri Wan Junaidi Tuanku Jaafar" when the model's person span is "Datuk
    Seri Wan": a name written after an honorific runs on over the capitalised words after it
    (the model often splits such names in two), up to a known place ("... Yassin Malaysia's
    former premier")."""
    words = text[start:end].split()
    size = honorific_length(words, heads)
    if not size:
        return end
    cursor, added = end, 0
    while added < MAX_HONORIFIC_TAIL and (match := HONORIFIC_TAIL.match(text, cursor)):
        word = match.group(1)
        if word.casefold() in heads.name_connectors:
            break
        if territory(POSSESSIVE_END.sub("", word)) in ("country", "place"):
            break
        cursor, added = match.end(), added + 1
    return cursor


def descriptor_end(
    text: str, start: int, end: int, heads: EntityRules, territory: Territory
) -> tuple[int, str] | None:
    """(end, schema) of "Tumen river", "North Hamgyong province", "Selantik coal mine": a
    lower-case class noun of ``descriptor_nouns`` right after a name belongs to it (see
    docs/annotation.md, span boundaries). A country takes none ("the China region"), a
    generic suffix ("province", "region") only joins a name the places list does not know
    (the bare name already names it), and a company noun only joins a name that is no known
    place."""
    match = DESCRIPTOR_AFTER.match(text, end)
    if match is None:
        return None
    choices = []
    if match.group(2):
        choices.append((f"{match.group(1)} {match.group(2)}", match.end(2)))
    choices.append((match.group(1), match.end(1)))
    choices = [(noun, noun_end) for noun, noun_end in choices if noun in heads.descriptor_nouns]
    if not choices:
        return None
    kind = territory(text[start:end])
    if kind == "country":
        return None
    known = kind != "unknown"
    for noun, noun_end in choices:
        schema = heads.descriptor_nouns[noun]
        if schema != "Place" and known:
            continue
        if known and noun in heads.place_suffixes:
            return None  # "Jilin province", "the Donbass region": the name names it already
        return noun_end, schema
    return None


LOWER_LEAD = re.compile(r"(?:[a-z]+\s+)+")


def country_pair(text: str, start: int, end: int, territory: Territory) -> list[Piece] | None:
    """ "Oman-North Korea trade", "the China-North Korea border": two places joined by a
    hyphen as a modifier are two places, not one (an article the span took in stays out)."""
    lead = LOWER_LEAD.match(text, start, end)
    start = lead.end() if lead else start
    name = text[start:end]
    for hyphen in re.finditer(r"-", name):
        left, right = name[: hyphen.start()], name[hyphen.end() :]
        if territory(left) in ("country", "place") and territory(right) in ("country", "place"):
            return [
                Piece(start, start + hyphen.start(), "Place", 3),
                Piece(start + hyphen.end(), end, "Place", 3),
            ]
    return None


def glued_place_end(text: str, start: int, end: int, territory: Territory) -> int:
    """End of "Russia" in "RussiaOpens": a link's text glued to the word before it by a page's
    markup; the known place is the name, the glued word is not."""
    match = GLUED_WORDS.fullmatch(text, start, end)
    if match is None or territory(text[start:end]) != "unknown":
        return end
    return match.end(1) if territory(match.group(1)) in ("country", "place") else end


def _all_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _cased(word: str) -> bool:
    """A word whose case says something: letters, not a short all-caps abbreviation."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and (len(letters) >= 3 or not word.isupper())


def _heading_in_capitals(run: list[re.Match[str]], heads: EntityRules) -> bool:
    """Whether the words in capitals that ``run`` starts with are a heading ("BUREAU OF MINES",
    "HOMELAND SECURITY DEPARTMENT"): three words, or two joined by a connector in capitals;
    two acronyms ("OFAC SDN List", "the DPRK KOMID office") are part of one name."""
    words = 0
    joined = False
    for item in run:  # short words in capitals ("OF") go with the run
        if any(c.islower() for c in item.group()):
            break
        words += _all_caps(item.group())
        joined = joined or item.group().casefold() in heads.name_connectors
    return words >= 3 or (words >= 2 and joined)


def header_pieces(
    text: str, start: int, end: int, heads: EntityRules, territory: Territory
) -> list[tuple[int, int]] | None:
    """The names inside a span that runs over a letterhead or a heading the cleaner joined
    into one line ("DEPARTMENT OF THE TREASURY DEPARTMENT OF STATE WASHINGTON", "... SECURITY
    North Korea Sanctions", "North Korea The U.S. Department of State"): cut before a
    capitalised "The", where all-capitals words meet mixed-case ones, around a postal code,
    before an all-capitals organisation head that opens a second name ("DEPARTMENT OF"), and
    before a known place that ends an all-capitals name. None when the span is one name."""
    if not HEADER_SIGNS.search(text, start, end):
        return None  # no capital "The", no word in capitals, no postal code: one name
    words = list(WORDS.finditer(text, start, end))
    cuts: set[int] = set()
    for index in range(1, len(words)):
        word, previous = words[index].group(), words[index - 1].group()
        if word == "The" and previous.casefold() not in heads.name_connectors:
            cuts.add(index)  # "Department 53 of The Ministry ..." stays one name
        if _cased(word) and _cased(previous) and _all_caps(word) != _all_caps(previous):
            caps = words[index - 1 :: -1] if _all_caps(previous) else words[index:]
            if _heading_in_capitals(caps, heads):
                cuts.add(index)
        if POSTAL_CODE.fullmatch(previous.strip(STRIP)):
            cuts.add(index)
        opens = index + 1 < len(words) and words[index + 1].group() == "OF"
        if _all_caps(word) and word.casefold() in heads.organisation_heads and opens:
            cuts.add(index)
        if index == len(words) - 1 and _all_caps(word) and _all_caps(previous):
            headed = any(w.group().casefold() in heads.organisation_heads for w in words[:index])
            if headed and territory(word.strip(STRIP)) in ("country", "place"):
                cuts.add(index)  # "DEPARTMENT OF STATE WASHINGTON", not "NORTH KOREA"
    if not cuts:
        return None
    bounds = [0, *sorted(cuts), len(words)]
    pieces = []
    for left, right in itertools.pairwise(bounds):
        piece = words[left:right]
        if piece and not POSTAL_CODE.fullmatch(piece[-1].group().strip(STRIP)):
            pieces.append((piece[0].start(), piece[-1].end()))
        elif len(piece) > 1:
            pieces.append((piece[0].start(), piece[-2].end()))
    return pieces


CREDIT_PART = r"[A-Z0-9][\w.&'’-]*(?:[ ][A-Z][\w.&'’-]*){0,3}"
SLASH_CREDIT = re.compile(rf"(?<![\w/])({CREDIT_PART}(?:/{CREDIT_PART})+)[)\]]?[ \t]*$", re.M)
BRACKET_CREDIT = re.compile(  # capitalised words ("Adobe Stock", "123rf", "iStock") only
    r"(?:^|(?<=[.!?])[ \t]?)[(\["
    r"]((?:[A-Z0-9]|[a-z]+[A-Z])[\w.&'’-]*(?:[ ][A-Z0-9&][\w.&'’-]*){0,3})[)\]][ \t]*$",
    re.M,
)
PHOTO_BY = re.compile(
    r"\b(?:[Pp]hoto|PHOTO|[Ii]mage|[Pp]icture)s?\s+(?:by|courtesy\s+of)\s+"
    rf"({CREDIT_PART})[ \t]*$",
    re.M,
)
DATELINE_AGENCY = re.compile(  # a line's city (and date) first: "SEOUL, May 2 (UPI) --"
    r"^[ \t]*[A-Z][\w.'’-]*(?:[ \t][A-Z][\w.'’-]*){0,2}(?:,[^\n(),]{1,20})?"
    r"[ \t]+\(([A-Z][A-Za-z]{1,10})\)[ \t]*(?:--|—|–)",
    re.M,
)


def caption_credits(
    text: str, known: frozenset[str], markers: frozenset[str] = frozenset()
) -> list[Piece]:
    """Who a caption credits, written at the end of its line: "(Jane Roe/AFP)", "JANE
    ROE/AFP/GETTY IMAGES" (the photographer, then agencies), a bracketed credit after the
    caption's last sentence or alone on its line ("... sign.(123rf)", "[Adobe Stock]": a
    picture agency unless it is a known news organisation), "Photo by X" ending a caption,
    and the agency of a dateline ("SEOUL, May 2 (UPI) --"). A bracket that opens with an
    editorial marker (``markers``: "[Updated]", "(Corrected May 3)") credits no one."""
    found: list[Piece] = []
    for match in SLASH_CREDIT.finditer(text):
        cursor = match.start(1)
        parts = match.group(1).split("/")
        first = parts[0].split()
        if len(first) > 1 and _all_caps(first[-1]) and not parts[0].isupper():
            # "... occupied Ukraine ARIS MESSINIS/AFP": the capitals start the credit
            words = parts[0].split()
            capitals = len(words)
            while capitals > 0 and words[capitals - 1].isupper():
                capitals -= 1
            kept = " ".join(words[capitals:])
            cursor += len(parts[0]) - len(kept)
            parts[0] = kept
        for index, part in enumerate(parts):
            if not part:
                cursor += 1
                continue
            words = len(part.split())
            person = index == 0 and 2 <= words <= 3 and part not in known
            schema = "Person" if person else "Organization"
            found.append(Piece(cursor, cursor + len(part), schema, 3))
            cursor += len(part) + 1
    for match in BRACKET_CREDIT.finditer(text):
        name = match.group(1).strip()
        if name.split()[0].casefold() in markers:
            continue
        schema = "Organization" if name in known else "Company"
        found.append(Piece(match.start(1), match.start(1) + len(name), schema, 3))
    for match in PHOTO_BY.finditer(text):  # "File Photo by Rodong Sinmun"
        name = match.group(1)
        schema = "Organization" if name in known or len(name.split()) == 1 else "Person"
        found.append(Piece(match.start(1), match.end(1), schema, 3))
    for match in DATELINE_AGENCY.finditer(text):
        found.append(Piece(match.start(1), match.end(1), "Organization", 3))
    return found
