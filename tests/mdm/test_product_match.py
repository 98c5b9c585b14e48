"""Each channel's product code maps to one master SKU, with the method and a reason; unsure pairs go to review."""

from __future__ import annotations

import pandas as pd
import pytest

from mdm.product_match import match_products

TRUST = {"erp": 1, "dms": 2, "sales": 3}
COLUMNS = ["source_system", "sku_code", "gtin", "product_name", "brand", "spec"]


@pytest.fixture(scope="module")
def result():
    rows = [
        ("erp", "1001000001", "6901234567892", "清泉谷天然矿泉水 550ml", "清泉谷", "550ml×24瓶/箱"),
        ("erp", "1001000002", "6901234567809", "清泉谷纯净水 550ml", "清泉谷", "550ml×24瓶/箱"),
        ("erp", "1001000003", "6901234567816", "清泉谷含气天然矿泉水 550ml", "清泉谷", "550ml×24瓶/箱"),
        ("erp", "1001000004", "6901234567823", "清泉谷天然矿泉水 1.5L", "清泉谷", "1.5L×12瓶/箱"),
        ("dms", "D-77", "06901234567892", "矿泉水", None, None),  # same GTIN written as GTIN-14
        ("dms", "１００１０００００２", None, "纯净水", "清泉谷", "550ml×24瓶/箱"),  # full-width ERP code
        ("sales", "S9", None, "【清泉谷】天然矿泉水", None, "24×550毫升/箱"),  # brand prefix, other spec form
        ("sales", "S10", None, "清泉谷牌天然矿泉水", "清泉谷", "1.5升×12"),  # the 1.5 L product
        # as close as S9, but sales already maps S9 to that product: a steward decides
        ("sales", "S11", None, "清泉谷天然矿泉水（新）", "清泉谷", "550ml×24瓶/箱"),
    ]
    return match_products(pd.DataFrame(rows, columns=COLUMNS), TRUST)


def mapped(result, system: str, code: str) -> pd.Series:
    cw = result.crosswalk
    return cw[(cw["source_system"] == system) & (cw["source_code"] == code)].iloc[0]


@pytest.mark.parametrize(
    ("system", "code", "sku", "method"),
    [
        ("erp", "1001000001", "1001000001", "master"),
        ("dms", "D-77", "1001000001", "gtin"),
        ("dms", "１００１０００００２", "1001000002", "code"),
        ("sales", "S9", "1001000001", "fuzzy"),
        ("sales", "S10", "1001000004", "fuzzy"),
        ("sales", "S11", "S11", "master"),
    ],
)
def test_each_source_code_maps_to_its_master_sku(result, system, code, sku, method) -> None:
    row = mapped(result, system, code)
    assert (row["sku_code"], row["match_method"]) == (sku, method)


def test_a_fuzzy_link_explains_its_score(result) -> None:
    row = mapped(result, "sales", "S9")
    assert row["match_score"] >= 0.9
    assert row["explanation"].startswith(
        "name 1.00×0.55; brand agrees ×0.15; net content 550 ml agrees ×0.30"
    )
    assert row["explanation"].endswith("vs erp:1001000001")


def test_a_modifier_or_another_size_is_a_different_product(result) -> None:
    cw = result.crosswalk.set_index(["source_system", "source_code"])["sku_code"]
    assert cw["erp", "1001000003"] == "1001000003"  # 含气 is not plain mineral water
    assert cw["sales", "S10"] != "1001000001"  # 1.5 L is not 550 ml


def test_unsure_or_conflicting_pairs_are_listed_for_review_not_merged(result) -> None:
    review = result.review
    pair = review[(review["left_source_code"] == "S11") | (review["right_source_code"] == "S11")]
    assert set(pair["left_source_code"]) | set(pair["right_source_code"]) >= {"S11", "1001000001"}
    assert (pair["match_score"] >= 0.75).all()
    assert mapped(result, "sales", "S11")["sku_code"] == "S11"


def test_one_source_never_gets_two_codes_in_one_master() -> None:
    rows = [
        ("erp", "A1", "6901234567892", "米醋", "金禾", "500ml×12瓶/箱"),
        ("erp", "A2", "6901234567892", "米醋", "金禾", "500ml×12瓶/箱"),  # same GTIN, other ERP code
        ("dms", "A1", "6901234567809", "米醋", "金禾", "500ml×12瓶/箱"),  # same code, other GTIN
    ]
    result = match_products(pd.DataFrame(rows, columns=COLUMNS), TRUST)
    erp = result.crosswalk[result.crosswalk["source_system"] == "erp"]
    assert erp["sku_code"].nunique() == 2


