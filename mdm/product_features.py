"""What a product record is compared on: code, GTIN-14, brand, the name without brand and spec, model
numbers, net content, measure family and pack size.

Channels decorate names (``【清泉谷】天然矿泉水``, ``清泉谷牌天然矿泉水 550毫升``) and write specs their own way;
these features strip the decoration so that two spellings of one product compare equal, while what tells
products apart (a modifier such as 含气, a model number, a pack size) is kept.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from cleansing.gtin import normalise_gtin
from cleansing.product_specs import parse_specs
from cleansing.product_standardise import standard_code
from cleansing.text import map_distinct, map_distinct_tuples

_MODEL_TOKEN = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
_MEASURE = re.compile(r"\d+(?:ghz|mhz|mm|cm|gb|mb|tb|hz|in|mp|ft|lb|oz|ml|kg|ah|mah|w|v)")
_BRAND_WRAPPERS = re.compile(r"^[\[(（【]?\s*(.+?)\s*[\])）】]?(?:牌)?$")
_QUANTITY = re.compile(
    r"\d+(?:\.\d+)?\s*(?:ml|毫升|l|升|kg|g|克|千克|公斤|斤|两)(?![a-z])(?:\s*[×x*]\s*\d+\S*)?"
)
_NOISE = re.compile(r"[\s\-_/·•,，。.()（）\[\]【】\"'“”]+")


def _text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip().lower()


def _brand(value: object) -> str:
    text = _text(value)
    match = _BRAND_WRAPPERS.match(text)
    return match.group(1) if match else text


def model_codes(name: object) -> frozenset[str]:
    """Model numbers in a name (``KDL-46V4100`` → ``kdl46v4100``, ``MB471LL/A`` → ``mb471lla``): at
    least two letters and two digits. Features and sizes (``8-Port``, ``1080p``, ``2.53GHz``) are not models."""
    found = set()
    for token in _MODEL_TOKEN.findall(_text(name)):
        code = token.replace("-", "").replace("/", "")
        digits, letters = sum(c.isdigit() for c in code), sum(c.isalpha() for c in code)
        if digits >= 2 and letters >= 2 and not _MEASURE.fullmatch(code):
            found.add(code)
    return frozenset(found)


def models_agree(left: frozenset[str], right: frozenset[str]) -> tuple[str, ...]:
    """Shared models; a model that extends another (``mb471ll`` / ``mb471lla``) counts as shared."""
    shared = left & right
    if shared:
        return tuple(sorted(shared))
    return tuple(
        sorted(
            a
            for a in left
            for b in right
            if min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a))
        )
    )


def _brand_from_name(name: object, known: list[str]) -> str:
    """A brand the other records use that the name starts with (after 【】 wrappers), else its first word."""
    text = _NOISE.sub(" ", _text(name)).strip()
    for brand in known:
        if text.startswith(brand):
            return brand
    return (text.split() or [""])[0]


def _name_core(name: str, brand: str, spec: str) -> str:
    """The name without its brand prefix, spec text and punctuation: what tells two products apart."""
    text = _text(name)
    for noise in (brand + "牌", brand, _text(spec)):
        if noise:
            text = text.replace(noise, " ")
    text = _QUANTITY.sub(" ", text)
    return _NOISE.sub(" ", text).strip()


def prepare_products(products: pd.DataFrame) -> pd.DataFrame:
    """Comparable columns for each record: code, GTIN-14, brand, name core, net content, family, pack."""
    out = pd.DataFrame(index=products.index)
    out["source_system"] = products["source_system"].astype(str)
    out["source_code"] = products["sku_code"].astype(object)
    out["code"] = products["sku_code"].map(standard_code)
    gtin = products["gtin"] if "gtin" in products.columns else pd.Series(None, index=products.index)
    out["gtin14"] = normalise_gtin(gtin.astype(object)).astype(object)
    names = products["product_name"].astype(object).where(products["product_name"].notna(), "")
    brands = products["brand"] if "brand" in products.columns else pd.Series("", index=products.index)
    specs = products["spec"] if "spec" in products.columns else pd.Series(None, index=products.index)
    out["brand"] = map_distinct(brands, _brand, na_value="")  # each distinct spelling once
    missing_brand = out["brand"] == ""
    known = sorted(set(out["brand"]) - {""}, key=len, reverse=True)
    out.loc[missing_brand, "brand"] = map_distinct(
        names[missing_brand], lambda n: _brand_from_name(n, known), na_value=""
    )
    parsed = parse_specs(specs.astype(object))
    out["net_content"] = parsed["net_content"].astype(float).to_numpy()
    out["family"] = parsed["net_content_unit"].astype(object).to_numpy()
    out["units_per_case"] = parsed["units_per_case"].astype(float).to_numpy()
    out["name_core"] = map_distinct_tuples(
        [names, out["brand"], specs.astype(object)],
        lambda n, b, s: _name_core(n or "", b or "", s if isinstance(s, str) else ""),
    )
    out["models"] = map_distinct(names, model_codes, na_value=frozenset())
    return out.reset_index(drop=True)
