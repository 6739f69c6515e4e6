"""Matching features: small named functions, each returning evidence in [0, 1].

Name features read a :class:`NamePair` (two prepared names plus their token alignment, computed
once and shared); evidence features read :class:`Evidence` (birth dates, countries, identifiers
of whole entities). Each function's docstring says what it is evidence *for*; the weights that
turn features into a score live in ``data/screen/weights.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from rapidfuzz.distance import Indel, JaroWinkler

from sanctionwatch.screen.data import load_latin_variants
from sanctionwatch.screen.korean import Syllables, equivalent, segment
from sanctionwatch.screen.normalize import NameForm, Token, make_token

MATCHED_TOKEN: Final = 0.8
"""Aligned tokens at least this similar count as the same name part."""


PATRONYMIC_PENALTY: Final = 0.6
"""A given name is not a patronymic: Ivan is not Ivanovich."""
PATRONYMIC_SUFFIX: Final = 3
"""A patronymic is at least this many letters longer than the name it is formed from; tokens
of similar length that differ only in whether they look like one are transliterations of one
surname (Petrovic / Petrovik), not a name and a patronymic."""
SYLLABLE_PENALTY: Final = 0.7
"""Korean name parts that cannot be the same Hangul differ (Jung vs Un, Jongun vs Jong)."""
MERGE_SIMILARITY: Final = 0.9
"""Adjacent tokens whose concatenation is this close to a token of the other name are merged."""
EXACT_SPELLING: Final = 1.0
"""The shorter name's tokens are merged only when they spell the other token exactly."""
MERGE_HINT: Final = 0.6
"""Cheap pre-check before a concatenation is prepared as a token and compared properly."""

_SIMILARITY: Final[dict[tuple[str, str, bool], float]] = {}


_JOINED_SYLLABLES: Final[dict[str, Syllables | None]] = {}
_JOINED_FOLDED: Final[dict[str, str]] = {}
"""Korean syllables and folded spelling of concatenated tokens tested by :func:`merge_runs`
(the same concatenations recur across the pairs of one name)."""


def clear_similarity_cache() -> None:
    _SIMILARITY.clear()
    _JOINED_SYLLABLES.clear()
    _JOINED_FOLDED.clear()


def _joined_syllables(text: str) -> Syllables | None:
    if text in _JOINED_SYLLABLES:
        return _JOINED_SYLLABLES[text]
    if len(_JOINED_SYLLABLES) > 200_000:
        _JOINED_SYLLABLES.clear()
    syllables = _JOINED_SYLLABLES[text] = segment(text)
    return syllables


def _joined_folded(text: str) -> str:
    folded = _JOINED_FOLDED.get(text)
    if folded is None:
        if len(_JOINED_FOLDED) > 200_000:
            _JOINED_FOLDED.clear()
        folded = _JOINED_FOLDED[text] = load_latin_variants().fold(text)
    return folded


def _korean_parts_differ(left: Token, right: Token) -> bool:
    """Korean name parts that are not equivalent: one syllable each (Jung vs Un), or a
    different number of syllables (Jongun vs Jong, Boga vs Bong) unless one letter was left
    out or typed twice (Aleksei / Aleksi split differently only by accident)."""
    if left.syllables is None or right.syllables is None:
        return False
    if len(left.syllables) == 1 == len(right.syllables):
        return True
    if len(left.syllables) == len(right.syllables):
        return False
    return Indel.distance(left.text, right.text, score_cutoff=1) > 1


DROPPED_LETTER: Final = 0.85
"""Similarity of a token with no vowel to the word it is with one letter put back (*Km*/*Kim*,
*D*/*De*, *F*/*Of*): a typo, since no name part is spelt without a vowel."""
_VOWELS: Final = frozenset("aeiouy")


def _letter_dropped(left: str, right: str) -> bool:
    short, long = (left, right) if len(left) < len(right) else (right, left)
    if len(long) != len(short) + 1 or not _VOWELS.isdisjoint(short):
        return False
    return Indel.distance(short, long, score_cutoff=1) == 1


