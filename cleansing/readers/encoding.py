"""Decode the bytes of a text export without ever replacing a character silently.

Chinese legacy exports come as UTF-8 (with or without BOM), GBK/GB18030 or Big5. The order
of trust: a byte-order mark; a strict UTF-8 decode; then GB18030 and Big5, each strict. Big5
bytes almost always also decode as GB18030 (into nonsense), so when both succeed
charset-normalizer breaks the tie. A byte no candidate accepts is an error naming the line,
never a replacement character.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import UserError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE_BYTES = 256 * 1024
_DISPLAY = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "gb18030": "GB18030/GBK", "big5": "Big5"}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    """Python codec name actually used (``utf-8-sig``, ``gb18030``, ``big5`` …)."""


def canonical_codec(name: str, path: Path) -> str:
    """Return the codec name for a declared encoding; GBK and GB2312 widen to GB18030 (a superset)."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise UserError(
            f"{path}: unknown encoding {name!r} in the mapping; use utf-8, gb18030, gbk or big5"
        ) from None
    return "gb18030" if codec in ("gbk", "gb2312") else codec


def display_name(codec: str) -> str:
    return _DISPLAY.get(codec, codec)


def detect_bom(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def decode_text(data: bytes, path: Path, declared: str | None = None) -> DecodedText:
    """Decode ``data`` strictly: the declared encoding, or the first candidate that fits every byte."""
    if declared:
        codec = canonical_codec(declared, path)
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return DecodedText(data.decode(codec), codec)
        except UnicodeDecodeError as exc:
            better, _ = _first_fitting(data, exclude=codec)
            hint = (
                f"; it reads as {display_name(better)}: set encoding: {better} in the mapping"
                if better
                else ""
            )
            raise UserError(
                f"{path}: not valid {display_name(codec)} at line {_line_of(data, exc.start)} "
                f"(byte 0x{data[exc.start]:02X}){hint}"
            ) from None
    bom = detect_bom(data)
    if bom:
        try:
            return DecodedText(data.decode(bom), bom)
        except UnicodeDecodeError as exc:
            raise UserError(
                f"{path}: starts with a {display_name(bom)} byte-order mark but is not valid "
                f"{display_name(bom)} at line {_line_of(data, exc.start)}; re-export it"
            ) from None
    fitting, text = _first_fitting(data)
    if fitting is None or text is None:
        raise UserError(
            f"{path}: cannot tell the text encoding (not UTF-8, GB18030/GBK or Big5 throughout); "
            "declare encoding: in the mapping or re-export as UTF-8"
        )
    return DecodedText(text, fitting)


def _first_fitting(data: bytes, exclude: str = "") -> tuple[str | None, str | None]:
    """Return the first strict candidate and its text; GB18030 and Big5 both fitting is a tie."""
    texts: dict[str, str] = {}
    for codec in ("utf-8", "gb18030", "big5"):
        if codec == exclude:
            continue
        try:
            texts[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8":
            break
    if "gb18030" in texts and "big5" in texts:
        codec = _break_tie(data)
        return codec, texts[codec]
    for codec, text in texts.items():
        return codec, text
    return None, None


def _break_tie(data: bytes) -> str:
    """Big5 only when charset-normalizer finds it strictly less chaotic: a tie means GB18030."""
    from charset_normalizer import from_bytes

    chaos = {"gb18030": 1.0, "big5": 1.0}
    for match in from_bytes(data[:_SAMPLE_BYTES], cp_isolation=["gb18030", "big5"]):
        codec = "big5" if match.encoding in ("big5", "cp950", "big5hkscs") else "gb18030"
        chaos[codec] = min(chaos[codec], match.chaos)
    return "big5" if chaos["big5"] < chaos["gb18030"] else "gb18030"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
