"""Clean a document's text: drop what is not the article, keep a map back to the original.

Cleaning only ever deletes: the cleaned text is a sequence of pieces copied from the original,
so the :class:`~sanctionwatch.store.offsets.OffsetMap` can send every cleaned offset back to the
identical original character. Removals are found by the rules in ``data/ingest/cleaning.yaml``
(reader comments and spam tails, run-in photo captions, credits, disclaimers, copyright lines,
share boilerplate, Markdown markup); whitespace is normalised last.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sanctionwatch.ingest.rules import CleaningRules, LineRule, SpamRules, load_rules
from sanctionwatch.store.offsets import OffsetMap

Range = tuple[int, int]

LINE = re.compile(r"[^\n]*\n|[^\n]+")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n---[ \t]*(\r?\n|\Z)", re.S)
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"”’)\]]+", re.I)
MIXED_SCRIPT_WORD = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w+")
# A sentence ends at . ! ? or … (plus closing quotes) followed by space and a capital, or run
# straight into a capital as scraped captions do; "U.N." and "Jan. 16" are not ends.
SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])[.!?…][\"”’)\]]*(?:\s+(?=[\"“‘(\[]?[A-Z0-9©])|(?=[A-Z“\"‘]))"
)
UNFINISHED = re.compile(r"[^\s.!?…:;\"”’)\]]\s*\Z")
# Whitespace normalisation runs in passes (each pass sees the text the previous one left); a pass
# returns the spans to delete. Patterns start with a literal or a character class so that the
# regex engine skips ahead quickly; the decisions that need context are made in Python.
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]+")
# Whitespace runs worth a look: at a line edge, longer than one character, or not a plain space.
ODD_SPACE = re.compile(r"(?m)^[^\S\n]+|[^\S\n]+$|[^\S\n]{2,}|[^\S\n ]")
BLANK_LINE = re.compile(r"\n\n")
EXTRA_NEWLINES = re.compile(r"\n+\Z|\A\n+|\n\n(\n+)")
HORIZONTAL_SPACE = frozenset(
    " \t\f\v\r\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
PARAGRAPH_CONTINUES_AFTER = frozenset("abcdefghijklmnopqrstuvwxyz,;")
SPAM_SCRIPT = re.compile("[\u0370-\u03ff\u0400-\u04ff]")
MAX_COMMENT_LINE = 1000
"""Longer lines are prose: only their URLs and mixed-script words count towards spam."""


def _invisible(text: str) -> list[Range]:
    return [match.span() for match in INVISIBLE.finditer(text)]


def _odd_spaces(text: str) -> list[Range]:
    """Delete spaces at line edges; shrink other runs to one character, a space if it has one."""
    removed: list[Range] = []
    last_run_end = -1
    for match in ODD_SPACE.finditer(text):
        start, end = match.span()
        if start < last_run_end:
            continue
        while start > 0 and text[start - 1] in HORIZONTAL_SPACE:
            start -= 1
        while end < len(text) and text[end] in HORIZONTAL_SPACE:
            end += 1
        last_run_end = end
        at_edge = start == 0 or text[start - 1] == "\n" or end == len(text) or text[end] == "\n"
        if at_edge:
            removed.append((start, end))
            continue
        keep = text.find(" ", start, end)
        keep = start if keep == -1 else keep
        removed.extend(span for span in ((start, keep), (keep + 1, end)) if span[1] > span[0])
    return removed


def _broken_paragraphs(text: str) -> list[Range]:
    """A blank line inside a sentence ("of the\n\nsalaries") becomes a single newline."""
    removed: list[Range] = []
    for match in BLANK_LINE.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before in PARAGRAPH_CONTINUES_AFTER and after.islower():
            removed.append((start + 1, end))
    return removed


def _extra_newlines(text: str) -> list[Range]:
    return [
        match.span(1) if match.group(1) else match.span() for match in EXTRA_NEWLINES.finditer(text)
    ]


WHITESPACE_PASSES: tuple[Callable[[str], list[Range]], ...] = (
    _invisible,
    _odd_spaces,
    _broken_paragraphs,
    _extra_newlines,
)
# A comment header this early cannot be a comment section (it is the article's own word).
MIN_ARTICLE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class Removal:
    """A span of the original text left out of the cleaned text, and the rule that did it."""

    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text, its offset map to the original, and what was removed."""

    text: str
    offsets: OffsetMap
    removals: list[Removal] = field(default_factory=list)
    rules_version: str = ""

    def removed_by(self, rule: str) -> list[Removal]:
        return [removal for removal in self.removals if removal.rule == rule]


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    """End of the line's text (before the newline)."""
    stop: int
    """End including the newline."""
    text: str


