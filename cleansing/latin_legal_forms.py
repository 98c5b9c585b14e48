"""Legal forms at the end of a company name written in Latin letters, in many languages and spellings.

``KONINKLIJKE PHILIPS N.V.``, ``... N V`` and ``... NV`` are one company's name; so are ``FIAT S.P.A.`` and
``FIAT SPA``, ``BOSCH GMBH & CO. KG`` and ``BOSCH GMBH``. A form is matched on the name's last words,
whatever the punctuation between them, and a form written in single letters (``N V``) also matches its
letters written together (``NV``) or with dots (``N.V.``). Several forms may follow each other
(``CO., LTD.``); the name keeps at least one word. The forms come from ``vocab/latin_legal_forms.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from cleansing.config_files import read_yaml_mapping
from foundation.errors import UserError

__all__ = ["load_latin_legal_forms", "split_latin_legal_form"]

VOCAB_FILE = Path(__file__).parent / "vocab" / "latin_legal_forms.yaml"
_WORD = re.compile(r"[A-Z0-9]+")
_LATIN_TAIL = re.compile(r"[A-Z0-9][A-Z0-9 .,&/()'-]*$")
MAX_FORMS = 3
"""Forms stripped one after another at most (GMBH & CO. KG: three)."""


def _unaccented(char: str) -> str:
    """``É`` → ``E``: a letter without its marks, where that leaves one letter (else the letter itself)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if len(bare) == 1 else char


def _groups(text: str) -> tuple[list[str], list[int]]:
    """The words of ``text`` with each run of single letters written together (``S.A. DE C.V.`` →
    ``SA DE CV``) and accents left out (``SOCIÉTÉ`` → ``SOCIETE``), and where each group starts in ``text``."""
    groups: list[str] = []
    starts: list[int] = []
    single = False
    folded = text if text.isascii() else "".join(map(_unaccented, text))
    for match in _WORD.finditer(folded):
        word = match.group()
        if len(word) == 1 and single:
            groups[-1] += word
        else:
            groups.append(word)
            starts.append(match.start())
        single = len(word) == 1
    return groups, starts


@lru_cache(maxsize=4)
def load_latin_legal_forms(path: Path = VOCAB_FILE) -> tuple[frozenset[str], int]:
    """The forms as keys (:func:`_groups` joined by a space) and the most groups a key holds."""
    words = read_yaml_mapping(path, "vocabulary file", "latin_legal_forms: a list of forms").get(
        "latin_legal_forms"
    )
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise UserError(f"{path}: expected a key 'latin_legal_forms' holding a list of non-empty forms")
    keys = {" ".join(_groups(form.upper())[0]) for form in words}
    keys.discard("")
    return frozenset(keys), max(len(k.split()) for k in keys)


def split_latin_legal_form(name: str, path: Path = VOCAB_FILE) -> tuple[str, str | None]:
    """``(name without its trailing legal forms, the forms as written)`` for an upper-case name;
    the name unchanged and ``None`` where it ends in none or holds no Latin word before them."""
    if not _LATIN_TAIL.search(name if name.isascii() else "".join(map(_unaccented, name))):
        return name, None
    keys, longest = load_latin_legal_forms(path)
    groups, starts = _groups(name)
    end = len(groups)
    for _ in range(MAX_FORMS):
        size = next(
            (k for k in range(min(longest, end - 1), 0, -1) if " ".join(groups[end - k : end]) in keys), 0
        )
        if not size:
            break
        end -= size
    if end == len(groups):
        return name, None
    core = name[: starts[end]].rstrip(" ,.&/(-")
    if not core or not any(ch.isalpha() for ch in core):
        return name, None
    return core, name[starts[end] :].strip()
