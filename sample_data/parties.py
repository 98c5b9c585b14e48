"""True partner and customer entities: one row per real-world company or person.

Everything is drawn with NumPy choices over the vocabularies so that a million entities take
seconds. Company names are kept as parts (region style, trade name, industry word, legal form,
branch) so that variants can rewrite one part and render the name again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pypinyin import lazy_pinyin

from sample_data import geography as geo
from sample_data import vocab
from sample_data.identifiers import make_usccs

REGION_STYLES = np.array(["leading_full", "leading_short", "bracketed", "none"], dtype=object)
_TRADE = np.array(list(vocab.TRADE_CHARS), dtype="<U1")
_TRADE_PINYIN = np.array(["".join(lazy_pinyin(ch)) for ch in vocab.TRADE_CHARS], dtype=object)
_SURNAMES = np.array(list(vocab.SURNAMES), dtype=object)
_GIVEN = np.array(list(vocab.GIVEN_CHARS), dtype=object)
_ROADS = np.array(geo.ROADS, dtype=object)
_BUILDINGS = np.array(geo.BUILDINGS, dtype=object)


def _weights(values: tuple[float, ...]) -> np.ndarray:
    w = np.asarray(values, dtype=float)
    return w / w.sum()


def _city_columns(city_idx: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Province, city, district and their codes for each entity's city index."""
    cities = geo.CITIES
    province = np.array([c.province for c in cities], dtype=object)[city_idx]
    city = np.array([c.city for c in cities], dtype=object)[city_idx]
    city_short = np.array([c.short_name for c in cities], dtype=object)[city_idx]
    n_districts = np.array([len(c.districts) for c in cities])[city_idx]
    d_pick = (rng.random(len(city_idx)) * n_districts).astype(int)
    district_table = [[d for d in c.districts] for c in cities]
    district = np.array(
        [district_table[c][d][1] for c, d in zip(city_idx, d_pick, strict=True)], dtype=object
    )
    district_code = np.array(
        [district_table[c][d][0] for c, d in zip(city_idx, d_pick, strict=True)], dtype=object
    )
    return {
        "province": province,
        "city": city,
        "city_short": city_short,
        "district": district,
        "district_code": district_code,
        "city_code": np.array([c.city_code for c in cities], dtype=object)[city_idx],
        "area_code": np.array([c.area_code for c in cities], dtype=object)[city_idx],
        "postcode_city": np.array([c.postcode for c in cities], dtype=object)[city_idx],
        "sales_region": np.array([c.sales_region for c in cities], dtype=object)[city_idx],
    }


def draw_trade_names(
    rng: np.random.Generator, n: int, length_p: tuple[float, float, float] = (0.62, 0.3, 0.08)
) -> tuple[np.ndarray, np.ndarray]:
    """Trade names (字号) of 2–4 characters and their pinyin, for e-mail addresses."""
    length = rng.choice([2, 3, 4], size=n, p=list(length_p))
    idx = rng.integers(0, len(_TRADE), size=(n, 4))
    chars = np.where(np.arange(4)[None, :] < length[:, None], _TRADE[idx], "")
    trade = np.ascontiguousarray(chars).view("<U4").reshape(n).astype(object)
    pinyin = _TRADE_PINYIN[idx[:, 0]] + _TRADE_PINYIN[idx[:, 1]]
    return trade, pinyin


def draw_person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Person names: a common surname (weighted towards the top ones) and one or two given characters."""
    ranks = np.arange(1, len(_SURNAMES) + 1)
    surname = _SURNAMES[rng.choice(len(_SURNAMES), size=n, p=_weights(tuple(1 / ranks**0.8)))]
    g1 = _GIVEN[rng.integers(0, len(_GIVEN), n)]
    g2 = np.where(rng.random(n) < 0.6, _GIVEN[rng.integers(0, len(_GIVEN), n)], "")
    return surname + g1 + g2


def draw_phones(rng: np.random.Generator, area_code: np.ndarray, p_mobile: float, p_400: float) -> np.ndarray:
    """Phones in their plain form: mobile ``13812345678``, landline ``0755-26881234``, ``400-810-1234``."""
    n = len(area_code)
    u = rng.random(n)
    second = rng.choice(list("3456789"), size=n, p=[0.3, 0.1, 0.25, 0.05, 0.05, 0.15, 0.1])
    mobile = (
        "1"
        + second.astype(object)
        + pd.Series(rng.integers(0, 10**9, n)).map("{:09d}".format).to_numpy(object)
    )
    local_numbers = rng.integers(2 * 10**7, 9 * 10**7, n)
    seven_digits = np.isin(area_code.astype(str), list(geo.SEVEN_DIGIT_AREA_CODES))
    local = pd.Series(np.where(seven_digits, local_numbers // 10, local_numbers)).astype(str).to_numpy(object)
    landline = area_code + "-" + local
    four = pd.Series(rng.integers(0, 1000, n)).map("{:03d}".format).to_numpy(object)
    service = "400-" + four + "-" + pd.Series(rng.integers(0, 10**4, n)).map("{:04d}".format).to_numpy(object)
    return np.where(u < p_mobile, mobile, np.where(u < p_mobile + p_400, service, landline))


def draw_streets(rng: np.random.Generator, n: int) -> np.ndarray:
    """Street part of an address: road, number, and sometimes a building and room."""
    road = _ROADS[rng.integers(0, len(_ROADS), n)]
    number = pd.Series(rng.integers(1, 3000, n)).astype(str).to_numpy(object)
    u = rng.random(n)
    building = (
        _TRADE[rng.integers(0, len(_TRADE), n)].astype(object)
        + _BUILDINGS[rng.integers(0, len(_BUILDINGS), n)]
    )
    floor = pd.Series(rng.integers(1, 30, n)).astype(str).to_numpy(object)
    room = pd.Series(rng.integers(101, 2999, n)).astype(str).to_numpy(object)
    tail = np.where(u < 0.3, building + floor + "楼", np.where(u < 0.5, floor + "栋" + room + "室", ""))
    return road + number + "号" + tail


def render_address(
    province: np.ndarray, city: np.ndarray, district: np.ndarray, street: np.ndarray
) -> np.ndarray:
    """Full address; a municipality's name is written once (上海市闵行区…)."""
    prov = np.where(province == city, "", province)
    return prov + city + district + street


