"""Cleaning placeholder (whitespace only); replaced by the rule-based cleaner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sanctionwatch.store.offsets import OffsetMap


@dataclass(frozen=True, slots=True)
class Removal:
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    offsets: OffsetMap
    removals: list[Removal] = field(default_factory=list)


def clean_text(original: str) -> Cleaned:
    start = len(original) - len(original.lstrip())
    end = len(original.rstrip())
    text = original[start:end]
    if not text:
        return Cleaned("", OffsetMap([]))
    return Cleaned(text, OffsetMap([[0, start, len(text)]]))


_ = re
