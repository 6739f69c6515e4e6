"""Load and validate the claim vocabulary (``data/extract/claims/vocabulary.yaml``).

Everything an analyst may want to tune (qualifier words, counted nouns, measures, reporting
verbs, events) lives in that file, so the code only knows the *shape* of the vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.settings import DATA_DIR

VOCABULARY_PATH = DATA_DIR / "extract" / "claims" / "vocabulary.yaml"
UNITS_OF_COUNT = ("persons", "companies", "entities")
"""Units every vocabulary counts; ``counted`` may add more (``countries``, ``permits``)."""
QUANTITY_UNITS = ("money", "percent", "ratio")


class VocabularyError(RuleFileError):
    """The vocabulary file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class MeasureRule:
    """One way of naming a figure: conditions on the quantity and its context."""

    key: str
    label: str
    units: tuple[str, ...]
    nationality: str = "any"
    verbs: tuple[str, ...] = ()
    not_verbs: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    requires_all: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    exclude_places: tuple[str, ...] = ()
    phrase_any: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    """Rates the figure must be given as ("per month": ``month``); empty = any or none."""
    sentence_nationality: str | None = None
    require_place: bool = False
    counts_one: bool = False
    """A count of one ("one individual") outside a list of counts names this measure."""
    any_people: bool = False
    """The measure counts people of any occupation ("police detained two men"), so a generic
    noun of people needs no talk of work around it."""


@dataclass(frozen=True)
class EventAnchor:
    pattern: re.Pattern[str]
    as_of: str


