"""Read each supported format into text plus whatever metadata the format itself declares.

The text returned here becomes ``documents.original_text``: for plain text and Markdown it is the
decoded file, for HTML the main text trafilatura extracts from the markup, for PDF the text layer
pypdf reads page by page. Statement spans point into this text.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

import trafilatura
import yaml
from pypdf import PdfReader

from sanctionwatch.ingest.decode import decode_bytes
from sanctionwatch.ingest.types import IngestError

TEXT = "text/plain"
MARKDOWN = "text/markdown"
HTML = "text/html"
PDF = "application/pdf"

MEDIA_TYPES: dict[str, str] = {
    ".txt": TEXT,
    ".text": TEXT,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".pdf": PDF,
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
# Fewer words than this after extraction means trafilatura found navigation, not an article.
MIN_MAIN_TEXT_WORDS = 8
HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<p>)", re.I)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@dataclass(slots=True)
class Parsed:
    """A document's text and the metadata its format declared (dates are ISO strings)."""

    text: str
    media_type: str
    encoding: str | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    date_method: str | None = None


def media_type_for(name: str) -> str | None:
    """Media type from a file name's extension, or None if the format is not supported."""
    return MEDIA_TYPES.get(PurePath(name).suffix.lower())


def sniff_media_type(data: bytes) -> str:
    """Guess the media type of bytes that came without a name (uploads, feeds)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if HTML_SNIFF.match(data[:1024]):
        return HTML
    return TEXT


def parse(data: bytes, media_type: str) -> Parsed:
    """Read ``data`` as ``media_type``; raise :class:`IngestError` when it cannot be read."""
    if media_type == PDF:
        return _parse_pdf(data)
    if media_type == HTML:
        return _parse_html(data)
    decoded = decode_bytes(data)
    parsed = Parsed(text=decoded.text, media_type=media_type, encoding=decoded.encoding)
    if media_type == MARKDOWN:
        _read_front_matter(parsed)
    return parsed


def _parse_html(data: bytes) -> Parsed:
    decoded = decode_bytes(data, html=True)
    result = trafilatura.bare_extraction(
        decoded.text,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    if len(text.split()) < MIN_MAIN_TEXT_WORDS:
        raise IngestError(
            "no main text found in the HTML page (navigation or scripts only?); "
            "save the article text as .txt instead"
        )
    parsed = Parsed(text=text, media_type=HTML, encoding=decoded.encoding)
    parsed.title = _clean_value(getattr(result, "title", None))
    parsed.url = _clean_value(getattr(result, "url", None))
    parsed.publisher = _clean_value(getattr(result, "sitename", None)) or _clean_value(
        getattr(result, "hostname", None)
    )
    parsed.authors = _split_authors(getattr(result, "author", None))
    date = _clean_value(getattr(result, "date", None))
    if date:
        parsed.date = date
        parsed.date_method = "html-metadata"
    return parsed


def _parse_pdf(data: bytes) -> Parsed:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("PDF is encrypted; save an unencrypted copy and retry")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except IngestError:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise IngestError(f"corrupt or unreadable PDF ({type(error).__name__}: {error})") from error
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise IngestError("PDF has no text layer (a scanned image?); run OCR on it first")
    parsed = Parsed(text=text, media_type=PDF)
    if info is not None:
        parsed.title = _clean_value(info.title)
        parsed.authors = _split_authors(info.author)
        created = _pdf_date(info)
        if created:
            parsed.date = created
            parsed.date_method = "pdf-creation-date"
    return parsed


def _pdf_date(info: Any) -> str | None:
    try:
        created = info.creation_date
    except (ValueError, TypeError):
        return None
    return created.date().isoformat() if isinstance(created, datetime) else None


def _read_front_matter(parsed: Parsed) -> None:
    """Take title, url, publisher, authors and date from a Markdown YAML front-matter block."""
    match = FRONT_MATTER.match(parsed.text)
    if not match:
        return
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return
    if not isinstance(meta, dict):
        return
    parsed.title = _clean_value(meta.get("title"))
    parsed.url = _clean_value(meta.get("url") or meta.get("source"))
    parsed.publisher = _clean_value(meta.get("publisher"))
    authors = meta.get("authors", meta.get("author"))
    if isinstance(authors, list):
        parsed.authors = [str(author).strip() for author in authors if str(author).strip()]
    else:
        parsed.authors = _split_authors(authors)
    date = meta.get("date") or meta.get("published")
    if date:
        value = date.isoformat() if hasattr(date, "isoformat") else str(date).strip()
        parsed.date = value
        parsed.date_method = "front-matter"


def _clean_value(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _split_authors(value: Any) -> list[str]:
    text = _clean_value(value)
    if not text:
        return []
    parts = re.split(r";|\s+and\s+|,\s*(?=[A-Z])|\|", text)
    return [part.strip() for part in parts if part.strip()]