def clean_text(original: str, rules: CleaningRules | None = None) -> Cleaned:
    """Remove non-article spans from ``original`` and normalise whitespace."""
    rules = rules or load_rules()
    removals = find_removals(original, rules)
    ranges = _complement(_merge((r.start, r.end) for r in removals), len(original))
    for find in WHITESPACE_PASSES:
        ranges = _refine(original, ranges, find)
    text, pieces = _assemble(original, ranges)
    return Cleaned(text, OffsetMap(pieces), removals, rules.version)


def find_removals(original: str, rules: CleaningRules) -> list[Removal]:
    """Every span the rules remove, in the original's offsets (overlaps allowed)."""
    removals: list[Removal] = []
    lines = split_lines(original)
    if rules.drop_front_matter:
        match = FRONT_MATTER.match(original)
        if match:
            removals.append(Removal(0, match.end(), "front-matter"))
            lines = [line for line in lines if line.start >= match.end()]
    tail = _comment_section(lines, rules.comment_section, len(original))
    if tail is not None:
        removals.append(Removal(tail, len(original), "comment-section"))
        lines = [line for line in lines if line.start < tail]
    removals.extend(_spam_lines(lines, rules.spam))
    removed_lines = {r.start for r in removals}
    for line in lines:
        if line.start in removed_lines or not line.text.strip():
            continue
        found = list(_line_rule_removals(line, rules.line_rules))
        removals.extend(found)
        if not any(r.start == line.start and r.end == line.stop for r in found):
            removals.extend(_caption_removals(original, line, rules))
    for rule in rules.inline_rules:
        if rule.requires and not any(literal in original for literal in rule.requires):
            continue
        matches = rule.pattern.finditer(original)
        removals.extend(Removal(m.start(), m.end(), rule.name) for m in matches)
    return sorted(removals, key=lambda r: (r.start, r.end))


def split_lines(text: str) -> list[Line]:
    lines = []
    for match in LINE.finditer(text):
        start, stop = match.span()
        end = stop - 1 if text.endswith("\n", start, stop) else stop
        lines.append(Line(start, end, stop, text[start:end]))
    return lines


def _comment_section(lines: Sequence[Line], rule: LineRule, size: int) -> int | None:
    for line in lines:
        if line.start >= size * MIN_ARTICLE_SHARE and rule.matches(line.text.strip()):
            return line.start
    return None


def spam_score(text: str, rules: SpamRules) -> int:
    """How much a line looks like a reader comment or spam (see ``spam`` in the rules file)."""
    stripped = text.strip()
    if not stripped:
        return 0
    scores = rules.scores
    score = 0
    if "://" in stripped or "www." in stripped.lower():
        urls = URL.findall(stripped)
        if urls:
            score += scores["url"]
            if sum(len(url) for url in urls) / len(stripped) >= rules.url_dominated_ratio:
                score += scores["url_dominated"]
    if SPAM_SCRIPT.search(stripped) and MIXED_SCRIPT_WORD.search(stripped):
        score += scores["mixed_script_word"]
    if len(stripped) <= MAX_COMMENT_LINE:
        score += min(len(rules.phrases.findall(stripped)), 2) * scores["phrase"]
        if rules.handle_or_timestamp.search(stripped):
            score += scores["handle_or_timestamp"]
    return score


def _spam_lines(lines: Sequence[Line], rules: SpamRules) -> Iterator[Removal]:
    """A trailing run of comment-like lines, and strongly spammy lines anywhere."""
    scores = [spam_score(line.text, rules) for line in lines]
    tail_start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].text.strip():
            continue
        if scores[index] < rules.threshold:
            break
        tail_start = index
    for index, line in enumerate(lines):
        if index >= tail_start:
            yield Removal(line.start, line.stop, "spam-tail")
        elif scores[index] >= rules.strong_threshold:
            yield Removal(line.start, line.stop, "spam-line")