@dataclass(frozen=True)
class Vocabulary:
    version: str
    qualifiers: dict[str, tuple[str, ...]]
    suffix_qualifiers: dict[str, tuple[str, ...]]
    range_upper_cues: tuple[str, ...]
    range_lower_cues: tuple[str, ...]
    exclusion_before: frozenset[str]
    exclusion_after: tuple[str, ...]
    counted: dict[str, str]  # noun lemma -> unit
    nationalities: dict[str, tuple[str, ...]]
    places: dict[str, tuple[str, ...]]
    place_anaphora: tuple[str, ...]
    work_cues: frozenset[str]
    measures: tuple[MeasureRule, ...]
    reporting_verbs: frozenset[str]
    asserter_generic_tail: frozenset[str]
    asserter_ignore: frozenset[str]
    events: tuple[EventAnchor, ...]
    place_index: dict[str, str] = field(default_factory=dict)
    places_as_written: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Short names matched with their capitals only, in texts naming the place in full."""
    looking_ahead: re.Pattern[str] | None = None
    start_events: re.Pattern[str] | None = None
    deadline_passed: re.Pattern[str] | None = None
    continuation_openers: tuple[str, ...] = ()
    sender_nationalities: dict[str, str] = field(default_factory=dict)
    """Place key -> nationality of what that place, as the subject, sends ("Pyongyang sent")."""
    sender_verbs: frozenset[str] = frozenset()
    mixed_total_unit: str | None = None
    """Unit of one number over nouns of different units ("four entities and individuals")."""
    asserter_generic_head: frozenset[str] = frozenset()
    copula_subjects: frozenset[str] = frozenset()
    """Subjects whose copula restates a count ("the *number* of X ... is N people")."""
    as_of_frames: re.Pattern[str] | None = None
    """Phrases opening a sentence whose date frames the undated figures of the next one."""
    restated_total_units: frozenset[str] = frozenset()
    """Units of the counts a mixed total may merely add up ("seven nationals and three firms")."""
    report_date_cues: re.Pattern[str] | None = None
    """Verbs right before "on <weekday>" that date the source, not the figure ("released on")."""
    speech_verbs: frozenset[str] = frozenset()
    """Verbs of speaking: a count of people doing them is a count of sources ("two officials
    said"), not a figure."""
    source_count_max: int = 20
    """The most people a count of sources holds ("two officials said"); more is a figure."""
    casualty_verbs: frozenset[str] = frozenset()
    """Verbs whose counts are death tolls, never figures of the scheme ("killing three")."""
    population_holders: frozenset[str] = frozenset()
    """Nouns whose "of N people" is a population ("a country of 3 million people")."""
    action_nouns: dict[str, str] = field(default_factory=dict)
    """Noun of action -> its verb: "the seizure of 29 accounts" counts what was seized."""
    learned_measure: MeasureRule | None = None
    """Measure of figures no rule names that the learned filter keeps (None: no learned filter)."""
    learned_subject: re.Pattern[str] | None = None
    """Words naming the subject, one of which the figure's sentence or the one before must hold
    for the learned filter to keep it ("North Korea", "DPRK")."""
    learned_never_nouns: frozenset[str] = frozenset()
    learned_never_verbs: frozenset[str] = frozenset()
    """Nouns and verbs whose figures the learned filter never keeps (ages, durations, deaths)."""
    generic_people: frozenset[str] = frozenset()
    """Nouns of people that count workers only where the text talks about work ("two North
    Korean suspects were questioned in Vladivostok" are not workers in Vladivostok)."""
    learned_never_money_nouns: frozenset[str] = frozenset()
    """Nouns of prices whose sums the learned filter never keeps ("tickets cost $30")."""
    learned_petty_money_nouns: frozenset[str] = frozenset()
    learned_petty_money_max: int = 0
    """Nouns of penalties whose sums up to the maximum are petty ("a $5 fine"), never kept."""
    learned_population_nouns: frozenset[str] = frozenset()
    learned_population_verbs: frozenset[str] = frozenset()
    """A count of these nouns under these verbs with a place as subject is a population."""
    definite_reference_max: int = 0
    """ "the two countries", "the four individuals": a count this small after "the" points back
    to parties the text has named or counted already; it is no figure of its own (0: off)."""
    elided_count_min: int = 0
    """Least value of a bare number in digits that counts the noun of the figure before it
    ("5,200 North Koreans ..., including 1,200 in Kuwait"; 0: elided counts are not read)."""

    def place_key(self, name: str) -> str | None:
        """Normalised key of a place name, or None if the vocabulary does not know it."""
        return self.place_index.get(_fold(name))


def _fold(text: str) -> str:
    text = text.lower().replace("’", "'").strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", text)


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise VocabularyError(f"{where}: expected a list of strings")
    return tuple(item.lower() for item in raw)


def _groups(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise VocabularyError(f"{where}: expected a mapping of lists")
    return {str(key): _strings(value, f"{where}.{key}") for key, value in raw.items()}


SCALAR_FIELDS = frozenset({"key", "label", "units", "nationality", "sentence_nationality",
                           "require_place", "counts_one", "any_people"})  # fmt: skip


def _measure(raw: Any, index: int, path: Path, known_units: tuple[str, ...]) -> MeasureRule:
    where = f"{path}: measures[{index}]"
    if not isinstance(raw, dict) or "key" not in raw or "label" not in raw:
        raise VocabularyError(f"{where}: needs `key` and `label`")
    units = _strings(raw.get("units"), f"{where}.units")
    unknown = [unit for unit in units if unit not in known_units]
    if not units or unknown:
        raise VocabularyError(f"{where}.units: {unknown or 'empty'} (known: {known_units})")
    known_fields = set(MeasureRule.__dataclass_fields__)
    extra = set(raw) - known_fields
    if extra:
        raise VocabularyError(f"{where}: unknown fields {sorted(extra)}")
    for flag in ("require_place", "counts_one", "any_people"):
        if not isinstance(raw.get(flag, False), bool):
            raise VocabularyError(f"{where}.{flag}: expected true or false")
    lists = {
        name: _strings(raw.get(name), f"{where}.{name}") for name in known_fields - SCALAR_FIELDS
    }
    sentence_nationality = raw.get("sentence_nationality")
    return MeasureRule(
        key=str(raw["key"]),
        label=str(raw["label"]),
        units=units,
        nationality=str(raw.get("nationality", "any")),
        sentence_nationality=None if sentence_nationality is None else str(sentence_nationality),
        require_place=bool(raw.get("require_place", False)),
        counts_one=bool(raw.get("counts_one", False)),
        any_people=bool(raw.get("any_people", False)),
        **lists,
    )


def _measures(raw: list[Any], path: Path, known_units: tuple[str, ...]) -> tuple[MeasureRule, ...]:
    """The measure rules. Rules of one key are alternatives of one measure and must be written
    one after another with one label and units: a key defined again further down (different
    verbs in two places) is an error, since whichever comes first silently wins."""
    rules = tuple(_measure(item, index, path, known_units) for index, item in enumerate(raw))
    closed: set[str] = set()
    for previous, rule in zip((None, *rules), rules, strict=False):
        if previous is not None and previous.key == rule.key:
            if (previous.label, previous.units) != (rule.label, rule.units):
                raise VocabularyError(
                    f"{path}: measures: key `{rule.key}` has two labels or unit lists "
                    "(give its alternatives one label and one unit list)"
                )
            continue
        if rule.key in closed:
            raise VocabularyError(
                f"{path}: measures: key `{rule.key}` is defined twice (merge the two definitions "
                "or write its alternatives one after another)"
            )
        closed.add(rule.key)
    return rules


def _phrases(raw: Any, where: str, template: str = r"\b(?:{})\b") -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of the listed phrases (spaces: any space)."""
    phrases = _strings(raw, where)
    if not phrases:
        return None
    escaped = sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(template.format("|".join(escaped)), re.IGNORECASE)


def _as_written(
    raw: Any, path: Path, places: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """``places_as_written``: place key -> names kept with their capitals ("the North")."""
    if raw is None:
        return {}
    where = f"{path}: places_as_written"
    if not isinstance(raw, dict):
        raise VocabularyError(f"{where}: expected a mapping of place keys to lists of names")
    result: dict[str, tuple[str, ...]] = {}
    for key, names in raw.items():
        if str(key) not in places:
            raise VocabularyError(f"{where}.{key}: not a key of `places`")
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise VocabularyError(f"{where}.{key}: expected a list of names")
        result[str(key)] = tuple(names)
    return result


def _senders(raw: Any, path: Path, places: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """``sender_nationalities``: place key -> nationality key."""
    if raw is None:
        return {}
    where = f"{path}: sender_nationalities"
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise VocabularyError(f"{where}: expected a mapping of place keys to nationality keys")
    unknown = [str(key) for key in raw if str(key) not in places]
    if unknown:
        raise VocabularyError(f"{where}: {unknown} are not keys of `places`")
    return {str(key): value for key, value in raw.items()}


def _units(raw: Any, path: Path, field_name: str, units: tuple[str, ...]) -> frozenset[str]:
    """A list of units, each a key of ``counted``."""
    listed = _strings(raw, f"{path}: {field_name}")
    unknown = [unit for unit in listed if unit not in units]
    if unknown:
        raise VocabularyError(f"{path}: {field_name}: {unknown} are not units of `counted`")
    return frozenset(listed)


def _required_strings(raw: Any, path: Path, field_name: str) -> tuple[str, ...]:
    """A list the code cannot work without (it replaced a list once written in code)."""
    listed = _strings(raw, f"{path}: {field_name}")
    if not listed:
        raise VocabularyError(f"{path}: {field_name}: expected a non-empty list of strings")
    return listed


def _count(raw: Any, path: Path, field_name: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise VocabularyError(f"{path}: {field_name}: expected a whole number")
    return raw


def _action_nouns(raw: Any, path: Path) -> dict[str, str]:
    """``action_nouns``: noun of action (lemma) -> verb lemma."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in raw.items()
    ):
        raise VocabularyError(f"{path}: action_nouns: expected a mapping of nouns to verbs")
    return {k.lower(): v.lower() for k, v in raw.items()}


def _learned_measure(raw: Any, path: Path) -> MeasureRule | None:
    """``learned_measure``: the key and label of figures kept by the learned filter."""
    if raw is None:
        return None
    where = f"{path}: learned_measure"
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(name), str) and raw.get(name) for name in ("key", "label")
    ):
        raise VocabularyError(f"{where}: needs a `key` and a `label` (strings)")
    if set(raw) - {"key", "label"}:
        raise VocabularyError(f"{where}: unknown fields {sorted(set(raw) - {'key', 'label'})}")
    return MeasureRule(key=str(raw["key"]), label=str(raw["label"]), units=())


