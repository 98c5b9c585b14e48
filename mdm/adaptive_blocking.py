"""Blocking rules that do not depend on our own columns: identifiers of any country, dates,
postcodes, and a schema-agnostic generator over every name, address and free-text column.

The agnostic rule gives each record its few rarest *shared* text tokens (Latin words, Chinese
character bigrams, digit runs) from all its names, addresses and free text, whatever the column:
two records that share an unusual word anywhere — a surname with a typo elsewhere, a street name,
an alias, a model number in a description — meet, without an exact name, prefix or city in common. Tokens that occur only
once cannot pair anything and are skipped; each record keeps at most :data:`TOKENS_PER_RECORD`
and meets at most a window of neighbours per token, so the candidates grow linearly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mdm.blocking import (
    _LATIN_STOPWORDS,
    BlockingRule,
    _col,
    _column_codes,
    _combined_keys,
    _single_keys,
    current_columns,
    set_keys,
)
from mdm.comparators import map_uniques
from mdm.roles import MASK
from mdm.tokens import ValueTokens, column_tokens, tokenise, vocabulary_of

TOKENS_PER_RECORD = 3
TEXT_PREFIX = "input:"
TEXT_COLUMNS = ("name_core", "person_name", "other_names", "address_detail")
NAME_COLUMNS = frozenset({"name_core", "person_name"})


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Every name, address and free-text column of a standardised frame."""
    present = [c for c in TEXT_COLUMNS if c in frame.columns]
    return present + [c for c in frame.columns if str(c).startswith(TEXT_PREFIX)]


def rare_text_token_keys(
    frame: pd.DataFrame, wanted: np.ndarray | None = None, rarest: int = TOKENS_PER_RECORD
) -> pd.DataFrame:
    """Blocks on the ``rarest`` shared tokens of each ``wanted`` record (all records by default).

    A token is shared when at least two records hold it, in any text column. Each wanted record
    keys its ``rarest`` shared tokens; every other record holding one of those tokens joins the
    block, so a rich record that other rules already paired is still found by a thin one that
    shares its rare word. Tokens are counted per record and column (a word in both the name and
    the address counts twice: a rough frequency is enough to rank rarity).
    """
    n = len(frame)
    if wanted is None:
        wanted = np.ones(n, dtype=bool)
    cols = current_columns(frame)
    vocabulary = vocabulary_of(cols)
    columns = text_columns(frame)
    # Names' tokens stay cached for the comparisons; the others are needed here only.
    per_column = [
        (
            cols.codes(c),
            len(cols.uniques(c)),
            column_tokens(cols, c) if c in NAME_COLUMNS else tokenise(cols.uniques(c), vocabulary),
        )
        for c in columns
    ]
    stop = np.sort(vocabulary.known(_LATIN_STOPWORDS))
    # How many records hold each token.
    token_parts, weight_parts = [], []
    for codes, n_values, tokens in per_column:
        records_per_value = np.bincount(codes[codes >= 0], minlength=n_values)
        token_parts.append(tokens.token)
        weight_parts.append(records_per_value[tokens.value] if len(tokens.value) else np.zeros(0))
    all_tokens = np.concatenate(token_parts) if token_parts else np.zeros(0, np.int64)
    vocab, inverse = np.unique(all_tokens, return_inverse=True)
    freq = np.bincount(
        inverse, weights=np.concatenate(weight_parts) if weight_parts else None, minlength=len(vocab)
    )
    # The wanted records' rarest shared tokens.
    rows, toks = [], []
    for codes, _, tokens in per_column:
        row, token = tokens.per_record(np.where(wanted, codes, -1))
        rows.append(row)
        toks.append(token)
    row, token = np.concatenate(rows), np.concatenate(toks)
    token_freq = freq[np.searchsorted(vocab, token)] if len(token) else np.zeros(0)
    usable = (token_freq >= 2) & ~np.isin(token, stop)
    row, token, token_freq = row[usable], token[usable], token_freq[usable]
    order = np.lexsort((token, token_freq, row))
    row, token = row[order], token[order]
    fresh = np.r_[True, (np.diff(row) != 0) | (np.diff(token) != 0)] if len(row) else np.zeros(0, bool)
    row, token = row[fresh], token[fresh]
    starts = np.r_[0, np.flatnonzero(np.diff(row)) + 1] if len(row) else np.zeros(0, np.int64)
    rank = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)]))
    key_row, key_token = row[rank < rarest], token[rank < rarest]
    # Every other record holding one of those tokens.
    chosen = np.unique(key_token)
    others_row, others_token = [key_row], [key_token]
    for codes, n_values, tokens in per_column:
        holds = np.isin(tokens.token, chosen)
        if not holds.any():
            continue
        value_holds = np.zeros(n_values, dtype=bool)
        value_holds[tokens.value[holds]] = True
        joins = ~wanted & (codes >= 0) & value_holds[np.maximum(codes, 0)]
        selected = ValueTokens(tokens.value[holds], tokens.token[holds])
        row, token = selected.per_record(np.where(joins, codes, -1))
        others_row.append(row)
        others_token.append(token)
    return pd.DataFrame({"row": np.concatenate(others_row), "key": np.concatenate(others_token)})


