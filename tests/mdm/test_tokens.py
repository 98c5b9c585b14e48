from __future__ import annotations

import pandas as pd

from mdm.comparators import FrameColumns
from mdm.tokens import Vocabulary, column_tokens, token_code, tokenise


def _token_sets(values, vocabulary=None):
    vocabulary = vocabulary or Vocabulary()
    tokens = tokenise(values, vocabulary)
    return vocabulary, [set(tokens.token[tokens.value == i].tolist()) for i in range(len(values))]


def test_tokens_are_latin_words_digit_runs_and_chinese_bigrams():
    vocabulary, (latin, chinese, short, missing) = _token_sets(
        ["Ashcroft Plastics 4410 x 12", "华强电子", "京 A", None]
    )
    code = lambda t: int(token_code(t, vocabulary))  # noqa: E731
    assert latin == {code("ASHCROFT"), code("PLASTICS"), code("4410")}  # no one-letter word, no 2-digit run
    assert chinese == {code("华强"), code("强电"), code("电子")}
    assert short == {code("京")}  # a lone Chinese character is a token
    assert missing == set()


def test_a_token_has_one_code_in_every_column_of_a_frame():
    frame = pd.DataFrame({"name_core": ["WESTBROOK 华强"], "address_detail": ["华强 road westbrook"]})
    cols = FrameColumns(frame)
    name, address = column_tokens(cols, "name_core"), column_tokens(cols, "address_detail")
    shared = set(name.token.tolist()) & set(address.token.tolist())
    vocabulary = cols.derived("token_vocabulary", lambda c: None)
    assert shared == {int(token_code("WESTBROOK", vocabulary)), int(token_code("华强", vocabulary))}


def test_tokens_expand_to_records_by_value_code():
    vocabulary = Vocabulary()
    tokens = tokenise(["AB CD", "EF"], vocabulary)
    row, token = tokens.per_record(pd.Series([1, -1, 0, 1]).to_numpy())
    pairs = sorted(zip(row.tolist(), token.tolist(), strict=True))
    ab, cd, ef = (int(token_code(w, vocabulary)) for w in ("AB", "CD", "EF"))
    assert pairs == sorted([(0, ef), (2, ab), (2, cd), (3, ef)])