def token_similarity(left: Token, right: Token, korean: bool = True) -> float:
    """How alike two name parts are: 1 for equal or romanisation-equivalent, else Jaro-Winkler.

    Numbers only match themselves; a one-letter token (an initial) matches any word of three or
    more letters with that first letter at 0.9; a token without vowels matches the word it is
    with one letter put back at 0.85; tokens equal once transliteration variants and doubled
    letters are folded (Yuliaa/Yulia, Wjatscheslaw/Vyacheslav) score 0.97. ``korean``
    says both names read as Korean throughout: only then do parts that split into different
    Korean syllables count as different (Aleksi and Aleksei also split into syllables).
    """
    if left.text == right.text:
        return 1.0
    key = (left.text, right.text, korean)
    cached = _SIMILARITY.get(key)
    if cached is None:
        cached = _remember(key, _similarity(left, right, korean))
    return cached


def _remember(key: tuple[str, str, bool], value: float) -> float:
    if len(_SIMILARITY) > 1_000_000:
        _SIMILARITY.clear()
    _SIMILARITY[key] = value
    return value


_JARO_WINKLER: Final = JaroWinkler.normalized_similarity
_INDEL: Final = Indel.normalized_similarity
"""The token similarity is the mean of Jaro-Winkler (forgiving of typos) and Indel (strict
about length and order)."""


def _similarity(left: Token, right: Token, korean: bool) -> float:
    """:func:`token_similarity` of two different tokens, not cached."""
    if left.is_number or right.is_number:
        return 0.0
    a, b = left.text, right.text
    syllables = left.syllables
    if syllables and right.syllables and equivalent(syllables, right.syllables):
        return 1.0
    size_a, size_b = len(a), len(b)
    if size_a == 1 or size_b == 1:
        if a[0] == b[0] and max(size_a, size_b) > 2:
            return 0.9
        return DROPPED_LETTER if _letter_dropped(a, b) else 0.0
    folded_a, folded_b = left.folded, right.folded
    if folded_a == folded_b:
        return 0.97
    value = (_JARO_WINKLER(a, b) + _INDEL(a, b)) / 2
    if folded_a != a or folded_b != b:
        value = max(value, (_JARO_WINKLER(folded_a, folded_b) + _INDEL(folded_a, folded_b)) / 2)
    difference = abs(size_a - size_b)
    if difference >= PATRONYMIC_SUFFIX and left.patronymic != right.patronymic:
        value *= PATRONYMIC_PENALTY
    if korean and _korean_parts_differ(left, right):
        value *= SYLLABLE_PENALTY
    if difference == 1 and value < DROPPED_LETTER and _letter_dropped(a, b):
        value = DROPPED_LETTER
    return value


@dataclass(slots=True)
class Alignment:
    """Best one-to-one pairing of the shorter name's tokens with the longer name's."""

    pairs: list[tuple[Token, Token, float]]
    short: tuple[Token, ...]
    long: tuple[Token, ...]


def _spells(joined: Token, target: Token) -> bool:
    """Does a concatenation of tokens spell ``target`` (exactly, in Korean, or with a typo)?"""
    if joined.syllables and target.syllables and equivalent(joined.syllables, target.syllables):
        return True
    return Indel.normalized_similarity(joined.folded, target.folded) >= MERGE_SIMILARITY


def _text_spells(text: str, targets: list[Token], tolerance: float = MERGE_SIMILARITY) -> bool:
    """:func:`_spells` for ``make_token(text)`` and any of ``targets``, computing only the
    parts of that token the test reads (most concatenations are rejected, and preparing
    each as a token would cost more than the test)."""
    number = text.isdigit()
    syllables: Syllables | None = None
    segmented = number
    folded: str | None = None
    for target in targets:
        if target.syllables:
            if not segmented:
                syllables, segmented = _joined_syllables(text), True
            if syllables and equivalent(syllables, target.syllables):
                return True
        if folded is None:
            folded = text if number else _joined_folded(text)
        if _INDEL(folded, target.folded) >= tolerance:
            return True
    return False


