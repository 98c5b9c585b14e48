"""The ``hard`` difficulty of ``generate_party_records``: party data as messy as real channel data.

On top of the standard entities, records and variants, the hard level

* draws trade names from a broad character table (several hundred characters with their pinyin,
  so no pinyin library is needed and there are hundreds of thousands of possible names) and derives
  e-mail domains from the full trade-name pinyin, so a domain is not shared by unrelated companies;
* adds hard negatives: sister companies sharing phone, e-mail and address but with their own USCC,
  more companies with the same trade name in other cities, and more branches (分公司) with their own
  USCC, half of them in the head office's city;
* adds record variants: the strong identifiers gone together (USCC missing or mistyped *and* phone
  changed or missing), abbreviated names (简称), a homophone or look-alike character plus a
  legal-form change, English/pinyin names, rewritten addresses and changed e-mails.

Every kind that really changed a record is listed in its ``variant_kinds``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sample_data import vocab
from sample_data.identifiers import make_usccs
from sample_data.parties import draw_phones, render_address, render_company_name
from sample_data.variants import COMPANY_VARIANT_P, PERSON_VARIANT_P, _mistype_uscc, _whitespace

# Trade-name characters grouped by their (toneless) pinyin: the pinyin of a name needs no library,
# and a group's other characters are the homophones a clerk types by mistake.
TRADE_SYLLABLES: dict[str, str] = {
    "an": "安岸",
    "ao": "奥澳傲",
    "bai": "百柏佰",
    "bang": "邦",
    "bao": "宝保葆",
    "bei": "贝蓓",
    "ben": "本",
    "bi": "必碧璧",
    "bin": "宾滨彬斌",
    "bo": "博波铂",
    "cai": "彩财",
    "can": "灿",
    "chang": "昌畅常",
    "chao": "超朝",
    "chen": "晨辰宸",
    "cheng": "诚成城承程澄",
    "chuan": "川传",
    "chuang": "创",
    "chun": "春纯淳",
    "cong": "聪",
    "cui": "翠",
    "da": "达大",
    "dao": "道",
    "de": "德得",
    "ding": "鼎定顶",
    "dong": "冬栋",
    "duo": "多",
    "en": "恩",
    "fa": "发",
    "fan": "帆凡繁",
    "fang": "方芳",
    "fei": "飞菲",
    "feng": "丰峰锋枫风凤",
    "fu": "富福孚阜",
    "gang": "港",
    "gao": "高",
    "ge": "格",
    "geng": "耕",
    "gong": "工",
    "gu": "谷古固",
    "guan": "冠",
    "guang": "光广",
    "gui": "贵桂",
    "guo": "国",
    "hai": "海",
    "han": "瀚翰汉涵",
    "hang": "航",
    "hao": "豪浩昊皓",
    "he": "和合禾荷",
    "heng": "恒衡",
    "hong": "宏鸿弘红虹泓",
    "hua": "华",
    "huan": "欢环",
    "hui": "辉汇惠慧晖",
    "jia": "嘉佳家",
    "jian": "建坚健",
    "jiang": "江",
    "jie": "杰洁捷",
    "jin": "金锦津晋",
    "jing": "京晶景精",
    "jiu": "久玖九",
    "jun": "俊骏君",
    "kai": "凯开",
    "kang": "康",
    "ke": "科可",
    "kun": "坤",
    "lan": "兰蓝澜",
    "lang": "朗",
    "li": "利立力丽",
    "lian": "联莲",
    "liang": "良亮",
    "lin": "林霖麟琳",
    "ling": "凌灵领",
    "long": "隆龙",
    "lu": "禄路鹭露",
    "lun": "伦",
    "mai": "麦迈",
    "man": "满",
    "mao": "茂贸",
    "mei": "美梅",
    "meng": "盟蒙",
    "ming": "明铭名",
    "nan": "楠",
    "neng": "能",
    "ning": "宁凝",
    "nuo": "诺",
    "ou": "欧",
    "pai": "派",
    "peng": "鹏朋",
    "pin": "品",
    "ping": "平萍",
    "pu": "普浦",
    "qi": "奇琪启祺齐",
    "qian": "千乾谦",
    "qiang": "强",
    "qing": "青清庆晴",
    "qiu": "秋",
    "quan": "泉全权",
    "qun": "群",
    "ran": "然",
    "rong": "荣融榕蓉容",
    "rui": "瑞锐睿",
    "run": "润闰",
    "sen": "森",
    "shan": "山善珊",
    "shang": "尚上商",
    "sheng": "盛胜升圣生",
    "shi": "世实石诗",
    "shu": "舒蜀",
    "shun": "顺舜",
    "si": "思斯",
    "song": "松嵩",
    "tai": "泰太",
    "tian": "天田甜",
    "ting": "婷庭亭",
    "tong": "通同桐彤",
    "wan": "万湾",
    "wang": "旺望",
    "wei": "伟维威薇唯",
    "wen": "文雯",
    "wo": "沃",
    "xi": "喜熙希",
    "xia": "霞夏",
    "xian": "先贤仙鲜",
    "xiang": "祥翔湘香向",
    "xin": "鑫新欣信心馨",
    "xing": "兴星杏",
    "xu": "旭徐",
    "xuan": "轩宣",
    "ya": "雅亚",
    "yang": "阳扬洋",
    "yao": "耀瑶",
    "ye": "业烨",
    "yi": "亿义益怡逸艺宜",
    "yin": "银音",
    "ying": "英盈赢鹰颖",
    "yong": "永勇",
    "you": "优友佑",
    "yu": "宇雨玉裕誉煜",
    "yuan": "源元远园圆",
    "yue": "悦越月",
    "yun": "运云韵",
    "ze": "泽",
    "zhan": "展",
    "zhao": "兆昭",
    "zhen": "振臻真",
    "zheng": "正政峥",
    "zhi": "志智致",
    "zhong": "中众忠",
    "zhuo": "卓",
    "zi": "梓紫",
    "zun": "尊",
}
BROAD_CHARS: str = "".join(TRADE_SYLLABLES.values())
PINYIN_OF: dict[str, str] = {ch: py for py, chars in TRADE_SYLLABLES.items() for ch in chars}
HOMOPHONES: dict[str, str] = {
    ch: chars.replace(ch, "") for chars in TRADE_SYLLABLES.values() if len(chars) > 1 for ch in chars
}

CITY_PINYIN: dict[str, str] = {
    "深圳市": "Shenzhen",
    "广州市": "Guangzhou",
    "佛山市": "Foshan",
    "南宁市": "Nanning",
    "厦门市": "Xiamen",
    "福州市": "Fuzhou",
    "上海市": "Shanghai",
    "杭州市": "Hangzhou",
    "宁波市": "Ningbo",
    "南京市": "Nanjing",
    "苏州市": "Suzhou",
    "合肥市": "Hefei",
    "济南市": "Jinan",
    "青岛市": "Qingdao",
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "石家庄市": "Shijiazhuang",
    "太原市": "Taiyuan",
    "呼和浩特市": "Hohhot",
    "沈阳市": "Shenyang",
    "长春市": "Changchun",
    "哈尔滨市": "Harbin",
    "武汉市": "Wuhan",
    "长沙市": "Changsha",
    "郑州市": "Zhengzhou",
    "南昌市": "Nanchang",
    "成都市": "Chengdu",
    "重庆市": "Chongqing",
    "昆明市": "Kunming",
    "贵阳市": "Guiyang",
    "西安市": "Xi'an",
    "兰州市": "Lanzhou",
}
INDUSTRY_ENGLISH: dict[str, str] = {
    "商贸": "Trading",
    "贸易": "Trading",
    "食品": "Food",
    "酒业": "Wine",
    "饮品": "Beverage",
    "日化": "Daily Chemical",
    "供应链管理": "Supply Chain Management",
    "电子商务": "E-Commerce",
    "实业": "Industrial",
    "商业": "Commercial",
    "食品贸易": "Food Trading",
    "粮油": "Grain and Oil",
    "副食品": "Non-Staple Food",
    "饮料": "Beverage",
    "酒类销售": "Liquor Sales",
    "物流": "Logistics",
    "百货": "Department Store",
    "快消品": "FMCG",
    "进出口": "Import and Export",
    "营销策划": "Marketing",
    "便利店": "Convenience Store",
    "超市": "Supermarket",
    "烟酒店": "Tobacco and Liquor Store",
    "副食店": "Grocery",
    "商店": "Store",
    "餐饮管理": "Catering Management",
    "酒楼": "Restaurant",
    "连锁超市": "Chain Supermarket",
    "生鲜超市": "Fresh Supermarket",
}
LEGAL_ENGLISH: dict[str, tuple[str, ...]] = {
    "有限公司": ("Co., Ltd.", "Company Limited", "Co.,Ltd"),
    "有限责任公司": ("Co., Ltd.", "Limited Liability Company"),
    "股份有限公司": ("Co., Ltd.", "Corporation Limited", "Joint Stock Co., Ltd."),
    "股份公司": ("Corporation",),
    "商行": ("Trading Firm",),
    "贸易行": ("Trading Firm",),
    "经营部": ("Business Department",),
    "(普通合伙)": ("(General Partnership)",),
    "": ("",),
}
FREE_MAIL: tuple[str, ...] = ("163.com", "126.com", "qq.com", "sina.com", "139.com", "foxmail.com")
BUILDING_WORDS: tuple[str, ...] = ("大厦", "广场", "中心", "国际大厦", "商务楼", "写字楼", "商贸城", "大楼")

HARD_VARIANT_P: dict[str, float] = {
    "strong_ids_gone": 0.22,
    "abbreviated_name": 0.14,
    "homophone_name": 0.12,
    "english_name": 0.04,
    "address_rewritten": 0.30,
    "email_changed": 0.15,
}
"""Probability of each hard variant for a record that is not its entity's trusted copy (a quarter of
it for the trusted copy). The three name variants exclude one another and rewrite only names that
carry no standard name variant (typo, region, legal form, traditional, full width); an address is
rewritten only where no standard variant touched it. The realised counts are therefore lower; the
benchmark prints them per kind."""
HARD_KINDS: tuple[str, ...] = (
    "strong_ids_gone",
    "phone_missing",
    "id_number_missing",
    "abbreviated_name",
    "homophone_name",
    "english_name",
    "address_rewritten",
    "email_changed",
)
"""Kinds the hard level adds to ``variant_kinds`` (after the standard ones, in this order)."""
HARD_RELATIONS: tuple[str, ...] = ("sister_company", "branch_of", "same_trade_name_other_city")

_NAME_STRING_KINDS = frozenset(
    {"typo", "region_dropped", "region_bracketed", "legal_form_change", "traditional", "full_width"}
)
_ADDRESS_STRING_KINDS = frozenset({"address_variant", "traditional", "full_width"})
_ID_KINDS = frozenset({"uscc_missing", "uscc_mistyped", "phone_changed", "phone_format"})
_CITY_COLUMNS = (
    "province",
    "city",
    "city_short",
    "district",
    "district_code",
    "city_code",
    "area_code",
    "postcode_city",
    "sales_region",
)
_DIGITS = "〇一二三四五六七八九"


def _weights(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


_BROAD = np.array(list(BROAD_CHARS), dtype="<U1")
_BROAD_PINYIN = np.array([PINYIN_OF[ch] for ch in BROAD_CHARS], dtype=object)
_BROAD_P = _weights(len(BROAD_CHARS), 0.5)


def trade_pinyin(trade: str) -> str:
    """The full pinyin of a trade name drawn from the broad table (华润万家 → huarunwanjia)."""
    return "".join(PINYIN_OF.get(ch, "") for ch in trade)


def draw_broad_trade_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Trade names of 2–4 characters from the broad table (common characters more often) and their
    full pinyin."""
    length = rng.choice([2, 3, 4], size=n, p=[0.55, 0.3, 0.15])
    idx = rng.choice(len(_BROAD), size=(n, 4), p=_BROAD_P)
    used = np.arange(4)[None, :] < length[:, None]
    chars = np.where(used, _BROAD[idx], "")
    trade = np.ascontiguousarray(chars).view("<U4").reshape(n).astype(object)
    pinyin = np.where(used, _BROAD_PINYIN[idx], "").sum(axis=1).astype(object)
    return trade, pinyin


