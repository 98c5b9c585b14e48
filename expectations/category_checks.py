"""Category and required-attribute facts for the product standard, from the steward's category tree.

A product's category must name one node of the controlled vocabulary (大类/中类/小类) at least as
deep as ``minimum_level``; a product must fill the attributes its category (or any category above
it) requires. Each fact is a text column, empty for a good row, that the product suite expects null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from expectations.rules_config import CategoryVocabulary

CATEGORY_UNKNOWN = "check_category"
MISSING_ATTRIBUTES = "check_required_attributes"
_LEVELS = {1: "大类", 2: "中类", 3: "小类"}


def _category_problem(value: object, vocabulary: CategoryVocabulary) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"category is missing; choose a {_LEVELS[vocabulary.minimum_level]} from categories.yaml"
    node = vocabulary.node(value)
    if node is None:
        return f"category '{value}' is not in the category vocabulary (categories.yaml)"
    if node.level < vocabulary.minimum_level:
        return (
            f"category '{value}' is a {_LEVELS[node.level]}; products need at least a "
            f"{_LEVELS[vocabulary.minimum_level]} (e.g. one under {node.path_text})"
        )
    return None


def _blank(values: pd.Series) -> np.ndarray:
    text = values.astype("string")
    return (text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool)


def add_category_checks(products: pd.DataFrame, vocabulary: CategoryVocabulary) -> pd.DataFrame:
    """A copy of ``products`` with ``check_category`` and ``check_required_attributes``."""
    out = products.copy()
    category = (
        out["category"] if "category" in out.columns else pd.Series(None, index=out.index, dtype=object)
    )
    codes, distinct = pd.factorize(category.astype(object), use_na_sentinel=True)
    problems = np.array(
        [*(_category_problem(v, vocabulary) for v in distinct), _category_problem(None, vocabulary)],
        dtype=object,
    )
    out[CATEGORY_UNKNOWN] = problems[codes]

    required = np.array(
        [
            *(vocabulary.required_for(vocabulary.node(v) if isinstance(v, str) else None) for v in distinct),
            vocabulary.required_for(None),
        ],
        dtype=object,
    )[codes]
    missing: list[list[str]] = [[] for _ in range(len(out))]
    for column in dict.fromkeys(c for columns in required for c in columns):
        blank = _blank(out[column]) if column in out.columns else np.ones(len(out), dtype=bool)
        needs = np.array([column in columns for columns in required], dtype=bool)
        for position in np.flatnonzero(blank & needs):
            missing[position].append(column)
    out[MISSING_ATTRIBUTES] = [
        f"{', '.join(columns)} required for category '{cat}' but missing" if columns else None
        for columns, cat in zip(missing, category.fillna("(none)").astype(str), strict=True)
    ]
    return out
