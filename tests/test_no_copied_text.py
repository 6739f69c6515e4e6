"""Guard: no tracked file repeats a 12-word run of the texts in ``../shared``.

The repository holds only what the team wrote; tests may read ``../shared`` at run time, but
seed articles, docs and real list snapshots must not be copied in. Texts are normalised
(lowercase, word characters only) and every 12-word shingle of the tracked files is looked up
among the hashed shingles of ``../shared``. Prose is compared word for word; for the list
snapshots (XML, CSV, JSON) the schema vocabulary of the official formats
(``copy_guard_vocabulary.yaml``) is dropped on both sides first, so that only values count.
Only the tracked files' shingles are kept in memory; the shared files are streamed.
"""

from __future__ import annotations

import os
import re
import subprocess
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", REPO.parent / "shared"))
VOCABULARY_FILE = Path(__file__).with_name("copy_guard_vocabulary.yaml")
RUN = 12
WORD = re.compile(r"\w+")
SKIPPED_NAMES = {"package-lock.json"}
SKIPPED_PARTS = {"vendor", "node_modules"}
BINARY_PROBE = 8192
CHUNK = 1 << 16
LIST_SUFFIXES = {".xml", ".csv", ".json", ".jsonl"}


@dataclass(frozen=True)
class Vocabulary:
    """Schema words and phrases that the official formats and our fixtures share by design."""

    tokens: frozenset[str]
    phrases: re.Pattern[str]

    def words(self, line: str) -> list[str]:
        """The line's lowercase words, with schema phrases and schema tokens removed."""
        text = self.phrases.sub(" ", " ".join(WORD.findall(line.lower())))
        return [word for word in text.split() if word not in self.tokens]


NO_VOCABULARY = Vocabulary(frozenset(), re.compile(r"(?!x)x"))


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and validate the whitelist (a version and a list of named, justified vocabularies)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise ValueError(f"{path}: needs an integer 'version' and a 'vocabularies' list")
    tokens: set[str] = set()
    phrases: list[str] = []
    for entry in data.get("vocabularies") or []:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("why"):
            raise ValueError(f"{path}: every vocabulary needs a 'name' and a 'why': {entry!r}")
        for token in entry.get("tokens") or []:
            tokens.update(WORD.findall(str(token).lower()))
        for phrase in entry.get("phrases") or []:
            phrases.append(" ".join(WORD.findall(str(phrase).lower())))
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)" if phrases else r"(?!x)x")
    return Vocabulary(frozenset(tokens), pattern)


def file_lines(path: Path) -> Iterator[str]:
    """Pieces of a text file, at most about ``CHUNK`` characters, cut at line ends.

    Decoded leniently so odd encodings are still compared. A line longer than ``CHUNK`` (a
    one-line JSON export) is cut after its last record or tag end or space in the chunk.
    """
    carry = ""
    with path.open(encoding="utf-8", errors="ignore") as handle:
        while chunk := handle.read(CHUNK):
            text = carry + chunk
            cut = text.rfind("\n") + 1 or max(text.rfind(mark) for mark in "}> ") + 1
            yield text[:cut] if cut else text
            carry = text[cut:] if cut else ""
    if carry:
        yield carry


def file_words(path: Path, vocabulary: Vocabulary) -> Iterator[str]:
    for line in file_lines(path):
        yield from vocabulary.words(line)


def shingle_hashes(words: Iterable[str]) -> Iterator[int]:
    """Hashes of every run of ``RUN`` consecutive words, computed over a sliding window."""
    window: deque[str] = deque(maxlen=RUN)
    for word in words:
        window.append(word)
        if len(window) == RUN:
            yield hash(tuple(window))


def is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\0" not in handle.read(BINARY_PROBE)


def tracked_files(repo: Path) -> list[Path]:
    """Tracked text files, minus vendored code and lock files (not written by the team)."""
    try:
        listing = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"{repo} is not a git checkout")
    paths = []
    for name in filter(None, listing.decode("utf-8").split("\0")):
        relative = Path(name)
        if relative.name in SKIPPED_NAMES or SKIPPED_PARTS & set(relative.parts):
            continue
        path = repo / relative
        if path.is_file() and is_text(path):
            paths.append(path)
    return paths


def shared_files(shared: Path) -> list[Path]:
    return sorted(p for p in shared.rglob("*") if p.is_file() and is_text(p))


def copied_runs(words: list[str], copied: set[int]) -> list[str]:
    """Maximal runs of ``words`` whose every shingle is in ``copied``, as text."""
    runs: list[tuple[int, int]] = []
    for index, digest in enumerate(shingle_hashes(words)):
        if digest not in copied:
            continue
        if runs and index <= runs[-1][1]:
            runs[-1] = (runs[-1][0], index + RUN)
        else:
            runs.append((index, index + RUN))
    return [" ".join(words[start:end]) for start, end in runs]