def merge_runs(
    long: tuple[Token, ...], short: tuple[Token, ...], tolerance: float = MERGE_SIMILARITY
) -> tuple[Token, ...]:
    """Join adjacent tokens of ``long`` that spell one token of ``short`` ("Jong Un"/"Jongun"),
    in Korean or folded with at least ``tolerance`` Indel similarity."""
    present = {token.text for token in long}
    targets = [t for t in short if not t.is_number and len(t.text) > 3 and t.text not in present]
    if not targets:
        return long
    texts = [token.text for token in long]
    size = len(long)
    merged: list[Token] = []
    index = 0
    while index < size:
        for span in (3, 2):
            if index + span > size:
                continue
            text = "".join(texts[index : index + span])
            near = [t for t in targets if _INDEL(text, t.text) >= MERGE_HINT]
            if near and _text_spells(text, near, tolerance):
                merged.append(make_token(text))
                index += span
                break
        else:
            merged.append(long[index])
            index += 1
    return tuple(merged)


def _may_join(short: tuple[Token, ...], long: tuple[Token, ...]) -> bool:
    """Cheap necessary test before :func:`merge_runs` on the shorter name: a longer word of the
    other name, not in the shorter one, starts as one of its words followed by another does
    (*ranyong* / *ran yong*; a joined spelling keeps its first letters, or, in Korean, a
    spelling of its first syllable: *liyong* / *ri yong*, *yichol* / *ri chol*, where the
    initial's romanisations Ri, Li, Yi, I and Rhee share no letters)."""
    last = len(short) - 1
    for token in long:
        text = token.text
        if len(text) <= 3 or token.is_number:
            continue
        head = text[:2]
        first = token.syllables[0] if token.syllables else None
        for index in range(last):
            word = short[index]
            if word.text == text:
                continue
            if word.text[:2] == head:
                return True
            if first is not None and word.syllables and not first.isdisjoint(word.syllables[0]):
                return True
    return False


def merged_tokens(
    left: tuple[Token, ...], right: tuple[Token, ...]
) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """(shorter, longer) token sequences, with adjacent tokens of either that spell one token
    of the other joined: the longer name's (*Jong Un* / *Jongun*, a typo allowed), then the
    shorter name's, which may be split where the longer one is joined and has a word more
    (*Ran-yong Chang* / *Susan Chang Ranyong*; spelt exactly or in Korean, so that an
    initial never joins the next word: *M. Stewwart* is not *Stewart*)."""
    short, long = (left, right) if len(left) <= len(right) else (right, left)
    if len(short) < len(long):
        long = merge_runs(long, short)
    if len(short) > 1 and _may_join(short, long):
        short = merge_runs(short, long, EXACT_SPELLING)
    return (short, long) if len(short) <= len(long) else (long, short)


def align(left: NameForm, right: NameForm) -> Alignment:
    """Greedy alignment by descending similarity (names have few tokens: near enough exact)."""
    short, long = merged_tokens(left.tokens, right.tokens)
    korean = left.syllables is not None and right.syllables is not None
    scored = [
        (token_similarity(a, b, korean), i, j)
        for i, a in enumerate(short)
        for j, b in enumerate(long)
    ]
    scored.sort(reverse=True)
    used_short: set[int] = set()
    used_long: set[int] = set()
    pairs: list[tuple[Token, Token, float]] = []
    for similarity, i, j in scored:
        if i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        pairs.append((short[i], long[j], similarity))
        if len(used_short) == len(short):
            break
    return Alignment(pairs, short, long)


@dataclass
class NamePair:
    """Two prepared names; the alignment is computed on first use and shared by features."""

    left: NameForm
    right: NameForm

    @cached_property
    def alignment(self) -> Alignment:
        return align(self.left, self.right)


NameFeature = Callable[[NamePair], float]
NAME_FEATURES: dict[str, NameFeature] = {}


def name_feature(function: NameFeature) -> NameFeature:
    """Register a name feature under its function name."""
    NAME_FEATURES[function.__name__] = function
    return function


@name_feature
def name_exact(pair: NamePair) -> float:
    """The same name once case, script, punctuation, spacing and token order are set aside."""
    left, right = pair.left, pair.right
    return float(left.joined == right.joined or left.sorted_joined == right.sorted_joined)


