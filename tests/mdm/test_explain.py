from __future__ import annotations

import numpy as np
import pytest

from mdm.comparators import DEFAULT_COMPARISONS, compare_pairs
from mdm.explain import explain_pair, explanation_columns
from mdm.model import default_parameters, score_levels


def test_explanation_weights_add_up_to_the_total(make_frame, make_company):
    frame = make_frame(
        [
            make_company("华强", phone_e164="+8613812345678", uscc="914403001922038216"),
            make_company("华强", region="上海", city="上海市", phone_e164="+8613812345678"),
        ]
    )
    params = default_parameters()
    explanation = explain_pair(frame, 0, 1, params, DEFAULT_COMPARISONS)
    by_name = {f.comparison: f for f in explanation.fields}
    assert (by_name["name_region"].left_value, by_name["name_region"].right_value) == ("深圳", "上海")
    assert by_name["name_region"].level == "different"
    assert by_name["name_region"].weight < -5
    assert by_name["uscc"].level == "unknown" and by_name["uscc"].weight == 0
    total = explanation.prior_weight + sum(f.weight for f in explanation.fields)
    assert explanation.match_weight == pytest.approx(total)
    assert "name_region" in explanation.as_text()


def test_explanation_columns_match_the_scores(make_frame, make_company):
    frame = make_frame([make_company("华强", phone_e164="+8613812345678")] * 2 + [make_company("美达")])
    left, right = np.array([0, 0]), np.array([1, 2])
    params = default_parameters()
    levels = compare_pairs(frame, left, right)
    table = explanation_columns(frame, left, right, levels, params, DEFAULT_COMPARISONS)
    weight_columns = [c for c in table.columns if c.endswith("_weight")]
    weight, _ = score_levels(levels, params)
    assert np.allclose(table[weight_columns].sum(axis=1) + params.prior_weight, weight, atol=0.01)
    assert table["contact_level"].tolist() == ["phone_exact", "unknown"]
    assert table["company_name_l"].tolist() == ["深圳华强商贸有限公司"] * 2
