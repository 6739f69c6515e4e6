"""Landmark events from ``data/ingest/landmarks.yaml``: dated events whose mention bounds a
document's publication date from below ("after invading Ukraine" is from 2022 or later)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.ingest.dates import normalise_date
from sanctionwatch.rulefile import RuleFileError, read_rule_file

LANDMARKS_PATH = Path(__file__).resolve().parents[1] / "data" / "ingest" / "landmarks.yaml"


class LandmarksError(RuleFileError):
    """The landmarks file is unreadable or breaks its schema (the message names the file; a
    :class:`RuleFileError`, so ingest stops with one line instead of failing every file)."""


@dataclass(frozen=True, slots=True)
class Landmark:
    name: str
    date: str


@dataclass(frozen=True, slots=True)
class LandmarkMention:
    landmark: Landmark
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Landmarks:
    """All events, with one combined pattern so a text is scanned once."""

    version: str
    events: tuple[Landmark, ...]
    pattern: re.Pattern[str] | None
    imminent_deadline: re.Pattern[str] | None = None
    """Phrases saying a deadline is close ("unlikely to be met"): see ``imminent_deadline``."""

    def find(self, text: str) -> list[LandmarkMention]:
        """Every landmark mentioned in ``text``, in order."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            index = int((match.lastgroup or "e0_0")[1:].split("_")[0])
            found.append(LandmarkMention(self.events[index], *match.span(), match.group()))
        return found


def load_landmarks(path: Path = LANDMARKS_PATH) -> Landmarks:
    """Read and validate the landmarks file; raises :class:`LandmarksError` naming it."""
    data = read_rule_file(path, "landmarks", LandmarksError)
    if not str(data.get("version") or "").strip():
        raise LandmarksError(f"{path}: a mapping with a 'version' is required")
    events: list[Landmark] = []
    alternatives: list[str] = []
    for number, raw in enumerate(data.get("events") or [], start=1):
        landmark, patterns = _event(path, number, raw)
        for number_in_event, source in enumerate(patterns):
            alternatives.append(f"(?P<e{len(events)}_{number_in_event}>{source})")
        events.append(landmark)
    try:
        combined = re.compile("|".join(alternatives), re.I) if alternatives else None
    except re.error as error:
        raise LandmarksError(f"{path}: the patterns do not combine ({error})") from error
    return Landmarks(str(data["version"]), tuple(events), combined, _cues(path, data))


def _cues(path: Path, data: dict[str, Any]) -> re.Pattern[str] | None:
    raw = data.get("imminent_deadline") or []
    if not isinstance(raw, list) or not all(isinstance(cue, str) and cue.strip() for cue in raw):
        raise LandmarksError(f"{path}: 'imminent_deadline' must be a list of phrases")
    if not raw:
        return None
    phrases = sorted((re.escape(cue.strip()) for cue in raw), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.I)


def _event(path: Path, number: int, raw: Any) -> tuple[Landmark, list[str]]:
    where = f"{path}: event {number}"
    if not isinstance(raw, dict) or not raw.get("name"):
        raise LandmarksError(f"{where}: needs 'name', 'date' and 'patterns'")
    value = normalise_date(str(raw.get("date") or ""))
    if value is None:
        raise LandmarksError(f"{where} ({raw['name']}): 'date' must be an ISO date")
    patterns = raw.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise LandmarksError(f"{where} ({raw['name']}): 'patterns' must be a non-empty list")
    for pattern in patterns:
        try:
            compiled = re.compile(str(pattern))
        except re.error as error:
            raise LandmarksError(f"{where} ({raw['name']}): bad pattern ({error})") from error
        if compiled.groups:
            raise LandmarksError(f"{where} ({raw['name']}): use (?:...) groups, not (...)")
    return Landmark(str(raw["name"]), value), [str(pattern) for pattern in patterns]


@lru_cache(maxsize=1)
def default_landmarks() -> Landmarks:
    return load_landmarks()