@name_feature
def name_joined_similarity(pair: NamePair) -> float:
    """Edit similarity of the names written without spaces (typos, "Jong Un" vs "Jongun").

    Names whose Korean syllables are all equivalent count as written alike (Myohyangsan and
    Mekhyansan are one spelling apart in Hangul, not five letters apart).
    """
    left, right = pair.left, pair.right
    in_order = Indel.normalized_similarity(left.joined, right.joined)
    if in_order < 1.0 and left.syllables and right.syllables:
        in_order = max(in_order, name_romanisation_equivalent(pair))
    if in_order == 1.0 or len(left.tokens) == 1 == len(right.tokens):
        return in_order
    return max(in_order, Indel.normalized_similarity(left.sorted_joined, right.sorted_joined))


@name_feature
def name_token_jaro(pair: NamePair) -> float:
    """Length-weighted similarity of aligned tokens; unpaired tokens count as 0 (order-free)."""
    alignment = pair.alignment
    total = sum(len(t.text) for t in alignment.short) + sum(len(t.text) for t in alignment.long)
    matched = sum((len(a.text) + len(b.text)) * sim for a, b, sim in alignment.pairs)
    return matched / total if total else 0.0


def _orders(groups: tuple[Syllables, ...]) -> list[list[frozenset[int]]]:
    """Syllables in written order, with the family name moved from the front or the back."""
    orders = [groups]
    if len(groups) > 1:
        orders += [groups[1:] + groups[:1], groups[-1:] + groups[:-1]]
    return [[piece for group in order for piece in group] for order in orders]


@name_feature
def name_romanisation_equivalent(pair: NamePair) -> float:
    """Share of Korean syllables, in order, that may be the same Hangul (jong/chong/jeong).

    The family name may stand first or last, but given-name syllables keep their order:
    *Ho Chun* and *Chun Ho* are different people.
    """
    left, right = pair.left.syllables, pair.right.syllables
    if not left or not right:
        return 0.0
    target = [piece for group in right for piece in group]
    best = 0
    for order in _orders(left):
        if len(order) == len(target):
            hits = sum(not a.isdisjoint(b) for a, b in zip(order, target, strict=True))
            best = max(best, hits)
    return best / len(target)


@name_feature
def syllable_order_mismatch(pair: NamePair) -> float:
    """Korean names with the same syllables in another given-name order (Hyang-hak, Hak-hyang):
    1 when every syllable has a partner but no allowed order lines them up."""
    left, right = pair.left.syllables, pair.right.syllables
    if not left or not right:
        return 0.0
    remaining = [piece for group in right for piece in group]
    size = len(remaining)
    if size != sum(len(group) for group in left):
        return 0.0
    matched = 0
    for piece in (piece for group in left for piece in group):
        for index, other in enumerate(remaining):
            if not piece.isdisjoint(other):
                matched += 1
                del remaining[index]
                break
    if matched < size:
        return 0.0
    return float(name_romanisation_equivalent(pair) < 1.0)


@name_feature
def tokens_all_matched(pair: NamePair) -> float:
    """Every token of the shorter name has a counterpart: a name with a part left out (no
    patronymic, no "Korea" prefix, no middle name) rather than a different name. A lone token
    against a longer name ("Smith" vs "John Smith") does not count."""
    alignment = pair.alignment
    if len(alignment.short) < 2 and len(alignment.long) > 1:
        return 0.0
    return float(all(sim >= MATCHED_TOKEN for _, _, sim in alignment.pairs))


@name_feature
def name_phonetic(pair: NamePair) -> float:
    """Share of the shorter name's tokens whose metaphone key occurs in the other name."""
    alignment = pair.alignment
    keys = {token.phonetic for token in alignment.long}
    hits = sum(token.phonetic in keys for token in alignment.short)
    return hits / len(alignment.short)


@name_feature
def token_mismatch(pair: NamePair) -> float:
    """Share of the shorter name's tokens with no counterpart: Kim Jong *Un* vs Kim Jong *Nam*.

    A differing given-name syllable or word is strong evidence of a different person even when
    every other token agrees.
    """
    alignment = pair.alignment
    misses = len(alignment.short) - sum(sim >= MATCHED_TOKEN for _, _, sim in alignment.pairs)
    return misses / len(alignment.short)


@name_feature
def extra_tokens(pair: NamePair) -> float:
    """Share of the longer name's tokens left unpaired (an added word, or a split token)."""
    alignment = pair.alignment
    matched = sum(sim >= MATCHED_TOKEN for _, _, sim in alignment.pairs)
    return (len(alignment.long) - matched) / len(alignment.long)


