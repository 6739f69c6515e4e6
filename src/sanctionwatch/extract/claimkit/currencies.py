"""How sums of money are written: currency symbols, codes and words as data.

``data/extract/claims/currencies.yaml`` maps each ISO code to the symbols and codes written
before the digits ("N$600 million", "USD 1,000") and the words written after them ("5 billion
South Korean won"). The number reader builds its currency patterns from it, longest form first,
so that "Namibian dollars" is NAD while "dollars" alone is USD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.settings import DATA_DIR

CURRENCIES_PATH = DATA_DIR / "extract" / "claims" / "currencies.yaml"
ISO_CODE = re.compile(r"[A-Z]{3}")
FIELDS = ("symbols", "codes", "words")


class CurrencyFileError(RuleFileError):
    """The currency file is missing, unreadable or malformed (the message names the file)."""


@dataclass(frozen=True)
class Currencies:
    version: str
    before: dict[str, str]
    """Symbol or code written before the digits (folded, spaces removed) -> ISO code."""
    after: dict[str, str]
    """Word written after the digits (lower case, single spaces) -> ISO code."""
    written_before: tuple[str, ...] = ()
    """The symbols and codes as the file writes them, for the pattern."""

    def prefix_pattern(self) -> str:
        """Regex of every form written before the digits ("US$ ", "N$", "USD ")."""
        forms = sorted(self.written_before, key=len, reverse=True)
        return "(?:" + "|".join(_prefix(form) for form in forms) + ")"

    def suffix_pattern(self) -> str:
        """Regex of every word written after the digits (" South Korean won", " USD")."""
        words = sorted(self.after, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in words)
        return rf"(?:\s+(?:{body})\b)"

    def code_before(self, written: str) -> str | None:
        return self.before.get(_fold_symbol(written))

    def code_after(self, written: str) -> str | None:
        return self.after.get(" ".join(written.lower().split()))


def _fold_symbol(written: str) -> str:
    return re.sub(r"[\s\\]+", "", written).lower()


def _prefix(form: str) -> str:
    """ "US$" -> a pattern allowing "U.S.$", a space after, and "\\$" (markdown's escape)."""
    parts = []
    for char in form:
        if char == "$":
            parts.append(r"\\?\$")
        elif char == " ":
            parts.append(r"\s?")
        else:
            parts.append(re.escape(char))
    opening = r"\b" if form[0].isalnum() else ""
    # a code or letters ("USD 1,000", "RM5") only right before digits; a symbol may be spaced
    closing = r"\s?(?=\d)" if form.isalpha() else r"\s?"
    return opening + "".join(parts) + closing


def parse_currencies(data: Any, path: Path) -> Currencies:
    """Validate the parsed YAML of a currency file into :class:`Currencies`."""
    if not isinstance(data, dict) or "version" not in data:
        raise CurrencyFileError(f"{path}: not a currency file (no `version`)")
    table = data.get("currencies")
    if not isinstance(table, dict) or not table:
        raise CurrencyFileError(f"{path}: `currencies` must map ISO codes to their forms")
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    raw_before: list[str] = []
    for code, forms in table.items():
        where = f"{path}: currencies.{code}"
        if not isinstance(code, str) or not ISO_CODE.fullmatch(code):
            raise CurrencyFileError(f"{where}: the key must be an ISO code (three capitals)")
        if not isinstance(forms, dict) or set(forms) - set(FIELDS):
            raise CurrencyFileError(f"{where}: expected only {list(FIELDS)}")
        lists = {name: forms.get(name) or [] for name in FIELDS}  # "symbols:" left empty: none
        for field_name, values in lists.items():
            if not isinstance(values, list) or not all(
                isinstance(v, str) and v.strip() for v in values
            ):
                raise CurrencyFileError(f"{where}.{field_name}: expected a list of strings")
        for form in [*lists["symbols"], *lists["codes"]]:
            folded = _fold_symbol(form)
            if before.get(folded, code) != code:
                raise CurrencyFileError(f"{where}: {form!r} is already {before[folded]}")
            before[folded] = code
            raw_before.append(form)
        for word in lists["words"]:
            folded = " ".join(word.lower().split())
            if after.get(folded, code) != code:
                raise CurrencyFileError(f"{where}: {word!r} is already {after[folded]}")
            after[folded] = code
    return Currencies(str(data["version"]), before, after, tuple(raw_before))


def load_currencies(path: Path = CURRENCIES_PATH) -> Currencies:
    """Read and validate a currency file; errors name the file and the field."""
    return parse_currencies(read_rule_file(path, "currencies", CurrencyFileError), path)


@lru_cache(maxsize=1)
def default_currencies() -> Currencies:
    return load_currencies()
