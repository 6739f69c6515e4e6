"""Names to comparable forms: case, scripts, diacritics, punctuation, tokens, legal forms.

``prepare_name`` does all the work a name needs once, so that comparing two prepared names is
cheap: lower case; Cyrillic and Hangul written in Latin letters (tables in ``data/screen``);
diacritics and apostrophes dropped (*Chŏng* → *chong*, *O'Neil* → *oneil*); every other punctuation
mark, hyphen included, splits tokens (*Jong-un* → *jong un*); letters and digits are split apart
(*Tongsan2* → *tongsan 2*); legal forms at either end of an organisation's name are taken off and
kept separately as canonical forms. Tokens carry their Korean syllable split and phonetic key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from sanctionwatch.screen.data import (
    LegalForms,
    load_cyrillic,
    load_latin_variants,
    load_legal_forms,
)
from sanctionwatch.screen.korean import Syllables, hangul_translation, segment

MAX_NAME_CHARS: Final = 400
"""Longer strings are not names (list names top out near 300 characters)."""

PERSON_SCHEMATA: Final = frozenset({"Person"})
_COMBINING: Final = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES: Final = re.compile(r"[\u0027\u2018\u2019\u02bc\u02bb\u0060\u00b4\u02b9]")
_SEPARATORS: Final = re.compile(r"[\W_]+")
_PATRONYMIC: Final = re.compile(r"(ov|ev)i?(c|ch|na)$|(ov|ev|ic|in)(ic|ich|na)$")
_LETTER_DIGIT: Final = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


class InvalidNameError(ValueError):
    """A string that cannot be screened as a name (empty, too long, no letters or digits)."""


@dataclass(slots=True, unsafe_hash=True)
class Token:
    """One name part with what comparisons need precomputed (treat as immutable: tokens are
    shared by every name that contains them; not frozen because frozen instances are three
    times slower to create)."""

    text: str
    folded: str
    syllables: Syllables | None
    phonetic: str
    is_number: bool
    patronymic: bool


@dataclass(slots=True, unsafe_hash=True)
class NameForm:
    """A prepared name: tokens without legal forms, the forms, numbers, joined strings (treat
    as immutable; shared through the cache of :func:`prepare_name`)."""

    original: str
    tokens: tuple[Token, ...]
    legal_forms: frozenset[str]
    numbers: frozenset[str]
    joined: str
    sorted_joined: str
    syllables: tuple[Syllables, ...] | None
    """Korean syllables per token, when every token splits into romanised syllables."""

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(token.text for token in self.tokens)


@cache
def _script_table() -> dict[int, str]:
    table = dict(load_cyrillic().table)
    table.update(hangul_translation())
    table.update({ord("&"): " and ", ord("ß"): "ss", ord("æ"): "ae", ord("ø"): "o", ord("ł"): "l"})
    table.update({ord("đ"): "d", ord("ı"): "i", ord("œ"): "oe", ord("þ"): "th"})
    return table


@cache
def _ascii_table() -> dict[int, str]:
    """ASCII letters and digits lower-cased, apostrophes dropped, anything else a space."""
    table = {}
    for code in range(128):
        char = chr(code)
        if char.isalnum():
            table[code] = char.lower()
        elif _APOSTROPHES.fullmatch(char):
            table[code] = ""
        else:
            table[code] = " "
    table[ord("&")] = " and "
    return table


_DIGIT: Final = re.compile(r"\d")
_LOWER: Final[Callable[[str], str]] = str.lower
"""Python's own ``str.lower``, called as an object: compiled code (mypyc) would otherwise
lower case letter by letter and miss context rules such as the Greek final sigma (ΤΗΣ → της)."""


def normalized_parts(text: str) -> list[str]:
    """The tokens of :func:`normalize_text` (lower-case Latin letters or digits)."""
    if text.isascii():
        text = text.translate(_ascii_table())
    else:
        text = _LOWER(unicodedata.normalize("NFC", text)).translate(_script_table())
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        text = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", text))
    if _DIGIT.search(text) is not None:
        text = _LETTER_DIGIT.sub(" ", text)
    return text.split()


def normalize_text(text: str) -> str:
    """Lower-case Latin letters and digits separated by single spaces (may be empty)."""
    return " ".join(normalized_parts(text))


_TOKENS: Final[dict[str, Token]] = {}


def make_token(text: str) -> Token:
    """The cached :class:`Token` for ``text`` (vocabularies are small, names are many)."""
    token = _TOKENS.get(text)
    if token is None:
        if len(_TOKENS) > 500_000:
            _TOKENS.clear()
        number = text.isdigit()
        folded = text if number else load_latin_variants().fold(text)
        phonetic = text if number else (jellyfish.metaphone(text) or text)
        patronymic = not number and _PATRONYMIC.search(folded) is not None
        syllables = None if number else segment(text)
        token = Token(text, folded, syllables, phonetic, number, patronymic)
        _TOKENS[text] = token
    return token


LEGAL_FORM_TYPO = 0.93
"""A long last token this close to a one-word legal form is that form misspelt (Corproation)."""
LEGAL_WORD_MIN = 5
"""Words of legal forms at least this long are recognised with one letter wrong, missing,
doubled or swapped (*Commpany*, *Liabilitty*, *Lmited*); shorter ones (*Co*, *OOO*) only
exactly."""
LONE_LEGAL_WORD_MIN = 7
"""A misspelt word makes a legal form on its own only if the form is this long (*Lmited*),
so that a brand one letter away from *Group* stays a brand."""


_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class _LegalWords:
    every: frozenset[str]
    """Every word of every spelling (a name whose end words are none of these has no form)."""
    words: frozenset[str]
    by_length: dict[int, tuple[str, ...]]
    collapsed: dict[str, str]
    """Short words with letter runs written once (``ooo`` → ``o``, ``llc`` → ``lc``)."""


@cache
def _legal_words() -> _LegalWords:
    spellings = load_legal_forms().spellings
    every = {w for key in spellings for w in key}
    words = frozenset(w for w in every if len(w) >= LEGAL_WORD_MIN)
    by_length: dict[int, list[str]] = {}
    for word in sorted(words):
        by_length.setdefault(len(word), []).append(word)
    collapsed: dict[str, str] = {}
    aliases = load_legal_forms().aliases
    for word in sorted(every | set(aliases), key=lambda w: (len(w), w)):
        if len(word) > 1:
            collapsed.setdefault(_REPEATS.sub(r"\1", word), aliases.get(word, word))
    return _LegalWords(
        frozenset(every), words, {n: tuple(group) for n, group in by_length.items()}, collapsed
    )


def _doubled_only(token: str, word: str) -> bool:
    """``token`` is ``word`` (or its abbreviation) with a letter typed once too often or too
    few (*Innc*, *Oo*)."""
    return _legal_words().collapsed.get(_REPEATS.sub(r"\1", token)) == word


@cache
def _long_legal_words() -> dict[str, str]:
    spellings = load_legal_forms().spellings
    return {key[0]: value for key, value in spellings.items() if len(key) == 1 and len(key[0]) >= 7}


@lru_cache(maxsize=1 << 16)
def _misspelt_legal_form(token: str) -> str | None:
    """The one-word legal form a long last token misspells (*Corproation*), or None (cached
    like :func:`legal_word`: company names end in few distinct words)."""
    if len(token) < 7:
        return None
    words = _long_legal_words()
    found = process.extractOne(
        token, words.keys(), scorer=JaroWinkler.normalized_similarity, score_cutoff=LEGAL_FORM_TYPO
    )
    return words[found[0]] if found else None


@lru_cache(maxsize=1 << 16)
def legal_word(token: str) -> str | None:
    """The legal-form word ``token`` is, allowing one typo in words of 5+ letters and a letter
    doubled or left single in shorter ones (*Innc*, *Oo*), or None."""
    table = _legal_words()
    if token in table.words:
        return token
    size = len(token)
    if size < LEGAL_WORD_MIN:
        return table.collapsed.get(_REPEATS.sub(r"\1", token)) if size > 1 else None
    for length in (size - 1, size, size + 1):
        for word in table.by_length.get(length, ()):
            if OSA.distance(token, word, score_cutoff=1) <= 1:
                return word
    return None


def _form_at(span: list[str], fixed: list[str], legal: LegalForms) -> str | None:
    """The legal form ``span`` spells exactly, or with typos in words (``fixed``) if at least
    one word is exact or the one word is long."""
    form = legal.spellings.get(tuple(span))
    if form is not None or fixed == span:
        return form
    form = legal.spellings.get(tuple(fixed))
    if form is None:
        return None
    if any(a == b for a, b in zip(fixed, span, strict=True)):
        return form
    if len(fixed[0]) >= LONE_LEGAL_WORD_MIN or _doubled_only(span[0], fixed[0]):
        return form
    return None


def split_legal_forms(parts: list[str]) -> tuple[list[str], set[str]]:
    """Take legal forms off both ends of ``parts``; keep at least one part.

    Abbreviated words inside a form count as the full word ("Open Joint Stock Co." is "open
    joint stock company"), per ``token_aliases`` in ``legal_forms.yaml``; words of forms with
    one typo count too (*Joint Stock Commpany*). The longest form at either end goes first.
    """
    legal = load_legal_forms()
    parts = [legal.aliases.get(part, part) for part in parts]
    forms: set[str] = set()
    if len(parts) > 1 and tuple(parts[-1:]) not in legal.spellings:
        misspelt = _misspelt_legal_form(parts[-1])
        if misspelt is not None:
            forms.add(misspelt)
            parts = parts[:-1]
    every = _legal_words().every
    changed = True
    while changed and len(parts) > 1:
        changed = False
        if (legal_word(parts[0]) or parts[0]) not in every and (
            legal_word(parts[-1]) or parts[-1]
        ) not in every:
            break  # neither end is a legal-form word: the common case, decided from two words
        fixed = [legal_word(part) or part for part in parts]
        for size in range(min(legal.longest, len(parts) - 1), 0, -1):
            form = _form_at(parts[-size:], fixed[-size:], legal)
            if form is not None:
                parts = parts[:-size]
            else:
                form = _form_at(parts[:size], fixed[:size], legal)
                if form is None:
                    continue
                parts = parts[size:]
            forms.add(form)
            changed = True
            break
    return parts, forms


def join_letters(parts: list[str]) -> list[str]:
    """Join runs of single letters in organisation names ("S.r.l." → srl, "B.V." → bv)."""
    if min(map(len, parts)) > 1:
        return parts
    joined: list[str] = []
    run = ""
    for part in parts:
        if len(part) == 1 and part.isalpha():
            run += part
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(part)
    if run:
        joined.append(run)
    return joined


def check_name(name: str) -> None:
    """Raise :class:`InvalidNameError` for strings that cannot be a name."""
    if not name or name.isspace():
        raise InvalidNameError("the name is empty")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidNameError(
            f"the name is {len(name)} characters long; names are at most {MAX_NAME_CHARS}"
        )


_FORMS: Final[dict[tuple[str, bool], NameForm]] = {}
_NO_STRINGS: Final[frozenset[str]] = frozenset()


def prepare_name(name: str, schema: str = "Thing") -> NameForm:
    """Prepare ``name`` once for any number of comparisons (cached)."""
    organisation = schema not in PERSON_SCHEMATA
    key = (name, organisation)
    form = _FORMS.get(key)
    if form is not None:
        return form
    check_name(name)
    parts = normalized_parts(name)
    if not parts:
        raise InvalidNameError(f"the name {name[:40]!r} has no letters or digits")
    legal_forms = _NO_STRINGS
    if organisation:
        parts, forms = split_legal_forms(join_letters(parts))
        legal_forms = frozenset(forms) if forms else _NO_STRINGS
    known = _TOKENS.get
    tokens = tuple([known(part) or make_token(part) for part in parts])
    groups = tuple([token.syllables for token in tokens])
    joined = "".join(parts)
    numbers = _NO_STRINGS
    if not joined.isalpha():
        numbers = frozenset([t.text for t in tokens if t.is_number])
    form = NameForm(
        name,
        tokens,
        legal_forms,
        numbers,
        joined,
        "".join(sorted(parts)),
        None if None in groups else groups,  # type: ignore[arg-type]
    )
    if len(_FORMS) > 200_000:
        _FORMS.clear()
    _FORMS[key] = form
    return form


def clear_caches() -> None:
    """Forget prepared names, tokens and legal-form word lookups (benchmarks measure cold
    preparation with this)."""
    _FORMS.clear()
    _TOKENS.clear()
    legal_word.cache_clear()
    _misspelt_legal_form.cache_clear()


def clear_name_cache() -> None:
    """Forget prepared names but keep the token vocabulary (the cold benchmark calls this
    after every pair, so that no name is ever prepared from the cache)."""
    _FORMS.clear()