@name_feature
def number_mismatch(pair: NamePair) -> float:
    """Different numbers (vessel *Tong San 2* vs *Tong San 3*): 1; a number on one side: 0.5."""
    left, right = pair.left.numbers, pair.right.numbers
    if left and right:
        return 0.0 if left == right else 1.0
    return 0.5 if left or right else 0.0


@name_feature
def legal_form_mismatch(pair: NamePair) -> float:
    """Both names carry legal forms and they differ (an LLC and a JSC of one brand are siblings)."""
    left, right = pair.left.legal_forms, pair.right.legal_forms
    return float(bool(left and right and left.isdisjoint(right)))


@name_feature
def token_count_mismatch(pair: NamePair) -> float:
    """Relative difference in token counts (weak: spacing changes counts too)."""
    alignment = pair.alignment
    return (len(alignment.long) - len(alignment.short)) / len(alignment.long)


LOOSE_SCALE: Final = 1.0 - MATCHED_TOKEN
"""Similarity span of a loosely matched token: 1 at the bare match cut-off, 0 when equal."""


@name_feature
def loose_subset(pair: NamePair) -> float:
    """The shorter name is found inside a longer one only through loose spellings: how far
    below a sure match its tokens' partners fall (0 for equal, equivalent or folded-equal
    spellings, 1 at the bare cut-off), averaged over the shorter name's tokens, when the
    longer name keeps words no token pairs with.

    Evidence *against* a match. Every extra word of the longer name is one more chance that
    some short token finds a partner a letter or two away (*Cho Ranil* in *James Koang Chol
    Ranley*: cho~chol, ranil~ranley), so "every token found" means little when each was found
    loosely; a name with a part left out matches its other tokens exactly or with one typo
    (*Pablo Sandovla* / *Pablo Roberto Sandoval*).
    """
    alignment = pair.alignment
    matched = sum(sim >= MATCHED_TOKEN for _, _, sim in alignment.pairs)
    if len(alignment.long) <= matched:
        return 0.0
    shortfall = sum(
        (1.0 - sim) / LOOSE_SCALE for _, _, sim in alignment.pairs if sim >= MATCHED_TOKEN
    )
    return shortfall / len(alignment.short)


FEATURE_ORDER = (
    "name_exact",
    "name_joined_similarity",
    "name_token_jaro",
    "name_romanisation_equivalent",
    "syllable_order_mismatch",
    "tokens_all_matched",
    "name_phonetic",
    "token_mismatch",
    "extra_tokens",
    "number_mismatch",
    "legal_form_mismatch",
    "token_count_mismatch",
    "loose_subset",
)
"""The order of :func:`feature_values` (that of ``NAME_FEATURES``)."""


def _similarities(
    short: tuple[Token, ...], long: tuple[Token, ...], korean: bool
) -> list[tuple[float, int, int]]:
    """(similarity, i, j) of every token pair (:func:`token_similarity` inlined: this is the
    innermost loop of matching)."""
    cache = _SIMILARITY
    scored = []
    for i, a in enumerate(short):
        text = a.text
        for j, b in enumerate(long):
            if text == b.text:
                scored.append((1.0, i, j))
                continue
            key = (text, b.text, korean)
            similarity = cache.get(key)
            if similarity is None:
                similarity = _remember(key, _similarity(a, b, korean))
            scored.append((similarity, i, j))
    return scored


def _greedy(
    short: tuple[Token, ...], long: tuple[Token, ...], korean: bool
) -> list[tuple[Token, Token, float]]:
    """:func:`align`'s greedy pairing without building an :class:`Alignment`."""
    if len(short) == 1:
        first = short[0]
        best, at = max((token_similarity(first, b, korean), j) for j, b in enumerate(long))
        return [(first, long[at], best)]
    scored = _similarities(short, long, korean)
    scored.sort(reverse=True)
    free_short = [True] * len(short)
    free_long = [True] * len(long)
    pairs: list[tuple[Token, Token, float]] = []
    wanted = len(short)
    for similarity, i, j in scored:
        if free_short[i] and free_long[j]:
            free_short[i] = free_long[j] = False
            pairs.append((short[i], long[j], similarity))
            if len(pairs) == wanted:
                break
    return pairs


