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

    # Which columns each distinct category requires, spread over the rows by the category's code.
    required = [vocabulary.required_for(vocabulary.node(v) if isinstance(v, str) else None) for v in distinct]
    required.append(vocabulary.required_for(None))
    missing = np.full(len(out), "", dtype=object)
    for column in dict.fromkeys(c for columns in required for c in columns):
        needed = np.array([column in columns for columns in required], dtype=bool)[codes]
        blank = _blank(out[column]) if column in out.columns else np.ones(len(out), dtype=bool)
        hit = needed & blank
        missing[hit] = np.where(missing[hit] == "", column, missing[hit] + ", " + column)
    label = category.astype(object).where(category.notna(), "(none)").astype(str).to_numpy(dtype=object)
    failing = missing != ""
    message = np.full(len(out), None, dtype=object)
    message[failing] = missing[failing] + " required for category '" + label[failing] + "' but missing"
    out[MISSING_ATTRIBUTES] = message
    return out