def _unique(rng: np.random.Generator, trade: np.ndarray, pinyin: np.ndarray, key: np.ndarray) -> None:
    for _ in range(50):
        dup = pd.Series(trade + "|" + key).duplicated().to_numpy()
        if not dup.any():
            return
        trade[dup], pinyin[dup] = draw_broad_trade_names(rng, int(dup.sum()))


def _domains(rng: np.random.Generator, pinyin: np.ndarray) -> np.ndarray:
    """A web domain per entity from its full trade-name pinyin; a pinyin already taken by another
    entity gets a number, so unrelated companies never share a domain."""
    domain = pinyin.copy()
    seen = pd.Series(domain).duplicated().to_numpy()
    suffix = pd.Series(rng.integers(1, 100, len(domain))).astype(str).to_numpy(object)
    domain[seen] = domain[seen] + suffix[seen]
    for _ in range(20):
        again = pd.Series(domain).duplicated().to_numpy()
        if not again.any():
            break
        domain[again] = domain[again] + pd.Series(rng.integers(0, 10, int(again.sum()))).astype(str).to_numpy(
            object
        )
    return domain


def company_emails(rng: np.random.Generator, pinyin: np.ndarray, domain: np.ndarray) -> np.ndarray:
    n = len(pinyin)
    u = rng.random(n)
    free = np.array(FREE_MAIL, dtype=object)[rng.integers(0, len(FREE_MAIL), n)]
    digits = pd.Series(rng.integers(1, 9999, n)).astype(str).to_numpy(object)
    box = np.array(["sales", "info", "service", "cw", "office"], dtype=object)[rng.integers(0, 5, n)]
    tld = np.where(rng.random(n) < 0.5, ".com.cn", ".com")
    return np.where(
        u < 0.45,
        box + "@" + domain + tld,
        np.where(
            u < 0.7, pinyin + digits + "@" + free, np.where(u < 0.82, domain + "@" + domain + ".com", "")
        ),
    )


