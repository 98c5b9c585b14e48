"""What an export writes around a company's name that is not the name.

A legacy ERP marks a customer it stopped using (``【停用】深圳华强商贸有限公司``, ``ZZ深圳华强…``,
``…有限公司-作废``) or puts its own record code first (``A001 深圳华强…``, ``[0123]深圳华强…``); a
salesperson's spreadsheet adds the contact (``华强商贸-张总``, ``深圳华强商贸有限公司(李经理)``) or a phone
number, wraps the name in quotes or ends it with a full stop. An English-language ERP writes ``ZZ DO NOT USE
ACME LTD``, ``ACME LTD (INACTIVE)``, ``ACME LTD ATTN: JOHN SMITH``. None of it names the company: it is read
away before the name is parsed, and the standardised name (``name_normalised``) is the name without it, so that
the record meets the other records of its company and a golden record carries no source's mark. The source
record keeps its name as written.

Only what cannot be part of a registered name is read away: a status word, a record code of letters and
three digits or more (``K11购物中心``, ``3M中国`` and ``365便利店`` keep theirs), a family name with a
title (``李先生`` alone stays a name), a mobile or landline number; an English one-word status only after
punctuation or in brackets (``CLOSED LOOP SYSTEMS`` is a name).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cleansing.family_names import COMMON_SURNAMES, COMPOUND_SURNAMES
from cleansing.latin_legal_forms import split_latin_legal_form
from cleansing.text import chinese_characters

__all__ = ["read_away_notes"]

_CJK = "\u3400-\u9fff"
_SEPARATORS = r"\-_/,，、:：;；*#\s"
_STATUS_WORDS = "不再使用|已停用|已作废|已注销|已删除|停止合作|停用|作废|禁用|不用|勿用|弃用|注销|废弃|删除|无效|冻结|重复"
"""How a system or a steward marks a record no longer used (the longest first)."""
_TITLES = "总经理|董事长|老板娘|经理|老板|老总|先生|女士|小姐|老师|主任|店长|厂长|会计|采购|总"
"""Titles a contact is written with after a family name (张总, 李经理)."""
_FAMILIAR_TITLES = "姐|哥"
"""Familiar titles (王姐, 刘哥), read as a contact only after a separator or in brackets: 包大哥 may be a shop."""
_SURNAMES = "|".join((*COMPOUND_SURNAMES, *sorted(COMMON_SURNAMES)))
_PHONE = r"(?:\+?86[\-\s]?)?(?:1[3-9]\d[\-\s]?\d{4}[\-\s]?\d{4}|0\d{2,3}[\-\s]?\d{7,8})"

_STATUS_FIRST = re.compile(rf"^(?:\((?:{_STATUS_WORDS})\)|(?:{_STATUS_WORDS}))[{_SEPARATORS}]*(?=[{_CJK}])")
_STATUS_LAST = re.compile(rf"[{_SEPARATORS}]*(?:\((?:{_STATUS_WORDS})\)|(?:{_STATUS_WORDS}))$")
_MARKS_FIRST = re.compile(rf"^(?:[*#★☆!！?？]+|(?:ZZ|XX)[{_SEPARATORS}]*)(?=[{_CJK}(])")
_CODE_FIRST = re.compile(
    rf"^(?:\([A-Z0-9\-_.]*\d[A-Z0-9\-_.]*\)|[A-Z]{{1,4}}\d{{3,}}[{_SEPARATORS}.]*|\d{{3,}}[{_SEPARATORS}.]+)(?=[{_CJK}])"
)
"""A record code before the name: bracketed (``[0123]``), letters then three digits or more (``A001``), or
digits with a separator (``0123-``)."""
_CONTACT_LABELS = "联系人|负责人|法人|收货人"
_PHONE_LABELS = "电话|手机|TEL|MOBILE"
_LABEL_LAST = re.compile(rf"(?:{_CONTACT_LABELS}|{_PHONE_LABELS})[:：]?$")
_CONTACT = rf"(?:{_SURNAMES})[{_CJK}]{{0,2}}?"
_CONTACT_APART = re.compile(
    rf"^(.+)(?:[{_SEPARATORS}]+|\()(?:{_CONTACT}(?:{_TITLES}|{_FAMILIAR_TITLES}))\)?$"
)
"""A contact after a separator or in brackets (``华强商贸-张总``, ``王芳(李经理)``)."""
_CONTACT_JOINED = re.compile(rf"^(.+){_CONTACT}(?:{_TITLES})$")
"""A contact written straight after the name, the shortest such ending (``…有限公司张经理`` is 张经理, not
司张经理); read only where four characters stay (杜丹宁先生 is a person with a title)."""
_CONTACT_BRACKET_LAST = re.compile(rf"^(.+?)\((?:{_CONTACT_LABELS})[^()]*\)$")
_PHONE_LAST = re.compile(
    rf"^(.+?)(?:\((?:{_PHONE_LABELS})?[:：]?{_PHONE}\)|[{_SEPARATORS}]*(?:{_PHONE_LABELS})?[:：]?{_PHONE})$"
)
_QUOTES = "\"'“”‘’「」『』《》"
_STOPS = "。，,;；"
_SEPARATORS_TEXT = "-_/,，、:：;；*# "
_CJK_FIRST = re.compile(f"[{_CJK}]")
_STATUS_TUPLE = tuple(_STATUS_WORDS.split("|"))
_LAST_WORDS = tuple(f"{_TITLES}|{_FAMILIAR_TITLES}|{_STATUS_WORDS}".split("|"))
"""How a contact or a status written after a name ends."""
_NOTE_FIRST_CHARACTERS = frozenset(word[0] for word in _STATUS_TUPLE)
_NOTE_LAST_CHARACTERS = frozenset(
    {word[-1] for word in _LAST_WORDS} | set("0123456789)") | set(_QUOTES) | set(_STOPS) | {" "}
)
_MIN_NAME = 2
"""Chinese characters a name keeps at least once its notes are read away."""
_MIN_COMPANY_NAME = 4
"""Chinese characters a name keeps at least once a contact after it is read away."""


def read_away_notes(name: str, *, contacts: bool = True) -> str:
    """``name`` (a normalised company name: ASCII brackets, Latin upper-case) without what an export
    writes around it. A Chinese name keeps two Chinese characters at least, a Latin name a word of two
    letters; a name that would keep less comes back as it is. Without ``contacts`` a family name and a
    title at the end stay (a person's own name: 杜丹宁先生)."""
    first = name[:1]
    if (
        "\u3400" <= first <= "\u9fff"
        and first not in _NOTE_FIRST_CHARACTERS
        and name[-1] not in _NOTE_LAST_CHARACTERS
    ):
        return name  # most names: a Chinese character first and last, neither one a note's
    if _CJK_FIRST.search(name) is None:
        return _latin_notes_read_away(name)
    text = name.strip(_QUOTES).rstrip(_STOPS).strip(_QUOTES).strip()
    if not _CJK_FIRST.match(text) or text.startswith(_STATUS_TUPLE):  # most names: nothing before them
        for pattern in (_STATUS_FIRST, _MARKS_FIRST, _CODE_FIRST, _STATUS_FIRST):
            text = _shorter(text, pattern, _keeps_a_chinese_name)
    for _ in range(2):  # 华强商贸 张总 13800000000: the number, then the contact
        before = text
        end = text.rstrip(")")
        if end.endswith(_LAST_WORDS):  # most names end in none of them: no pattern to try
            if contacts:
                text = _shorter(text, _CONTACT_APART, _keeps_a_chinese_name)
                text = _shorter(text, _CONTACT_JOINED, _keeps_a_company_name)
            text = _shorter(text, _STATUS_LAST, _keeps_a_chinese_name)
        elif end[-1:].isdigit():
            text = _shorter(text, _PHONE_LAST, _keeps_a_chinese_name)
        if text.endswith(")"):
            text = _shorter(text, _CONTACT_BRACKET_LAST, _keeps_a_chinese_name)
        if text == before:
            break
    return text


_LATIN_STATUS_PHRASES = (
    "DO NOT USE|DONT USE|DON'T USE|NOT TO BE USED|NOT IN USE|NO LONGER IN USE|NO LONGER USED"
)
_LATIN_STATUS = (
    f"{_LATIN_STATUS_PHRASES}|INACTIVE|OBSOLETE|DUPLICATE|DUPL|DUP|CLOSED|DELETED|BLOCKED|DORMANT|DEFUNCT"
)
"""How an English-language system or steward marks a customer no longer used (``ZZ DO NOT USE ACME LTD``);
a one-word status is read as one only after punctuation or in brackets (``CLOSED LOOP SYSTEMS`` is a name)."""
_LATIN_GAP = r"[\s\-_:;,*/.]"
_LATIN_FIRST = re.compile(
    rf"^(?:\*+|Z{{2,}}(?={_LATIN_GAP})|X{{2,}}(?={_LATIN_GAP})|\((?:{_LATIN_STATUS}|\d{{3,}})\)|"
    rf"(?:{_LATIN_STATUS_PHRASES})(?={_LATIN_GAP})|(?:{_LATIN_STATUS})(?=\s*[\-:;*/])|\d{{4,}}\s*-\s)({_LATIN_GAP}*)"
)
"""A mark before the name: ``**``, ``ZZ``, ``XX``, a status, a record code in brackets or before a dash."""
_LATIN_LAST = re.compile(
    rf"^(.+?)(?:\s*\((?:{_LATIN_STATUS}|\d{{3,}})[^()]*\)|\s*[\-_:;,*/]+\s*(?:{_LATIN_STATUS})\**"
    rf"|\s+(?:{_LATIN_STATUS_PHRASES})|\s*[,\-]?\s*\(?(?:ATTN|ATTENTION|C/O)\b.*)$"
)
"""A status after the name (``(INACTIVE)``, ``- CLOSED``, ``** DO NOT USE **``), or the person it is addressed to
(``ATTN: JOHN SMITH``, ``C/O …``)."""
_LATIN_WORD = re.compile(r"[A-Z0-9]{2,}")
_LATIN_NOTE_LAST_HINT = re.compile(r"[()\-_:;,*/]|USE|ATTN|ATTENTION")
"""What every note :data:`_LATIN_LAST` reads holds: most names hold none of it and need no closer look."""
_LATIN_STATUS_WORDS = frozenset(_LATIN_STATUS.split("|"))


def _latin_notes_read_away(name: str) -> str:
    text = name.strip(_QUOTES).strip()
    for _ in range(3):  # ZZ DO NOT USE ACME: the mark, then the status
        found = _LATIN_FIRST.match(text)
        if found is None or not _keeps_a_latin_name(text[found.end() :]):
            break
        text = text[found.end() :].strip()
    for _ in range(2):
        if _LATIN_NOTE_LAST_HINT.search(text) is None:
            break
        text = _shorter(text.rstrip("* "), _LATIN_LAST, _keeps_a_latin_name)
    return text


def _keeps_a_chinese_name(text: str) -> bool:
    return chinese_characters(text) >= _MIN_NAME


def _keeps_a_company_name(text: str) -> bool:
    """Four Chinese characters or more stay: 杜丹宁先生 is a person with a title, 华强商贸张总 a company and
    its contact."""
    return chinese_characters(text) >= _MIN_COMPANY_NAME


def _keeps_a_latin_name(text: str) -> bool:
    """A word of two letters or digits stays, besides a legal form (``DUP LTD`` is no name without DUP)."""
    body, _ = split_latin_legal_form(text.strip(" -_*().,"))
    return _LATIN_WORD.search(body) is not None and body not in _LATIN_STATUS_WORDS


def _shorter(text: str, pattern: re.Pattern[str], keeps: Callable[[str], bool]) -> str:
    """``text`` without what ``pattern`` matches (with a group: ``text`` is that group), where what stays
    ``keeps`` a name."""
    if pattern.groups:
        found = pattern.match(text)
        shorter = text
        if found is not None:
            kept = found.group(1).rstrip(_SEPARATORS_TEXT + "(")
            shorter = _LABEL_LAST.sub("", kept).rstrip(_SEPARATORS_TEXT + "(")
    else:
        shorter = pattern.sub("", text, count=1).strip()
    return shorter if shorter != text and keeps(shorter) else text