def _flat(groups: tuple[Syllables, ...]) -> list[frozenset[int]]:
    return [piece for group in groups for piece in group]


def _hits(order: list[frozenset[int]], target: list[frozenset[int]]) -> int:
    hits = 0
    for a, b in zip(order, target, strict=True):
        if not a.isdisjoint(b):
            hits += 1
    return hits


def _romanisation(left: tuple[Syllables, ...], right: tuple[Syllables, ...]) -> float:
    """:func:`name_romanisation_equivalent` of two syllable groupings. Moving the family name
    keeps the number of syllables, so unequal counts score 0 and a full match in written
    order needs no other order tried."""
    target = _flat(right)
    written = _flat(left)
    if len(written) != len(target):
        return 0.0
    best = _hits(written, target)
    if best < len(target) and len(left) > 1:
        for order in (left[1:] + left[:1], left[-1:] + left[:-1]):
            best = max(best, _hits(_flat(order), target))
    return best / len(target)


def _order_mismatch(
    left: tuple[Syllables, ...], right: tuple[Syllables, ...], romanisation: float
) -> float:
    """:func:`syllable_order_mismatch` given the pair's romanisation share (at 1 it is 0)."""
    if romanisation == 1.0:
        return 0.0
    remaining = _flat(right)
    size = len(remaining)
    if size != sum(len(group) for group in left):
        return 0.0
    for group in left:
        for piece in group:
            for index, other in enumerate(remaining):
                if not piece.isdisjoint(other):
                    del remaining[index]
                    break
            else:
                return 0.0
    return 1.0


def _same_tokens(left: NameForm, right: NameForm) -> list[float]:
    """:func:`feature_values` of two names with the same tokens in the same order (only the
    legal forms may differ): every token aligns with itself at similarity 1, so every feature
    is at its limit without comparing any tokens (screening meets such pairs all the time)."""
    forms_left, forms_right = left.legal_forms, right.legal_forms
    return [
        1.0,
        1.0,
        1.0,
        1.0 if left.syllables else 0.0,
        0.0,
        1.0,
        1.0,
        0.0,
        0.0,
        0.0,
        float(bool(forms_left and forms_right and forms_left.isdisjoint(forms_right))),
        0.0,
        0.0,
    ]


def feature_values(left: NameForm, right: NameForm) -> list[float]:
    """Every name feature at once, in :data:`FEATURE_ORDER` (the fast path of scoring).

    Computes exactly what the feature functions above compute, sharing the alignment and the
    Korean syllable comparison instead of recomputing them per feature.
    """
    if left.joined == right.joined and left.tokens == right.tokens:
        return _same_tokens(left, right)
    short, long = merged_tokens(left.tokens, right.tokens)
    left_syllables, right_syllables = left.syllables, right.syllables
    korean = left_syllables is not None and right_syllables is not None
    pairs = _greedy(short, long, korean)
    n_short, n_long = len(short), len(long)
    matched = 0
    weighted = 0.0
    shortfall = 0.0
    for a, b, similarity in pairs:
        weighted += (len(a.text) + len(b.text)) * similarity
        if similarity >= MATCHED_TOKEN:
            matched += 1
            shortfall += (1.0 - similarity) / LOOSE_SCALE
    total = len(left.joined) + len(right.joined)
    phonetic_keys = {t.phonetic for t in long}
    hits = 0
    for token in short:
        if token.phonetic in phonetic_keys:
            hits += 1
    phonetic = hits / n_short

    romanisation = order_mismatch = 0.0
    if left_syllables and right_syllables:
        romanisation = _romanisation(left_syllables, right_syllables)
        order_mismatch = _order_mismatch(left_syllables, right_syllables, romanisation)
    in_order = Indel.normalized_similarity(left.joined, right.joined)
    if in_order < 1.0 and left_syllables and right_syllables:
        in_order = max(in_order, romanisation)
    joined = in_order
    if in_order < 1.0 and not (len(left.tokens) == 1 == len(right.tokens)):
        joined = max(in_order, Indel.normalized_similarity(left.sorted_joined, right.sorted_joined))

    numbers_left, numbers_right = left.numbers, right.numbers
    if numbers_left and numbers_right:
        numbers = 0.0 if numbers_left == numbers_right else 1.0
    else:
        numbers = 0.5 if numbers_left or numbers_right else 0.0
    forms_left, forms_right = left.legal_forms, right.legal_forms
    return [
        float(left.joined == right.joined or left.sorted_joined == right.sorted_joined),
        joined,
        weighted / total if total else 0.0,
        romanisation,
        order_mismatch,
        0.0 if n_short < 2 and n_long > 1 else float(matched == n_short),
        phonetic,
        (n_short - matched) / n_short,
        (n_long - matched) / n_long,
        numbers,
        float(bool(forms_left and forms_right and forms_left.isdisjoint(forms_right))),
        (n_long - n_short) / n_long,
        shortfall / n_short if n_long > matched else 0.0,
    ]