def _with_masked_keys(keys: pd.DataFrame) -> pd.DataFrame:
    """Where some identifiers of the file are partly hidden (``110101********1234``), every identifier
    also keyed by its length, first three and last four characters, so a hidden one meets the full one."""
    values = keys["key"].astype(str)
    if not values.str.contains(MASK, regex=False).any():
        return keys
    ends = values.str.len().astype(str) + ":" + values.str[:3] + ":" + values.str[-4:]
    usable = (values.str.len() >= 10) & ~ends.str.contains(MASK, regex=False)
    return pd.concat([keys, pd.DataFrame({"row": keys["row"][usable], "key": "ends:" + ends[usable]})])


def national_id_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _with_masked_keys(set_keys(frame, "national_id"))


def tax_id_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _with_masked_keys(set_keys(frame, "tax_id"))


def website_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return set_keys(frame, "website_domain")


def _day_and_month_either_way(date: object) -> str | None:
    """``1990-05-01`` and ``1990-01-05`` as one key: the year, then the day and month in sorted order
    (none for a year alone: the name rules and the name with the year pair it)."""
    year, _, rest = str(date).partition("-")
    return f"{year}-{'-'.join(sorted(rest.split('-')))}" if rest else None


def birth_date_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The birth date, its day and month read either way round (a source that writes the month first
    meets one that writes the day first)."""
    keys, _ = map_uniques(*_column_codes(frame, "birth_date"), _day_and_month_either_way)
    rows = np.flatnonzero(keys >= 0)
    return pd.DataFrame({"row": rows, "key": keys[rows]})


def postcode_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _single_keys(frame, "postcode")


PART_PREFIX = 3
"""Letters of a name part that key it with a place or a birth year: a typo after them (``STURCK`` /
``STRCK``, ``AMELIS`` / ``AMELIA``) leaves the key intact, and a short part (``LI``, ``WU``) keys
in full."""


def _name_parts(frame: pd.DataFrame, letters: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record its family and its given name as codes of one space (``SMITH`` as a family name and
    as a given name meet), and the distinct parts; with ``letters``, only each part's first letters."""
    family, families = _column_codes(frame, "family_name")
    given, givens = _column_codes(frame, "given_name")
    parts = np.r_[families, givens]
    part_codes, uniques = map_uniques(np.arange(len(parts)), parts, lambda p: p[:letters] or None)
    part_codes = np.r_[part_codes, -1]  # code -1 stays missing
    family = part_codes[np.where(family >= 0, family, -1)]
    given = part_codes[np.where(given >= 0, given + len(families), -1)]
    return family, given, uniques


def _each_part_with(
    parts: tuple[np.ndarray, np.ndarray, np.ndarray],
    family_context: np.ndarray,
    given_context: np.ndarray,
    n_context: int,
) -> pd.DataFrame:
    """Keys of the family name with one context and of the given name with another, per record."""
    family, given, uniques = parts
    return pd.concat(
        [
            _combined_keys((family, len(uniques)), (family_context, n_context)),
            _combined_keys((given, len(uniques)), (given_context, n_context)),
        ],
        ignore_index=True,
    )


