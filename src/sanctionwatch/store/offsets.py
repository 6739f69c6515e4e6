"""Map character offsets between a document's cleaned text and its original text.

Cleaning removes spans (comments, captions, boilerplate) and may normalise whitespace, so the
cleaned text is a sequence of pieces copied from the original. The map stores those pieces as
``[clean_start, original_start, length]`` triples, sorted by ``clean_start``; it is what
``documents.offset_map`` holds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence


class OffsetMap:
    """Pieces of the cleaned text and where each one sits in the original text."""

    __slots__ = ("_clean_starts", "_pieces")

    def __init__(self, pieces: Sequence[Sequence[int]]) -> None:
        self._pieces = sorted((int(c), int(o), int(n)) for c, o, n in pieces)
        self._clean_starts = [piece[0] for piece in self._pieces]

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([[0, 0, length]])

    def to_json(self) -> list[list[int]]:
        return [list(piece) for piece in self._pieces]

    def to_original(self, clean_offset: int) -> int:
        """Original offset of a cleaned-text offset (an end offset maps to the piece's end)."""
        if not self._pieces:
            return clean_offset
        index = max(0, bisect_right(self._clean_starts, clean_offset) - 1)
        clean_start, original_start, length = self._pieces[index]
        delta = min(max(clean_offset - clean_start, 0), length)
        return original_start + delta

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.to_original(start), self.to_original(start)
        return self.to_original(start), self.to_original(end - 1) + 1

    def to_clean(self, original_offset: int) -> int | None:
        """Cleaned offset of an original offset, or None if that character was removed."""
        for clean_start, original_start, length in self._pieces:
            if original_start <= original_offset < original_start + length:
                return clean_start + original_offset - original_start
        return None