def test_a_steward_match_that_breaks_a_rule_is_reported_not_applied() -> None:
    rows = [
        ("erp", "A1", "6901234567892", "米醋", "金禾", "500ml×12瓶/箱"),
        ("erp", "A2", "6901234567809", "陈醋", "金禾", "500ml×12瓶/箱"),
    ]
    decisions = pd.DataFrame(
        [("erp", "A1", "erp", "A2", True)],
        columns=[
            "left_source_system",
            "left_source_code",
            "right_source_system",
            "right_source_code",
            "is_match",
        ],
    )
    result = match_products(pd.DataFrame(rows, columns=COLUMNS), TRUST, decisions=decisions)
    assert result.crosswalk["sku_code"].tolist() == ["A1", "A2"]
    assert result.refused_decisions == [
        "match of erp:A1 and erp:A2 not applied: it would give one product two codes of one source system, "
        "two different GTINs, or join a pair decided as no_match"
    ]


def test_a_steward_match_links_what_the_score_would_not() -> None:
    rows = [
        ("erp", "A1", "6901234567892", "米醋", "金禾", "500ml×12瓶/箱"),
        ("dms", "Z9", None, "调味醋(大)", None, None),
    ]
    decisions = pd.DataFrame(
        [("erp", "A1", "dms", "Z9", True)],
        columns=[
            "left_source_system",
            "left_source_code",
            "right_source_system",
            "right_source_code",
            "is_match",
        ],
    )
    result = match_products(pd.DataFrame(rows, columns=COLUMNS), TRUST, decisions=decisions)
    row = result.crosswalk.iloc[1]
    assert (row["sku_code"], row["match_method"]) == ("A1", "steward")
    assert row["explanation"] == "steward decision: same product as erp:A1"


def test_pairs_scored_in_batches_get_the_score_the_explanation_gives() -> None:
    from benchmarks.bench_product_crosswalk import chinese_variants
    from mdm.product_features import prepare_products
    from mdm.product_match import REVIEW, _pair_scores, candidate_pair_arrays, score_pair

    products, _ = chinese_variants(300, seed=3)
    records = prepare_products(products)
    left, right = candidate_pair_arrays(records)
    assert len(left) > 1000
    batch = _pair_scores(records, left, right)
    rows = records.to_dict("records")
    for i, j, fast in zip(left.tolist(), right.tolist(), batch.tolist(), strict=True):
        one, _ = score_pair(rows[i], rows[j])
        if one >= REVIEW:
            assert round(fast, 4) == one, (rows[i], rows[j])
        else:
            assert fast < REVIEW


def test_blocked_pairs_are_each_pair_of_different_sources_once() -> None:
    from benchmarks.bench_product_crosswalk import chinese_variants
    from mdm.product_features import prepare_products
    from mdm.product_match import candidate_pair_arrays

    products, _ = chinese_variants(200, seed=5)
    records = prepare_products(products)
    left, right = candidate_pair_arrays(records)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert len(pairs) == len(left) and (left < right).all()
    systems = records["source_system"].to_numpy()
    assert (systems[left] != systems[right]).all()
    # a channel copy with the ERP brand and spec is compared with its ERP product
    erp = records.index[records["source_system"] == "erp"][0]
    same = records.index[
        (records["brand"] == records["brand"][erp])
        & (records["name_core"] == records["name_core"][erp])
        & (records["source_system"] != "erp")
    ]
    assert all((erp, int(k)) in pairs for k in same)


def test_a_brand_with_hundreds_of_products_of_one_size_still_links_its_channel_copies() -> None:
    erp = [("erp", f"10{i:08d}", None, f"山泉饮用水第{i}号", "清泉谷", "550ml×24瓶/箱") for i in range(400)]
    sales = [
        ("sales", f"S{i}", None, f"【清泉谷】山泉饮用水第{i}号装", None, "550ML*24") for i in (7, 123, 399)
    ]
    result = match_products(pd.DataFrame(erp + sales, columns=COLUMNS), TRUST)
    cw = result.crosswalk.set_index(["source_system", "source_code"])
    for i in (7, 123, 399):
        assert cw.loc[("sales", f"S{i}"), "sku_code"] == f"10{i:08d}"
        assert cw.loc[("sales", f"S{i}"), "match_method"] == "fuzzy"