def family_initial_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Family name with the given name's first letter (``SMITH J``): finds ``J Smith`` / ``John Smith``
    and nicknames that keep their initial, and survives a typo anywhere else in the given name.

    Each record also keys its given name with the family name's first letter (``JOHN S``), so a
    record whose source wrote the two parts in each other's columns still meets its duplicate."""
    parts = family, given, uniques = _name_parts(frame)
    initial, initials = map_uniques(np.arange(len(uniques)), uniques, lambda p: p[:1] or None)
    initial = np.r_[initial, -1]
    return _each_part_with(parts, initial[given], initial[family], len(initials))


def _name_part_context_keys(frame: pd.DataFrame, context: np.ndarray, contexts: np.ndarray) -> pd.DataFrame:
    """Each name part's first :data:`PART_PREFIX` letters with one context of the record (a town, a
    birth year): a person missing one part, or with the other part misspelt or replaced, still meets
    their duplicate, and a part written in the other column too."""
    return _each_part_with(_name_parts(frame, PART_PREFIX), context, context, len(contexts))


def _written_parts(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per record whether it has a given name, and whether it has a family name."""
    given = (_col(frame, "given_name").fillna("") != "").to_numpy(dtype=bool)
    family = (_col(frame, "family_name").fillna("") != "").to_numpy(dtype=bool)
    return given, family


def one_name_part(frame: pd.DataFrame) -> np.ndarray:
    """Records with a given or a family name but not both: a person written with one name only."""
    given, family = _written_parts(frame)
    return given ^ family


def name_part_city_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return _name_part_context_keys(frame, *_column_codes(frame, "city"))


def name_part_postcode_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """With the postcode: finer than the town, so one part in common pairs a household (``ADAM
    COLEMAN`` / ``HANNAH COLEMAN``); the rule keeps only pairs of a person written with one name."""
    return _name_part_context_keys(frame, *_column_codes(frame, "postcode"))


def name_part_birth_year_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """With the birth year: the day and the month are where a typo or a day/month swap lands. One
    part and a near birth date are strong evidence to the comparisons, so two namesakes born the
    same year would be merged: the rule keeps only pairs of a person written with one name."""
    year, years = map_uniques(*_column_codes(frame, "birth_date"), lambda date: date[:4] or None)
    return _name_part_context_keys(frame, year, years)


def person_name_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The full name alone of a person written in parts (given and family name): one person's
    records that share no city, date or identifier (``RUBY VINCENT`` moved and mistyped the birth
    date) still meet; a common name's block is read through the rule's window. A name in one
    column (张伟) is left to the rules that add a place or a date: the file cannot tell how common
    it is nationally, and its namesakes would only be candidates for a wrong merge."""
    given, family = _written_parts(frame)
    return _single_keys(frame, "person_name", given & family)


ADAPTIVE_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("national_id", national_id_keys),
    BlockingRule("tax_id", tax_id_keys),
    BlockingRule("website", website_keys, window=4),
    BlockingRule("birth_date", birth_date_keys, window=4, reads_birth_date=True),
    BlockingRule("postcode", postcode_keys, window=4),
    BlockingRule("family_name_initial", family_initial_keys, window=6),
    BlockingRule("name_part_city", name_part_city_keys, window=4),
    BlockingRule("name_part_postcode", name_part_postcode_keys, window=4, pairs_of=one_name_part),
    BlockingRule(
        "name_part_birth_year",
        name_part_birth_year_keys,
        window=4,
        pairs_of=one_name_part,
        reads_birth_date=True,
    ),
    BlockingRule("person_name", person_name_keys, window=4),
    # Last, and only for records no rule above paired: linear on thin lists, nearly free on rich ones.
    BlockingRule("rare_text_tokens", rare_text_token_keys, window=4, fallback=True),
)
