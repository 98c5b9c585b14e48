"""Variants: the ways one real entity is written differently in another record.

Each variant rewrites a few columns of the chosen records and reports which rows it really
changed, so ``variant_kinds`` in the ground truth never names a change that did not happen.
Only the chosen subset is touched, so per-row Python here runs over a few percent of the rows.
"""

from __future__ import annotations

import re

import numpy as np
import opencc
import pandas as pd

from sample_data import vocab
from sample_data.parties import draw_person_names, draw_phones, render_address, render_company_names_of

COMPANY_VARIANT_P: dict[str, float] = {
    "legal_form_change": 0.16,
    "region_bracketed": 0.10,
    "region_dropped": 0.14,
    "full_width": 0.08,
    "traditional": 0.05,
    "typo": 0.14,
    "phone_format": 0.25,
    "phone_changed": 0.10,
    "uscc_missing": 0.14,
    "uscc_mistyped": 0.04,
    "address_variant": 0.25,
    "contact_changed": 0.15,
    "whitespace_noise": 0.10,
}
PERSON_VARIANT_P: dict[str, float] = {
    "typo": 0.15,
    "traditional": 0.04,
    "phone_format": 0.3,
    "phone_changed": 0.12,
    "birthday_format": 0.3,
    "address_variant": 0.3,
    "whitespace_noise": 0.1,
    "full_width": 0.06,
}

_S2T = opencc.OpenCC("s2t")
_FULL_WIDTH = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}, " ": "\u3000"})
_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")


def choose_variant_kinds(
    rng: np.random.Generator, varied: np.ndarray, probabilities: dict[str, float]
) -> dict[str, np.ndarray]:
    """For each varied record, an independent draw per kind; a varied record gets at least one kind."""
    n = len(varied)
    kinds = list(probabilities)
    p = np.array([probabilities[k] for k in kinds])
    chosen = (rng.random((n, len(kinds))) < p) & varied[:, None]
    empty = varied & ~chosen.any(axis=1)
    forced = rng.choice(len(kinds), size=n, p=p / p.sum())
    chosen[np.flatnonzero(empty), forced[empty]] = True
    return {k: chosen[:, i] for i, k in enumerate(kinds)}


