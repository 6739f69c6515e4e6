from __future__ import annotations

import re
from pathlib import Path

import pytest

from sanctionwatch.ingest.clean import MIXED_SCRIPT_WORD, Cleaned, clean_text, spam_score
from sanctionwatch.ingest.rules import load_rules

URL = re.compile(r"https?://|www\.", re.I)
COMMENT_HEADER = re.compile(r"comments? (are|is) closed|leave a (reply|comment)|\d+ comments", re.I)


def assert_offsets_exact(original: str, cleaned: Cleaned) -> None:
    """Every piece of the cleaned text is the identical substring of the original."""
    covered = 0
    for clean_start, original_start, length in cleaned.offsets.to_json():
        assert clean_start == covered, "pieces must tile the cleaned text"
        piece = cleaned.text[clean_start : clean_start + length]
        assert piece == original[original_start : original_start + length]
        covered += length
    assert covered == len(cleaned.text)


def assert_spans_map_back(original: str, cleaned: Cleaned) -> None:
    for match in re.finditer(r"\w+", cleaned.text):
        start, end = cleaned.offsets.span_to_original(*match.span())
        assert original[start:end] == match.group()


ARTICLE = """Workers abroad

Hundreds of workers were sent to Vladivostok in 2018, the ministry said.
The firm denied any wrongdoing.
"""


def test_comment_section_and_everything_after_it_goes() -> None:
    text = ARTICLE + "\n3 Comments\n\nivan_k says:\nMarch 4, 2019 at 9:12 pm\nSo true.\nReply\n"
    cleaned = clean_text(text)
    assert cleaned.text.endswith("The firm denied any wrongdoing.")
    assert "says" not in cleaned.text
    assert cleaned.removed_by("comment-section")
    assert_offsets_exact(text, cleaned)


def test_headerless_comment_tail_is_dropped_by_score() -> None:
    tail = (
        "anna_p says:\n12 hours ago\nGreat post, thanks for sharing! Visit my page "
        "https://spam.example/cheap-backlinks\n"
    )
    cleaned = clean_text(ARTICLE + tail)
    assert not URL.search(cleaned.text)
    assert "anna_p" not in cleaned.text
    assert cleaned.removed_by("spam-tail")


def test_homoglyph_spam_is_dropped_but_plain_cyrillic_is_kept() -> None:
    spam = "I visited this wеbsite again, it is genuinеly good https://x.example/seo\n"
    russian = "The company ООО «Мехянсан» is registered in Irkutsk.\n"
    cleaned = clean_text(ARTICLE + russian + spam)
    assert "ООО «Мехянсан»" in cleaned.text
    assert not MIXED_SCRIPT_WORD.search(cleaned.text)
    assert not URL.search(cleaned.text)


def test_a_single_reference_url_in_the_body_is_not_spam() -> None:
    rules = load_rules()
    line = "The designation notice is published by the Treasury at https://home.treasury.gov/news."
    assert spam_score(line, rules.spam) < rules.spam.threshold


def test_run_in_captions_and_the_fragment_they_cut_are_removed() -> None:
    text = (
        "The minister spoke at length. FILE – A worker walks past a building site in "
        "Vladivostok, Russia, Oct. 2, 2018.The decision was announced by the ministry on a "
        "FILE – Officials meet at U.N. headquarters in New York, March 7, 2013.Talks resumed "
        "in May, the ministry said."
    )
    cleaned = clean_text(text)
    assert "FILE" not in cleaned.text
    assert "building site" not in cleaned.text
    assert "announced by the ministry on a" not in cleaned.text
    assert cleaned.text == "The minister spoke at length. Talks resumed in May, the ministry said."
    assert_offsets_exact(text, cleaned)


def test_caption_lines_credits_copyright_disclaimer_and_share_lines_go() -> None:
    text = (
        "Officials confirmed the closure of the restaurant.\n"
        "Photo: Anna Lee/Reuters\n"
        "A worker at a site in Khabarovsk. (AP Photo/Ivan Petrov)\n"
        "The company moved to a new address (AP Photo/Ivan Petrov) in 2019.\n"
        "Share this article\n"
        "Subscribe to our newsletter\n"
        "Disclaimer: The views expressed are those of the author.\n"
        "Copyright 2019 Example Media. All rights reserved.\n"
        "© 2020 Example News\n"
    )
    cleaned = clean_text(text)
    assert cleaned.text == (
        "Officials confirmed the closure of the restaurant.\n"
        "The company moved to a new address in 2019."
    )
    assert_offsets_exact(text, cleaned)


def test_credit_sentence_at_the_end_of_a_paragraph_goes() -> None:
    text = "The firm closed in 2019. Jane Roe and John Doe contributed to this report.\n"
    cleaned = clean_text(text)
    assert cleaned.text == "The firm closed in 2019."


def test_whitespace_is_normalised_without_inventing_characters() -> None:
    text = (
        "  Title  \r\n\r\n\r\n\r\nFirst   line\u200b here\t\t end.  \n\n\n\n\n"
        "second part of the\n\nsame"
    )
    cleaned = clean_text(text)
    assert cleaned.text == "Title\n\nFirst line here end.\n\nsecond part of the\nsame"
    assert_offsets_exact(text, cleaned)
    assert_spans_map_back(text, cleaned)


def test_markdown_markup_and_front_matter_are_removed() -> None:
    text = (
        "---\ntitle: A report\ndate: 2019-12-22\n---\n"
        "# Heading\n\nThe *Rungrado* group paid \\$1 million, see [the notice](https://x.example/n).\n"
    )
    cleaned = clean_text(text)
    assert cleaned.text == "Heading\n\nThe Rungrado group paid $1 million, see the notice."
    assert_offsets_exact(text, cleaned)


def test_a_comment_word_early_in_the_article_does_not_cut_it() -> None:
    text = "Comments\n" + "The ministry declined to comment on the case. " * 20
    cleaned = clean_text(text)
    assert len(cleaned.text) > len(text) * 0.9


def test_seeds_clean_without_comments_spam_or_captions(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        original = seed.read_text(encoding="utf-8")
        cleaned = clean_text(original)
        assert len(cleaned.text) > 0.6 * len(original.strip()), seed.name
        assert not URL.search(cleaned.text), seed.name
        assert not COMMENT_HEADER.search(cleaned.text), seed.name
        assert not MIXED_SCRIPT_WORD.search(cleaned.text), seed.name
        assert not re.search(r"\bFILE\s?[–—-]\s", cleaned.text), seed.name
        assert "©" not in cleaned.text, seed.name
        rules = load_rules()
        last_line = cleaned.text.rsplit("\n", 1)[-1]
        assert spam_score(last_line, rules.spam) < rules.spam.threshold, seed.name
        assert_offsets_exact(original, cleaned)
        assert_spans_map_back(original, cleaned)


@pytest.mark.parametrize("size", [0, 1, 5])
def test_tiny_inputs(size: int) -> None:
    text = "x" * size
    cleaned = clean_text(text)
    assert cleaned.text == text
    assert_offsets_exact(text, cleaned)