def runs_shared_with(
    own: list[Path], sources: list[Path], vocabulary: Vocabulary
) -> dict[Path, list[str]]:
    """Runs of the ``own`` files found in any of ``sources``, both read through ``vocabulary``.

    Only 8-byte shingle hashes are kept per file; a file's words are read again to report it.
    """
    own_shingles = {path: array("q", shingle_hashes(file_words(path, vocabulary))) for path in own}
    own_hashes: set[int] = set().union(*own_shingles.values())
    copied: set[int] = set()
    for path in sources:
        copied.update(d for d in shingle_hashes(file_words(path, vocabulary)) if d in own_hashes)
    return {
        path: copied_runs(list(file_words(path, vocabulary)), copied)
        for path, shingles in own_shingles.items()
        if not copied.isdisjoint(shingles)
    }


def find_copies(repo: Path, shared: Path, vocabulary: Vocabulary) -> dict[str, list[str]]:
    """Tracked file (relative path) -> the runs it shares with any file under ``shared``.

    Prose (seed articles, docs) is compared word for word; list files (XML, CSV, JSON) are
    compared with their schema vocabulary dropped, so that only their values count.
    """
    own = tracked_files(repo)
    sources = shared_files(shared)
    lists = [path for path in sources if path.suffix.lower() in LIST_SUFFIXES]
    prose = [path for path in sources if path.suffix.lower() not in LIST_SUFFIXES]
    found: dict[str, list[str]] = {}
    for group, reading in ((prose, NO_VOCABULARY), (lists, vocabulary)):
        for path, runs in runs_shared_with(own, group, reading).items():
            found.setdefault(str(path.relative_to(repo)), []).extend(runs)
    return found


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary(VOCABULARY_FILE)


def test_no_tracked_file_repeats_a_run_from_shared(vocabulary: Vocabulary) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not present")
    found = find_copies(REPO, SHARED, vocabulary)
    report = [f"{name}: {run[:200]!r}" for name, runs in sorted(found.items()) for run in runs]
    assert not report, f"{len(report)} run(s) of {RUN}+ words copied from {SHARED}:\n" + "\n".join(
        report
    )


def test_guard_catches_a_copied_sentence(tmp_path: Path, vocabulary: Vocabulary) -> None:
    """A planted copy inside other text is reported; the same words reordered are not."""
    shared = tmp_path / "shared"
    shared.mkdir()
    source = "one two three four five six seven eight nine ten eleven twelve thirteen"
    (shared / "article.txt").write_text(f"Opening words. {source}. Closing words.\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "copied.md").write_text(f"# Notes\nWe wrote: {source.upper().replace(' ', ', ')}!\n")
    (repo / "ours.md").write_text(" ".join(reversed(source.split())) + "\n")
    (repo / "blob.bin").write_bytes(b"\0" + source.encode())
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    found = find_copies(repo, shared, vocabulary)
    assert found == {"copied.md": [source]}


def test_list_values_are_compared_without_schema_words(
    tmp_path: Path, vocabulary: Vocabulary
) -> None:
    """A real record's values re-typed into another layout are caught; prose keeps every word."""
    shared = tmp_path / "shared"
    shared.mkdir()
    record = (
        "<INDIVIDUAL><FIRST_NAME>OKSAN</FIRST_NAME><SECOND_NAME>PAEGYU</SECOND_NAME>"
        "<COMMENTS1>Ran a shipping office in Nampho for twenty years before</COMMENTS1>"
        "<LISTED_ON>2011-02-03</LISTED_ON></INDIVIDUAL>"
    )
    (shared / "list.xml").write_text(record + "\n")
    prose = "the name and address of the company and the country of its registration here"
    (shared / "notes.md").write_text(prose + "\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "fixture.csv").write_text(
        "name,comment,listed\nOksan Paegyu,Ran a shipping office in Nampho for twenty years"
        " before,2011-02-03\n"
    )
    (repo / "doc.md").write_text(f"We say: {prose}.\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    found = find_copies(repo, shared, vocabulary)
    assert found["fixture.csv"] == [
        "oksan paegyu ran a shipping office in nampho for twenty years before 2011 02 03"
    ]
    assert found["doc.md"] == [prose]


def test_schema_vocabulary_is_ignored_but_values_are_not(vocabulary: Vocabulary) -> None:
    line = "<INDIVIDUAL_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Kim Il</ALIAS_NAME>"
    assert vocabulary.words(line) == ["kim", "il"]
    assert vocabulary.words("Namchongang Trading, Pyongyang") == [
        "namchongang",
        "trading",
        "pyongyang",
    ]


def test_vocabulary_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text("version: 1\nvocabularies:\n  - tokens: [dataid]\n")
    with pytest.raises(ValueError, match="needs a 'name' and a 'why'"):
        load_vocabulary(bad)


def test_one_line_files_are_read_in_pieces_without_splitting_words(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    records = ",".join(f'{{"name": "Company {n}", "aliases": []}}' for n in range(20_000))
    path.write_text(f'{{"entities": [{records}]}}', encoding="utf-8")
    pieces = list(file_lines(path))
    assert len(pieces) > 5
    assert all(len(piece) <= 2 * CHUNK for piece in pieces)
    text = path.read_text(encoding="utf-8")
    assert "".join(pieces) == text
    assert [word for piece in pieces for word in WORD.findall(piece)] == WORD.findall(text)