def broaden_trade_names(rng: np.random.Generator, entities: pd.DataFrame) -> pd.DataFrame:
    """Give every company a trade name from the broad table and e-mails on its own domain."""
    e = entities.copy()
    company = (e["customer_kind"] == "business").to_numpy()
    rows = np.flatnonzero(company)
    trade, pinyin = draw_broad_trade_names(rng, len(rows))
    _unique(rng, trade, pinyin, e["industry"].to_numpy(object)[rows])
    domain = _domains(rng, pinyin)
    e.iloc[rows, e.columns.get_loc("trade_name")] = trade
    e.iloc[rows, e.columns.get_loc("trade_pinyin")] = pinyin
    e.iloc[rows, e.columns.get_loc("email")] = company_emails(rng, pinyin, domain)
    return e


def _free_pairs(
    rng: np.random.Generator, taken: np.ndarray, eligible: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    pool = np.flatnonzero(~taken & eligible)
    count = min(count, len(pool) // 2)
    if count <= 0:
        return np.array([], int), np.array([], int)
    picked = rng.choice(pool, size=2 * count, replace=False)
    anchors, others = picked[:count], picked[count:]
    taken[picked] = True
    return anchors, others


def _move_to_city_of(
    rng: np.random.Generator, e: pd.DataFrame, rows: np.ndarray, of: np.ndarray, other_district: bool
) -> None:
    """Put ``rows`` in the city of ``of`` (another district when asked and the city has one), with a
    phone of that city and a USCC registered there."""
    for col in _CITY_COLUMNS:
        e.iloc[rows, e.columns.get_loc(col)] = e[col].to_numpy(object)[of]
    if other_district:
        from sample_data import geography as geo

        by_city = {c.city: c.districts for c in geo.CITIES}
        picks = rng.random(len(rows))
        codes, names = [], []
        for city, current, u in zip(
            e["city"].to_numpy(object)[rows], e["district"].to_numpy(object)[rows], picks, strict=True
        ):
            options = [d for d in by_city[city] if d[1] != current] or list(by_city[city])
            code, name = options[int(u * len(options))]
            codes.append(code)
            names.append(name)
        e.iloc[rows, e.columns.get_loc("district_code")] = codes
        e.iloc[rows, e.columns.get_loc("district")] = names
    e.iloc[rows, e.columns.get_loc("phone")] = draw_phones(
        rng, e["area_code"].to_numpy(object)[rows], p_mobile=0.4, p_400=0.0
    )
    _reissue_uscc(rng, e, rows)


def _reissue_uscc(rng: np.random.Generator, e: pd.DataFrame, rows: np.ndarray) -> None:
    prefix = e["uscc"].str[:2].to_numpy(object)[rows].astype(str)
    division = e["district_code"].to_numpy(object)[rows].astype(str)
    since_2016 = (e["uscc"].str[8:10] == "MA").to_numpy()[rows]
    e.iloc[rows, e.columns.get_loc("uscc")] = make_usccs(rng, prefix, division, since_2016)


def add_hard_negatives(
    rng: np.random.Generator, entities: pd.DataFrame, relations: pd.DataFrame, entity: str, industry_words
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """More look-alike distinct entities on top of the standard hard negatives: sister companies
    (same phone, e-mail and address, own USCC, mostly the same trade name with another industry
    word), same trade name in another city, and branches with their own USCC."""
    e = entities.copy()
    n = len(e)
    ids = e["true_entity_id"].to_numpy(object)
    in_relation = np.isin(ids, np.concatenate([relations["true_entity_id_a"], relations["true_entity_id_b"]]))
    taken = in_relation | (e["customer_kind"] != "business").to_numpy()
    company_form = e["legal_form"].isin(vocab.COMPANY_LEGAL_FORMS).to_numpy()
    out: list[pd.DataFrame] = []

    def relate(a: np.ndarray, b: np.ndarray, relation: str) -> None:
        out.append(
            pd.DataFrame({"true_entity_id_a": ids[a], "true_entity_id_b": ids[b], "relation": relation})
        )

    # Sister companies: one address, one phone, one mailbox, two legal entities.
    anchors, sisters = _free_pairs(rng, taken, np.ones(n, dtype=bool), int(round(n * 0.04)))
    _move_to_city_of(rng, e, sisters, anchors, other_district=False)
    for col in (
        "district",
        "district_code",
        "street",
        "phone",
        "email",
        "name_city",
        "name_city_short",
        "name_district",
        "region_style",
        "contact_name",
    ):
        e.iloc[sisters, e.columns.get_loc(col)] = e[col].to_numpy(object)[anchors]
    _reissue_uscc(rng, e, sisters)
    same_trade = rng.random(len(sisters)) < 0.7
    st_s, st_a = sisters[same_trade], anchors[same_trade]
    for col in ("trade_name", "trade_pinyin"):
        e.iloc[st_s, e.columns.get_loc(col)] = e[col].to_numpy(object)[st_a]
    words = np.array(industry_words, dtype=object)
    current = np.array([industry_words.index(x) for x in e["industry"].to_numpy(object)[st_a]], dtype=int)
    e.iloc[st_s, e.columns.get_loc("industry")] = words[
        (current + rng.integers(1, len(words), len(st_s))) % len(words)
    ]
    relate(sisters, anchors, "sister_company")

    # The same trade name in other cities (a few in three cities).
    anchors, others = _free_pairs(rng, taken, company_form, int(round(n * 0.05)))
    keep = e["city"].to_numpy(object)[others] != e["city"].to_numpy(object)[anchors]
    anchors, others = anchors[keep], others[keep]
    for col in ("trade_name", "trade_pinyin", "industry", "legal_form"):
        e.iloc[others, e.columns.get_loc(col)] = e[col].to_numpy(object)[anchors]
    style = np.where(rng.random(len(anchors)) < 0.6, "leading_full", "leading_short")
    e.iloc[anchors, e.columns.get_loc("region_style")] = style
    e.iloc[others, e.columns.get_loc("region_style")] = style
    for col in ("name_city", "name_city_short", "name_district"):
        src = {"name_city": "city", "name_city_short": "city_short", "name_district": "district"}[col]
        e.iloc[others, e.columns.get_loc(col)] = e[src].to_numpy(object)[others]
    relate(others, anchors, "same_trade_name_other_city")

    # Branches with their own USCC, half of them in the head office's own city.
    parents, branches = _free_pairs(rng, taken, company_form, int(round(n * 0.04)))
    local = rng.random(len(branches)) < 0.5
    _move_to_city_of(rng, e, branches[local], parents[local], other_district=True)
    for col in (
        "trade_name",
        "trade_pinyin",
        "industry",
        "legal_form",
        "region_style",
        "name_city",
        "name_city_short",
        "name_district",
    ):
        e.iloc[branches, e.columns.get_loc(col)] = e[col].to_numpy(object)[parents]
    words = np.array(vocab.BRANCH_WORDS, dtype=object)[rng.choice(3, len(branches), p=[0.75, 0.15, 0.1])]
    place = np.where(
        e["city"].to_numpy(object)[branches] == e["name_city"].to_numpy(object)[branches],
        e["district"].str[:-1].to_numpy(object)[branches],
        e["city_short"].to_numpy(object)[branches],
    )
    e.iloc[branches, e.columns.get_loc("branch")] = place + words
    e.iloc[branches, e.columns.get_loc("parent_entity_id")] = ids[parents]
    for col in ("partner_type", "channel_tier"):
        if col in e:
            e.iloc[branches, e.columns.get_loc(col)] = e[col].to_numpy(object)[parents]
    relate(branches, parents, "branch_of")

    # Companies that took another's trade name get mailboxes on a domain of their own.
    renamed = np.concatenate([others, branches])
    suffix = pd.Series(rng.integers(10, 100, len(renamed))).astype(str).to_numpy(object)
    pinyin = e["trade_pinyin"].to_numpy(object)[renamed]
    e.iloc[renamed, e.columns.get_loc("email")] = company_emails(rng, pinyin, pinyin + suffix)

    rel = pd.concat(out, ignore_index=True)
    rel.insert(0, "entity", entity)
    return e, pd.concat([relations, rel], ignore_index=True)


def chinese_number(value: int) -> str:
    """185 → 一百八十五, 12 → 十二, 2008 → 二千零八 (as house numbers are written)."""
    if value == 0:
        return "〇"
    units = ["", "十", "百", "千"]
    digits = [int(d) for d in str(value)][::-1]
    parts: list[str] = []
    zero = False
    for i in range(len(digits) - 1, -1, -1):
        d = digits[i]
        if d == 0:
            zero = True
            continue
        if zero and parts:
            parts.append("零")
        zero = False
        parts.append(_DIGITS[d] + units[i])
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


_STREET = re.compile(r"^(?P<road>.*?)(?P<number>\d+)号(?P<tail>.*)$")


def rewrite_street(street: str, u: np.ndarray, building: str) -> str:
    """Chinese numerals for the house number (digit by digit or spelt out), and a building name
    added, or the building part dropped; something always changes."""
    m = _STREET.match(street)
    if not m:
        return street
    road, number, tail = m["road"], m["number"], m["tail"]
    if u[0] < 0.35:
        number_text = number.translate(str.maketrans("0123456789", _DIGITS))
    elif u[0] < 0.65:
        number_text = chinese_number(int(number))
    else:
        number_text = number
    if tail and u[1] < 0.6:
        tail = ""
    elif not tail and u[1] < 0.6:
        tail = building + str(1 + int(u[2] * 25)) + "楼"
    out = road + number_text + "号" + tail
    if out == street:
        out = road + chinese_number(int(number)) + "号" + tail
    return out


def english_name(city: str, trade: str, industry: str, legal: str, pick: float, with_city: bool) -> str:
    """Shenzhen Huarun Trading Co., Ltd. — the name a company registers for export papers."""
    forms = LEGAL_ENGLISH.get(legal, ("",))
    parts = [
        CITY_PINYIN.get(city, "") if with_city else "",
        trade_pinyin(trade).capitalize(),
        INDUSTRY_ENGLISH.get(industry, "Trading"),
        forms[int(pick * len(forms))],
    ]
    return " ".join(p for p in parts if p)


def _swap_character(trade: str, u: float, v: float) -> str:
    """One character of the trade name swapped for a homophone from the table, or for a look-alike."""
    positions = [i for i, ch in enumerate(trade) if ch in HOMOPHONES or ch in vocab.SIMILAR_CHARS]
    if not positions:
        return trade
    i = positions[int(u * len(positions))]
    ch = trade[i]
    if ch in HOMOPHONES and (v < 0.75 or ch not in vocab.SIMILAR_CHARS):
        options = HOMOPHONES[ch]
        new = options[int(v * len(options)) % len(options)]
    else:
        new = vocab.SIMILAR_CHARS[ch]
    return trade[:i] + new + trade[i + 1 :]


_LEGAL_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "有限公司": ("有限责任公司",),
    "有限责任公司": ("有限公司",),
    "股份有限公司": ("有限公司", "股份公司"),
    "商行": ("经营部", "贸易行"),
    "经营部": ("商行",),
    "贸易行": ("商行",),
}
"""How clerks rewrite a legal form (有限公司 and 有限责任公司 are confused most)."""


def _other_legal_form(legal: str, u: float) -> str:
    options = _LEGAL_CONFUSIONS.get(legal, (legal,))
    return options[int(u * len(options))]


class _Row:
    """Record ``i``'s entity values, read as ``row["column"]``."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, np.ndarray], i: int) -> None:
        self.columns, self.i = columns, i

    def __getitem__(self, name: str) -> str:
        values = self.columns.get(name)
        return "" if values is None else values[self.i]


def apply_hard_variants(
    rng: np.random.Generator, rec: pd.DataFrame, entities: pd.DataFrame, name_col: str, is_company: np.ndarray
) -> None:
    """Apply the hard variants to ``rec`` in place and extend its ``variant_kinds``."""
    n = len(rec)
    at = pd.Series(np.arange(len(entities)), index=entities["true_entity_id"].to_numpy())
    where = at.reindex(rec["true_entity_id"].to_numpy()).to_numpy()
    columns = ("trade_name", "legal_form", "name_city", "industry", "street", "city", "city_short")
    columns += ("district", "phone", "uscc", "id_number_masked")
    ent = {c: entities[c].fillna("").to_numpy(object)[where] for c in columns if c in entities}
    kinds = [set(k.split(";")) - {""} for k in rec["variant_kinds"].to_numpy(object)]
    rate = np.where(rec["primary"].to_numpy(bool), 0.25, 1.0)
    u = rng.random((n, 12))
    col = rec.columns.get_loc

    def draw(kind: str, column: int) -> np.ndarray:
        return u[:, column] < HARD_VARIANT_P[kind] * rate

    strong, email_changed, address = (
        draw("strong_ids_gone", 0),
        draw("email_changed", 1),
        draw("address_rewritten", 2),
    )
    p_abbr, p_homo, p_en = (HARD_VARIANT_P[k] for k in ("abbreviated_name", "homophone_name", "english_name"))
    name_u = u[:, 3] / rate
    branch = rec["branch"].fillna("").to_numpy(object)
    names = rec[name_col].to_numpy(object, copy=True)
    legal = rec["legal_form"].fillna("").to_numpy(object, copy=True)
    trade = rec["trade_name"].fillna("").to_numpy(object, copy=True)
    for i in np.flatnonzero(is_company & (name_u < p_abbr + p_homo + p_en)):
        if kinds[i] & _NAME_STRING_KINDS:
            continue
        e = _Row(ent, i)
        if name_u[i] < p_abbr:
            new = e["trade_name"] + branch[i]
            kind = "abbreviated_name"
        elif name_u[i] < p_abbr + p_homo:
            trade[i] = _swap_character(e["trade_name"], u[i, 4], u[i, 5])
            legal[i] = _other_legal_form(e["legal_form"], u[i, 6])
            new = render_company_name(
                *(
                    np.array([x], dtype=object)
                    for x in (
                        rec.iat[i, col("region_style")],
                        rec.iat[i, col("name_city")],
                        rec.iat[i, col("name_city_short")],
                        rec.iat[i, col("name_district")],
                        trade[i],
                        rec.iat[i, col("industry")],
                        legal[i],
                        branch[i],
                    )
                )
            )[0]
            kind = "homophone_name" if trade[i] != e["trade_name"] else "legal_form_change"
            if legal[i] != e["legal_form"]:
                kinds[i].add("legal_form_change")
        else:
            if branch[i]:
                continue
            new = english_name(
                e["name_city"], e["trade_name"], e["industry"], e["legal_form"], u[i, 4], u[i, 5] < 0.85
            )
            kind = "english_name"
        if "whitespace_noise" in kinds[i]:
            new = _whitespace(new, u[i, 7], u[i, 8])
        if new != names[i]:
            names[i] = new
            kinds[i].add(kind)
    rec[name_col] = names
    rec["legal_form"] = legal
    rec["trade_name"] = trade

    addresses = rec["address"].to_numpy(object, copy=True)
    buildings = (
        _BROAD[rng.choice(len(_BROAD), size=(n, 2), p=_BROAD_P)].astype(object).sum(axis=1)
        + np.array(BUILDING_WORDS, dtype=object)[rng.integers(0, len(BUILDING_WORDS), n)]
    )
    for i in np.flatnonzero(address):
        if kinds[i] & _ADDRESS_STRING_KINDS:
            continue
        e = _Row(ent, i)
        street = rewrite_street(e["street"], u[i, 9:12], buildings[i])
        city = e["city"] if u[i, 4] < 0.5 else e["city_short"]
        district = "" if u[i, 5] < 0.25 else e["district"]
        new = render_address(*(np.array([x], dtype=object) for x in ("", city, district, street)))[0]
        if new != addresses[i]:
            addresses[i] = new
            kinds[i].add("address_rewritten")
    rec["address"] = addresses

    phones = rec["phone"].fillna("").to_numpy(object, copy=True)
    usccs = rec["uscc"].fillna("").to_numpy(object, copy=True)
    id_numbers = (
        rec["id_number_masked"].fillna("").to_numpy(object, copy=True) if "id_number_masked" in rec else None
    )
    new_phones = draw_phones(rng, rec["area_code"].to_numpy(object), p_mobile=0.6, p_400=0.0)
    for i in np.flatnonzero(strong):
        e = _Row(ent, i)
        had_phone = bool(e["phone"])
        phone = "" if u[i, 4] < 0.5 else new_phones[i]
        if is_company[i]:
            if not e["uscc"]:
                continue
            uscc = "" if u[i, 5] < 0.55 else _mistype_uscc(e["uscc"], u[i, 6], u[i, 7])
            kinds[i] -= _ID_KINDS
            usccs[i] = uscc
            kinds[i].add("uscc_missing" if uscc == "" else "uscc_mistyped")
        else:
            if id_numbers is None or not e["id_number_masked"]:
                continue
            kinds[i] -= {"phone_changed", "phone_format"}
            id_numbers[i] = ""
            kinds[i].add("id_number_missing")
        phones[i] = phone
        if had_phone:
            kinds[i].add("phone_missing" if phone == "" else "phone_changed")
        kinds[i].add("strong_ids_gone")
        if u[i, 8] < 0.5:
            email_changed[i] = True
    rec["phone"] = phones
    rec["uscc"] = usccs
    if id_numbers is not None:
        rec["id_number_masked"] = id_numbers

    emails = rec["email"].fillna("").to_numpy(object, copy=True)
    free = np.array(FREE_MAIL, dtype=object)[rng.integers(0, len(FREE_MAIL), n)]
    digits = pd.Series(rng.integers(10, 99999, n)).astype(str).to_numpy(object)
    for i in np.flatnonzero(email_changed):
        if not emails[i]:
            continue
        if u[i, 9] < 0.5:
            new = ""
        elif is_company[i]:
            new = trade_pinyin(ent["trade_name"][i]) + digits[i] + "@" + free[i]
        else:
            new = digits[i] + "@" + free[i]
        if new != emails[i]:
            emails[i] = new
            kinds[i].add("email_changed")
    rec["email"] = emails

    order = list(dict.fromkeys([*COMPANY_VARIANT_P, *PERSON_VARIANT_P, *HARD_KINDS]))
    rec["variant_kinds"] = [";".join(k for k in order if k in row) for row in kinds]