COMPANY_NAME_PART_COLUMNS = (
    "region_style",
    "name_city",
    "name_city_short",
    "name_district",
    "trade_name",
    "industry",
    "legal_form",
    "branch",
)


def render_company_names_of(frame: pd.DataFrame) -> np.ndarray:
    """:func:`render_company_name` over a frame's name-part columns; a missing part renders as nothing."""
    parts = [
        frame[column].fillna("none" if column == "region_style" else "").to_numpy(object)
        for column in COMPANY_NAME_PART_COLUMNS
    ]
    return render_company_name(*parts)


def render_company_name(
    style: np.ndarray,
    city: np.ndarray,
    city_short: np.ndarray,
    district: np.ndarray,
    trade: np.ndarray,
    industry: np.ndarray,
    legal_form: np.ndarray,
    branch: np.ndarray,
) -> np.ndarray:
    """Assemble company names from their parts for each region style."""
    core = trade + industry
    return (
        np.select(
            [
                style == "leading_full",
                style == "leading_short",
                style == "bracketed",
                style == "leading_district",
            ],
            [
                city + core + legal_form,
                city_short + core + legal_form,
                core + "(" + city_short + ")" + legal_form,
                city + district + core + legal_form,
            ],
            default=core + legal_form,
        )
        + branch
    )


def _unique_trade_names(
    rng: np.random.Generator, trade: np.ndarray, pinyin: np.ndarray, key: np.ndarray
) -> None:
    """Redraw trade names until ``trade + key`` is unique, so two entities never share a name by accident."""
    for _ in range(50):
        dup = pd.Series(trade + "|" + key).duplicated().to_numpy()
        if not dup.any():
            return
        new_trade, new_pinyin = draw_trade_names(rng, int(dup.sum()), (0.2, 0.5, 0.3))
        trade[dup], pinyin[dup] = new_trade, new_pinyin


def _dates(rng: np.random.Generator, n: int, start: str, end: str) -> np.ndarray:
    lo, hi = np.datetime64(start), np.datetime64(end)
    return (lo + rng.integers(0, int((hi - lo).astype(int)), n).astype("timedelta64[D]")).astype(
        "datetime64[D]"
    )


def _emails(rng: np.random.Generator, pinyin: np.ndarray) -> np.ndarray:
    n = len(pinyin)
    domains = np.array(vocab.EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(vocab.EMAIL_DOMAINS), n)]
    digits = pd.Series(rng.integers(1, 999, n)).astype(str).to_numpy(object)
    u = rng.random(n)
    return np.where(
        u < 0.5,
        pinyin + digits + "@" + domains,
        np.where(
            u < 0.8, "sales@" + pinyin + ".com.cn", np.where(u < 0.9, pinyin + "@" + pinyin + ".com", "")
        ),
    )