def name_features(left: NameForm, right: NameForm) -> dict[str, float]:
    """Every name feature for one pair of prepared names."""
    return dict(zip(FEATURE_ORDER, feature_values(left, right), strict=True))


def reference_name_features(left: NameForm, right: NameForm) -> dict[str, float]:
    """The same through each registered feature function (tests check both agree)."""
    pair = NamePair(left, right)
    return {name: function(pair) for name, function in NAME_FEATURES.items()}


# --- evidence of whole entities -------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What besides names tells two entities apart."""

    schema: str = "Thing"
    birth_dates: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    identifiers: dict[str, frozenset[str]] = field(default_factory=dict)


EvidenceFeature = Callable[[Evidence, Evidence], float]
EVIDENCE_FEATURES: dict[str, EvidenceFeature] = {}


def evidence_feature(function: EvidenceFeature) -> EvidenceFeature:
    EVIDENCE_FEATURES[function.__name__] = function
    return function


def _dates_agree(left: str, right: str) -> bool:
    size = min(len(left), len(right))
    return size >= 4 and left[:size] == right[:size]


@evidence_feature
def birth_date_match(query: Evidence, candidate: Evidence) -> float:
    """A birth date agrees (to the precision both give: "1984" agrees with "1984-01-08")."""
    return float(any(_dates_agree(a, b) for a in query.birth_dates for b in candidate.birth_dates))


@evidence_feature
def birth_date_mismatch(query: Evidence, candidate: Evidence) -> float:
    """Both give birth dates and none agree: 1 if even the years differ, else 0.5."""
    if not query.birth_dates or not candidate.birth_dates:
        return 0.0
    if birth_date_match(query, candidate):
        return 0.0
    years = {d[:4] for d in query.birth_dates} & {d[:4] for d in candidate.birth_dates}
    return 0.5 if years else 1.0


@evidence_feature
def country_match(query: Evidence, candidate: Evidence) -> float:
    """A nationality, citizenship, jurisdiction or country is shared."""
    return float(not query.countries.isdisjoint(candidate.countries))


@evidence_feature
def country_mismatch(query: Evidence, candidate: Evidence) -> float:
    """Both give countries and share none (weak: people and firms move)."""
    both = query.countries and candidate.countries
    return float(bool(both) and query.countries.isdisjoint(candidate.countries))


@evidence_feature
def identifier_match(query: Evidence, candidate: Evidence) -> float:
    """An identifier value (IMO, SWIFT/BIC, passport, registration number ...) is shared."""
    ours = set().union(*query.identifiers.values()) if query.identifiers else set()
    for values in candidate.identifiers.values():
        if not ours.isdisjoint(values):
            return 1.0
    return 0.0


@evidence_feature
def identifier_mismatch(query: Evidence, candidate: Evidence) -> float:
    """The same kind of identifier on both sides with different values (two IMO numbers)."""
    if identifier_match(query, candidate):
        return 0.0
    for kind, values in query.identifiers.items():
        other = candidate.identifiers.get(kind)
        if other and values.isdisjoint(other):
            return 1.0
    return 0.0


def evidence_features(query: Evidence, candidate: Evidence) -> dict[str, float]:
    return {name: function(query, candidate) for name, function in EVIDENCE_FEATURES.items()}