def _unit_or_none(raw: Any, path: Path, units: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    if str(raw) not in units:
        raise VocabularyError(f"{path}: mixed_total_unit: {raw!r} is not a unit of `counted`")
    return str(raw)


def parse_vocabulary(data: Any, path: Path) -> Vocabulary:
    """Validate the parsed YAML ``data`` (read from ``path``) into a :class:`Vocabulary`."""
    if not isinstance(data, dict) or "version" not in data:
        raise VocabularyError(f"{path}: not a claim vocabulary (no `version`)")
    measures = data.get("measures")
    if not isinstance(measures, list) or not measures:
        raise VocabularyError(f"{path}: `measures` must be a non-empty list")
    counted: dict[str, str] = {}
    groups = _groups(data.get("counted"), f"{path}: counted")
    missing = [unit for unit in UNITS_OF_COUNT if unit not in groups]
    if missing:
        raise VocabularyError(f"{path}: counted needs {missing} (with {UNITS_OF_COUNT})")
    for unit, nouns in groups.items():
        if unit in QUANTITY_UNITS:
            raise VocabularyError(f"{path}: counted.{unit} is a unit of quantity, not of count")
        counted.update(dict.fromkeys(nouns, unit))
    known_units = (*groups, *QUANTITY_UNITS)
    places = _groups(data.get("places"), f"{path}: places")
    events = []
    for index, raw in enumerate(data.get("events") or []):
        try:
            events.append(EventAnchor(re.compile(raw["pattern"], re.I), str(raw["as_of"])))
        except (KeyError, TypeError, re.error) as error:
            raise VocabularyError(f"{path}: events[{index}]: {error}") from error
    return Vocabulary(
        version=str(data["version"]),
        qualifiers=_groups(data.get("qualifiers"), f"{path}: qualifiers"),
        suffix_qualifiers=_groups(data.get("suffix_qualifiers") or {}, f"{path}: suffixes"),
        range_upper_cues=_strings(data.get("range_upper_cues"), f"{path}: range_upper_cues"),
        range_lower_cues=_strings(data.get("range_lower_cues"), f"{path}: range_lower_cues"),
        exclusion_before=frozenset(_strings(data.get("exclusion_before"), f"{path}: excl")),
        exclusion_after=_strings(data.get("exclusion_after"), f"{path}: exclusion_after"),
        counted=counted,
        nationalities=_groups(data.get("nationalities"), f"{path}: nationalities"),
        places=places,
        place_anaphora=_strings(data.get("place_anaphora"), f"{path}: place_anaphora"),
        work_cues=frozenset(_strings(data.get("work_cues"), f"{path}: work_cues")),
        measures=_measures(measures, path, known_units),
        reporting_verbs=frozenset(_strings(data.get("reporting_verbs"), f"{path}: verbs")),
        asserter_generic_tail=frozenset(_strings(data.get("asserter_generic_tail"), "tail")),
        asserter_ignore=frozenset(_strings(data.get("asserter_ignore"), "asserter_ignore")),
        events=tuple(events),
        place_index={_fold(name): key for key, names in places.items() for name in names},
        places_as_written=_as_written(data.get("places_as_written"), path, places),
        looking_ahead=_phrases(data.get("looking_ahead"), f"{path}: looking_ahead"),
        start_events=_phrases(
            data.get("start_events"),
            f"{path}: start_events",
            r"\bsince\s+(?:(?:the|its|their|that)\s+(?:[\w-]+\s+){{0,2}}?)?(?:{})\b",
        ),
        deadline_passed=_phrases(data.get("deadline_passed"), f"{path}: deadline_passed"),
        continuation_openers=_strings(data.get("continuation_openers"), "continuation_openers"),
        sender_nationalities=_senders(data.get("sender_nationalities"), path, places),
        sender_verbs=frozenset(_strings(data.get("sender_verbs"), f"{path}: sender_verbs")),
        mixed_total_unit=_unit_or_none(data.get("mixed_total_unit"), path, tuple(groups)),
        asserter_generic_head=frozenset(_strings(data.get("asserter_generic_head"), "head")),
        copula_subjects=frozenset(
            _required_strings(data.get("copula_subjects"), path, "copula_subjects")
        ),
        as_of_frames=_phrases(
            list(_required_strings(data.get("as_of_frames"), path, "as_of_frames")),
            f"{path}: as_of_frames",
            r"(?:{})\b",
        ),
        action_nouns=_action_nouns(data.get("action_nouns"), path),
        report_date_cues=_phrases(
            data.get("report_date_cues"), f"{path}: report_date_cues", r"\b(?:{})\s*$"
        ),
        speech_verbs=frozenset(_strings(data.get("speech_verbs"), f"{path}: speech_verbs")),
        source_count_max=_count(data.get("source_count_max", 20), path, "source_count_max"),
        casualty_verbs=frozenset(_strings(data.get("casualty_verbs"), f"{path}: casualty_verbs")),
        population_holders=frozenset(
            _strings(data.get("population_holders"), f"{path}: population_holders")
        ),
        learned_measure=_learned_measure(data.get("learned_measure"), path),
        learned_subject=_phrases(data.get("learned_subject"), f"{path}: learned_subject"),
        learned_never_nouns=frozenset(
            _strings(data.get("learned_never_nouns"), f"{path}: learned_never_nouns")
        ),
        learned_never_verbs=frozenset(
            _strings(data.get("learned_never_verbs"), f"{path}: learned_never_verbs")
        ),
        generic_people=frozenset(
            _required_strings(data.get("generic_people"), path, "generic_people")
        ),
        learned_never_money_nouns=frozenset(
            _strings(data.get("learned_never_money_nouns"), f"{path}: learned_never_money_nouns")
        ),
        learned_petty_money_nouns=frozenset(
            _strings(data.get("learned_petty_money_nouns"), f"{path}: learned_petty_money_nouns")
        ),
        learned_petty_money_max=_count(
            data.get("learned_petty_money_max", 0), path, "learned_petty_money_max"
        ),
        learned_population_nouns=frozenset(
            _strings(data.get("learned_population_nouns"), f"{path}: learned_population_nouns")
        ),
        learned_population_verbs=frozenset(
            _strings(data.get("learned_population_verbs"), f"{path}: learned_population_verbs")
        ),
        definite_reference_max=_count(
            data.get("definite_reference_max", 0), path, "definite_reference_max"
        ),
        elided_count_min=_count(data.get("elided_count_min", 0), path, "elided_count_min"),
        restated_total_units=_units(
            list(_required_strings(data.get("restated_total_units"), path, "restated_total_units")),
            path,
            "restated_total_units",
            tuple(groups),
        ),
    )


def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    """Read and validate a vocabulary file; errors name the file and the field."""
    return parse_vocabulary(read_rule_file(path, "claim vocabulary", VocabularyError), path)


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()