def build_company_entities(rng: np.random.Generator, n: int, kind: str, id_prefix: str) -> pd.DataFrame:
    """``n`` true companies (partners, or business customers when ``kind == "customer"``)."""
    city_idx = rng.choice(len(geo.CITIES), size=n, p=geo.city_weights())
    cols = _city_columns(city_idx, rng)
    trade, pinyin = draw_trade_names(rng, n)
    if kind == "partner":
        industry = np.array(vocab.INDUSTRY_WORDS, dtype=object)[
            rng.choice(len(vocab.INDUSTRY_WORDS), n, p=_weights(vocab.INDUSTRY_WEIGHTS))
        ]
        legal = np.array(vocab.LEGAL_FORMS, dtype=object)[
            rng.choice(len(vocab.LEGAL_FORMS), n, p=_weights(vocab.LEGAL_FORM_WEIGHTS))
        ]
        style = REGION_STYLES[rng.choice(4, n, p=[0.45, 0.2, 0.1, 0.25])]
    else:
        industry = np.array(vocab.CUSTOMER_INDUSTRY_WORDS, dtype=object)[
            rng.choice(len(vocab.CUSTOMER_INDUSTRY_WORDS), n, p=_weights(vocab.CUSTOMER_INDUSTRY_WEIGHTS))
        ]
        legal = np.array(vocab.CUSTOMER_LEGAL_FORMS, dtype=object)[
            rng.choice(len(vocab.CUSTOMER_LEGAL_FORMS), n, p=_weights(vocab.CUSTOMER_LEGAL_FORM_WEIGHTS))
        ]
        style = REGION_STYLES[rng.choice(4, n, p=[0.5, 0.15, 0.05, 0.3])]
        style = np.where(legal == "", "leading_district", style)
    _unique_trade_names(rng, trade, pinyin, industry)
    # 个体工商户 (no company legal form) register with 92; a few social organisations with N/Y.
    u = rng.random(n)
    prefix = np.where(
        np.isin(legal, ["", "商行", "经营部", "贸易行"]) & (u < 0.85),
        "92",
        np.where(u < 0.985, "91", np.where(u < 0.993, "N2", "Y1")),
    )
    division = np.where(rng.random(n) < 0.7, cols["district_code"], cols["city_code"])
    created = _dates(rng, n, "2012-01-01", "2026-10-01")
    frame = pd.DataFrame(
        {
            "true_entity_id": [f"{id_prefix}{i:07d}" for i in range(1, n + 1)],
            "customer_kind": "business",
            **cols,
            "name_city": cols["city"],
            "name_city_short": cols["city_short"],
            "name_district": cols["district"],
            "region_style": style,
            "trade_name": trade,
            "trade_pinyin": pinyin,
            "industry": industry,
            "legal_form": legal,
            "branch": "",
            "uscc": make_usccs(rng, prefix, division, created >= np.datetime64("2016-01-01")),
            "street": draw_streets(rng, n),
            "contact_name": draw_person_names(rng, n),
            "phone": draw_phones(rng, cols["area_code"], p_mobile=0.55, p_400=0.05),
            "email": _emails(rng, pinyin),
            "parent_entity_id": "",
            "created_date": created,
            "status": np.where(rng.random(n) < 0.93, "active", "frozen"),
        }
    )
    if kind == "partner":
        ptype = np.array(["distributor", "dealer", "agent"], dtype=object)[
            rng.choice(3, n, p=[0.35, 0.55, 0.1])
        ]
        frame["partner_type"] = ptype
        frame["channel_tier"] = np.where(
            ptype == "distributor",
            "1",
            np.where(ptype == "dealer", "2", np.where(rng.random(n) < 0.5, "1", "2")),
        )
    return frame


def build_person_entities(rng: np.random.Generator, n: int, id_prefix: str) -> pd.DataFrame:
    """``n`` true person customers with masked ID numbers, birthdays and mobile phones."""
    city_idx = rng.choice(len(geo.CITIES), size=n, p=geo.city_weights())
    cols = _city_columns(city_idx, rng)
    birth = _dates(rng, n, "1958-01-01", "2003-12-31")
    tail = pd.Series(rng.integers(0, 1000, n)).map("{:03d}".format).to_numpy(object)
    check = np.array(list("0123456789X"), dtype=object)[rng.integers(0, 11, n)]
    gender = np.where(rng.random(n) < 0.52, "男", "女")
    postcode = (
        pd.Series(cols["postcode_city"]).str[:4].to_numpy(object)
        + np.array(["00", "10", "20", "31", "40", "57", "63"], dtype=object)[rng.integers(0, 7, n)]
    )
    n_given = pd.Series(rng.integers(0, 10**6, n)).astype(str).to_numpy(object)
    return pd.DataFrame(
        {
            "true_entity_id": [f"{id_prefix}{i:07d}" for i in range(1, n + 1)],
            "customer_kind": "person",
            **cols,
            "name": draw_person_names(rng, n),
            "id_number_masked": cols["district_code"] + "********" + tail + check,
            "birth_date": birth,
            "gender": gender,
            "street": draw_streets(rng, n),
            "postcode": postcode,
            "phone": draw_phones(rng, cols["area_code"], p_mobile=0.9, p_400=0.0),
            "email": np.where(rng.random(n) < 0.4, n_given + "@qq.com", ""),
            "created_date": _dates(rng, n, "2015-01-01", "2026-10-01"),
        }
    )
