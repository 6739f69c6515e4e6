from __future__ import annotations

import codecs

import pytest

from sanctionwatch.ingest.decode import decode_bytes
from sanctionwatch.ingest.types import IngestError

RUSSIAN = (
    "Компания ООО «Мехянсан» зарегистрирована в Иркутске. По данным реестра, её учредители "
    "носят корейские имена, но указаны как граждане России и Китая."
)
ENGLISH = "The firm said it had “no knowledge” of the workers’ visas — a claim investigators doubt."


def test_cp1251_russian() -> None:
    decoded = decode_bytes(RUSSIAN.encode("cp1251"))
    assert decoded.text == RUSSIAN
    assert decoded.encoding == "cp1251"


def test_cp1252_curly_quotes() -> None:
    decoded = decode_bytes(ENGLISH.encode("cp1252"))
    assert decoded.text == ENGLISH
    assert decoded.encoding == "cp1252"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_byte_order_marks(bom: bytes, codec: str) -> None:
    decoded = decode_bytes(bom + (RUSSIAN + " " + ENGLISH).encode(codec))
    assert decoded.text == RUSSIAN + " " + ENGLISH
    assert not decoded.text.startswith("\ufeff")


def test_binary_is_refused() -> None:
    with pytest.raises(IngestError, match="binary data"):
        decode_bytes(bytes(range(256)) * 4)
    with pytest.raises(IngestError, match="binary data"):
        decode_bytes(b"\x01\x02\x03\x04\x05\x06hello\x07\x08" * 50)


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_empty_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError, match="empty"):
        decode_bytes(data)