def _gbk_safe(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def format_phone(phone: str, style: int, ext: int) -> str:
    """The same phone written another way: +86, spaces, dashes, brackets, an extension."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("1") and len(digits) == 11:
        forms = [
            f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            f"+86{digits}",
            f"0086-{digits}",
        ]
    elif digits.startswith("400"):
        forms = [digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}", f"{digits[:4]}-{digits[4:]}"]
    else:
        area, local = phone.split("-")[:2]
        forms = [
            f"({area}){local}",
            f"{area} {local[:4]} {local[4:]}",
            f"+86-{area[1:]}-{local}",
            area + local,
            f"({area}){local}-分机{ext}",
            f"{area}-{local}转{ext}",
        ]
    return forms[style % len(forms)]


def _substitute_char(text: str, rng_value: float) -> str:
    """Swap one character for a look-alike or sound-alike; now and then drop one instead."""
    positions = [i for i, ch in enumerate(text) if ch in vocab.SIMILAR_CHARS]
    if len(text) >= 3 and (rng_value < 0.2 or not positions):
        i = int(rng_value * 5 * len(text)) % len(text)
        return text[:i] + text[i + 1 :]
    if positions:
        i = positions[int(rng_value * len(positions))]
        return text[:i] + vocab.SIMILAR_CHARS[text[i]] + text[i + 1 :]
    return text


def _mistype_uscc(code: str, pos_value: float, char_value: float) -> str:
    """Change one character (or drop one), so the GB 32100 check fails."""
    if not code:
        return code
    if char_value < 0.15:
        i = int(pos_value * len(code))
        return code[:i] + code[i + 1 :]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    i = int(pos_value * len(code))
    choices = [c for c in alphabet if c != code[i]]
    return code[:i] + choices[int(char_value * len(choices))] + code[i + 1 :]


def _whitespace(text: str, u: float, pos: float) -> str:
    if u < 0.35:
        return text + "  "
    if u < 0.6:
        return " " + text
    i = max(1, int(pos * len(text)))
    return text[:i] + (" " if u < 0.85 else "\u3000") + text[i:]


def _vary_address(rec: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    """Drop the province, abbreviate the city, drop the district, or write numbers in Chinese."""
    sub = rec.iloc[rows]
    how = rng.integers(0, 4, len(rows))
    province = np.where(how == 0, "", sub["province"].to_numpy(object))
    city = np.where(how == 1, sub["city_short"].to_numpy(object), sub["city"].to_numpy(object))
    province = np.where(how == 1, "", province)
    district = np.where(how == 2, "", sub["district"].to_numpy(object))
    street = sub["street"].to_numpy(object, copy=True)
    street = np.where(how == 3, np.array([s.translate(_NUMERALS) for s in street], dtype=object), street)
    rec.iloc[rows, rec.columns.get_loc("address")] = render_address(province, city, district, street)


def apply_variants(
    rng: np.random.Generator,
    rec: pd.DataFrame,
    chosen: dict[str, np.ndarray],
    name_col: str,
    is_company: np.ndarray,
) -> pd.Series:
    """Apply the chosen variants in place; return ``;``-joined kinds that really changed each row."""
    n = len(rec)
    before = rec[[name_col, "address", "phone", "uscc", "contact_name", "birth_date"]].copy()
    changed: dict[str, np.ndarray] = {}
    none = np.zeros(n, dtype=bool)

    def pick(kind: str, applicable: np.ndarray | None = None) -> np.ndarray:
        mask = chosen.get(kind, none)
        return np.flatnonzero(mask if applicable is None else mask & applicable)

    legal = rec["legal_form"].to_numpy(object, copy=True)
    rows = pick("legal_form_change", is_company & np.isin(legal, vocab.COMPANY_LEGAL_FORMS))
    forms = np.array(vocab.COMPANY_LEGAL_FORMS, dtype=object)
    current = np.array([vocab.COMPANY_LEGAL_FORMS.index(x) for x in legal[rows]], dtype=int)
    rec.iloc[rows, rec.columns.get_loc("legal_form")] = forms[(current + rng.integers(1, 3, len(rows))) % 3]
    changed["legal_form_change"] = np.isin(np.arange(n), rows)

    style = rec["region_style"].to_numpy(object, copy=True)
    dropped = pick("region_dropped", is_company & (style != "none"))
    bracket = pick(
        "region_bracketed", is_company & np.isin(style, ["leading_full", "leading_short", "bracketed"])
    )
    bracket = np.setdiff1d(bracket, dropped)
    new_style = style.copy()
    new_style[bracket] = np.where(style[bracket] == "bracketed", "leading_full", "bracketed")
    new_style[dropped] = "none"
    rec["region_style"] = new_style
    changed["region_dropped"] = np.isin(np.arange(n), dropped)
    changed["region_bracketed"] = np.isin(np.arange(n), bracket)

    typo = pick("typo")
    u = rng.random(n)
    company_typo = typo[is_company[typo]]
    trade = rec["trade_name"].to_numpy(object, copy=True)
    rec.iloc[company_typo, rec.columns.get_loc("trade_name")] = [
        _substitute_char(t, v) for t, v in zip(trade[company_typo], u[company_typo], strict=True)
    ]
    if is_company.any():
        comp = np.flatnonzero(is_company)
        c = rec.iloc[comp]
        rec.iloc[comp, rec.columns.get_loc(name_col)] = render_company_names_of(c)
    person_typo = typo[~is_company[typo]]
    names = rec[name_col].to_numpy(object, copy=True)
    rec.iloc[person_typo, rec.columns.get_loc(name_col)] = [
        n0[0] + _substitute_char(n0[1:], v) for n0, v in zip(names[person_typo], u[person_typo], strict=True)
    ]
    changed["typo"] = (rec[name_col] != before[name_col]).to_numpy() & np.isin(np.arange(n), typo)

    rows = pick("address_variant")
    _vary_address(rec, rows, rng)
    changed["address_variant"] = (rec["address"] != before["address"]).to_numpy() & np.isin(
        np.arange(n), rows
    )

    rows = pick("contact_changed", is_company)
    rec.iloc[rows, rec.columns.get_loc("contact_name")] = draw_person_names(rng, len(rows))
    changed["contact_changed"] = (rec["contact_name"] != before["contact_name"]).to_numpy()

    rows = pick("phone_changed")
    rec.iloc[rows, rec.columns.get_loc("phone")] = draw_phones(
        rng, rec["area_code"].to_numpy(object)[rows], p_mobile=0.6, p_400=0.0
    )
    changed["phone_changed"] = (rec["phone"] != before["phone"]).to_numpy()
    rows = pick("phone_format")
    styles, exts = rng.integers(0, 6, n), rng.integers(100, 900, n)
    phones = rec["phone"].to_numpy(object, copy=True)
    rec.iloc[rows, rec.columns.get_loc("phone")] = [
        format_phone(p, s, e) for p, s, e in zip(phones[rows], styles[rows], exts[rows], strict=True)
    ]
    changed["phone_format"] = np.isin(np.arange(n), rows) & (rec["phone"].to_numpy(object) != phones)

    rows = pick("uscc_missing", is_company)
    rec.iloc[rows, rec.columns.get_loc("uscc")] = ""
    changed["uscc_missing"] = np.isin(np.arange(n), rows) & (before["uscc"] != "").to_numpy()
    rows = np.setdiff1d(pick("uscc_mistyped", is_company), rows)
    usccs, pos_u, char_u = rec["uscc"].to_numpy(object, copy=True), rng.random(n), rng.random(n)
    rec.iloc[rows, rec.columns.get_loc("uscc")] = [
        _mistype_uscc(c, p, v) for c, p, v in zip(usccs[rows], pos_u[rows], char_u[rows], strict=True)
    ]
    changed["uscc_mistyped"] = np.isin(np.arange(n), rows) & (rec["uscc"].to_numpy(object) != usccs)

    rows = pick("birthday_format", ~is_company)
    how = rng.integers(0, 4, n)
    births = rec["birth_date"].to_numpy(object, copy=True)
    rec.iloc[rows, rec.columns.get_loc("birth_date")] = [
        _format_birthday(b, h) for b, h in zip(births[rows], how[rows], strict=True)
    ]
    changed["birthday_format"] = np.isin(np.arange(n), rows) & (rec["birth_date"].to_numpy(object) != births)

    rows = pick("traditional")
    prior = rec[[name_col, "address", "phone"]].copy()
    for col in (name_col, "address"):
        values = rec[col].to_numpy(object, copy=True)
        converted = [_S2T.convert(v) for v in values[rows]]
        rec.iloc[rows, rec.columns.get_loc(col)] = [
            t if _gbk_safe(t) else v for t, v in zip(converted, values[rows], strict=True)
        ]
    changed["traditional"] = (
        np.isin(np.arange(n), rows)
        & ((rec[name_col] != prior[name_col]) | (rec["address"] != prior["address"])).to_numpy()
    )

    rows = pick("full_width")
    prior = rec[[name_col, "address", "phone"]].copy()
    for col in (name_col, "address", "phone"):
        values = rec[col].to_numpy(object, copy=True)
        rec.iloc[rows, rec.columns.get_loc(col)] = [v.translate(_FULL_WIDTH) for v in values[rows]]
    changed["full_width"] = (
        np.isin(np.arange(n), rows) & (rec[[name_col, "address", "phone"]] != prior).any(axis=1).to_numpy()
    )

    rows = pick("whitespace_noise")
    values, pos = rec[name_col].to_numpy(object, copy=True), rng.random(n)
    rec.iloc[rows, rec.columns.get_loc(name_col)] = [
        _whitespace(v, a, b) for v, a, b in zip(values[rows], u[rows], pos[rows], strict=True)
    ]
    changed["whitespace_noise"] = np.isin(np.arange(n), rows)

    kinds = [k for k in dict.fromkeys([*COMPANY_VARIANT_P, *PERSON_VARIANT_P]) if k in changed]
    matrix = np.column_stack([changed[k] for k in kinds]) if n else np.zeros((0, len(kinds)), bool)
    names_arr = np.array(kinds, dtype=object)
    return pd.Series([";".join(names_arr[row]) for row in matrix], index=rec.index, dtype=object)


def _format_birthday(iso: str, how: int) -> str:
    if not iso:
        return iso
    y, m, d = iso.split("-")
    return [f"{y}/{int(m)}/{int(d)}", f"{y}{m}{d}", f"{y}年{int(m)}月{int(d)}日", f"{y}.{m}.{d}"][how]
