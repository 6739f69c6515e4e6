"""Turn a document's bytes into text: byte-order mark, UTF-8, a declared charset, then detection.

Binary data renamed to ``.txt`` is refused here, before anything tries to read it as prose.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from sanctionwatch.ingest.types import IngestError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy single-byte encodings that decode ordinary Western text identically; when detection
# picks one of them and cp1252 yields the same text, cp1252 is the honest label.
WESTERN_LOOKALIKES = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_15", "cp850", "cp775"}
)
DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
SNIFF_BYTES = 64 * 1024
MAX_CONTROL_RATIO = 0.02
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str


def decode_bytes(data: bytes, *, html: bool = False) -> DecodedText:
    """Decode ``data`` or raise :class:`IngestError` saying why it is not text."""
    if not data.strip():
        raise IngestError("file is empty")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom) :], encoding.removesuffix("-sig")), encoding)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise IngestError("binary data (NUL bytes), not text; convert it to .txt, .html or .pdf")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared_charset(data)
        if declared:
            return _checked(_strict(data, declared), declared)
    return _checked(*_detected(data))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise IngestError(f"cannot decode as {encoding}: {error}") from error


def _declared_charset(data: bytes) -> str | None:
    match = DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _detected(data: bytes) -> tuple[str, str]:
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("unknown text encoding or binary data; save it as UTF-8 and retry")
    text = str(best)
    encoding = best.encoding
    if encoding in WESTERN_LOOKALIKES and encoding != "cp1252":
        try:
            if data.decode("cp1252") == text:
                encoding = "cp1252"
        except UnicodeDecodeError:
            pass
    return text, encoding


def _checked(text: str, encoding: str) -> DecodedText:
    """Refuse text dominated by control characters (binary that happened to decode)."""
    sample = text[:SNIFF_BYTES]
    controls = len(CONTROL_CHARS.findall(sample))
    if sample and controls / len(sample) > MAX_CONTROL_RATIO:
        raise IngestError(
            f"binary data ({controls} control characters in {len(sample)}), not text; "
            "convert it to .txt, .html or .pdf"
        )
    if not text.strip():
        raise IngestError("file has no text")
    return DecodedText(text=text, encoding=encoding)