def _line_rule_removals(line: Line, rules: Iterable[LineRule]) -> Iterator[Removal]:
    stripped = line.text.strip()
    sentence_rules: list[LineRule] = []
    for rule in rules:
        if rule.scope == "sentence":
            sentence_rules.append(rule)
        elif rule.matches(stripped):
            yield Removal(line.start, line.stop, rule.name)
            return
    lowered = line.text.lower()
    sentence_rules = [
        rule
        for rule in sentence_rules
        if not rule.requires or any(literal in lowered for literal in rule.requires)
    ]
    if not sentence_rules:
        return
    for start, end in sentences(line.text):
        sentence = line.text[start:end].strip()
        for rule in sentence_rules:
            if rule.matches(sentence):
                yield Removal(line.start + start, line.start + end, rule.name)
                break


def sentences(text: str) -> Iterator[Range]:
    """Rough sentence spans of one paragraph (each includes its trailing space)."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _caption_removals(original: str, line: Line, rules: CleaningRules) -> Iterator[Removal]:
    """Photo captions run into a paragraph, and the sentence fragment they cut off."""
    captions = rules.captions
    floor = line.start
    position = line.start
    while True:
        start_match = captions.start.search(original, position, line.end)
        if start_match is None:
            return
        start = start_match.start()
        limit = min(line.end, start + captions.max_length)
        end_match = captions.end.search(original, start_match.end(), limit)
        if end_match is not None:
            end = end_match.end()
        elif line.end - start <= captions.max_length:
            end = line.end
        else:
            position = start_match.end()
            continue
        if captions.drop_unfinished_lead:
            lead = _unfinished_lead(original, floor, start)
            if lead is not None:
                yield Removal(lead, start, "caption-cut-sentence")
        yield Removal(start, end, "photo-caption")
        floor = position = end


def _unfinished_lead(original: str, floor: int, start: int) -> int | None:
    """Start of the unfinished sentence right before ``start``, if the text there is one."""
    lead = floor
    for match in SENTENCE_END.finditer(original, floor, start):
        lead = match.end()
    fragment = original[lead:start]
    if fragment.strip() and UNFINISHED.search(fragment):
        return lead
    return None


def _merge(ranges: Iterable[Range]) -> list[Range]:
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _complement(removed: Sequence[Range], size: int) -> list[Range]:
    kept: list[Range] = []
    position = 0
    for start, end in removed:
        if start > position:
            kept.append((position, start))
        position = max(position, end)
    if position < size:
        kept.append((position, size))
    return kept


def _assemble(original: str, ranges: Sequence[Range]) -> tuple[str, list[list[int]]]:
    """The text the kept original ranges spell, and its pieces ``[clean, original, length]``."""
    pieces: list[list[int]] = []
    parts: list[str] = []
    clean = 0
    for start, end in ranges:
        if end <= start:
            continue
        length = end - start
        if pieces and pieces[-1][1] + pieces[-1][2] == start:
            pieces[-1][2] += length
        else:
            pieces.append([clean, start, length])
        parts.append(original[start:end])
        clean += length
    return "".join(parts), pieces


def _refine(
    original: str, ranges: Sequence[Range], find: Callable[[str], list[Range]]
) -> list[Range]:
    """Delete the spans ``find`` reports in the text ``ranges`` spell; return new ranges."""
    text, pieces = _assemble(original, ranges)
    removed = _merge(find(text))
    if not removed:
        return list(ranges)
    return _compose(pieces, _complement(removed, len(text)))


def _compose(pieces: Sequence[Sequence[int]], kept: Sequence[Range]) -> list[Range]:
    """Map ranges of an intermediate text back through its pieces to original ranges."""
    result: list[Range] = []
    index = 0
    for start, end in kept:
        while index < len(pieces) and pieces[index][0] + pieces[index][2] <= start:
            index += 1
        cursor = index
        while cursor < len(pieces) and pieces[cursor][0] < end:
            clean_start, original_start, length = pieces[cursor]
            low = max(start, clean_start)
            high = min(end, clean_start + length)
            if high > low:
                result.append(
                    (original_start + low - clean_start, original_start + high - clean_start)
                )
            cursor += 1
    return result
