"""Person or organisation: customer lists keep both in one name column.

With ``entity: person`` every name is a person's; with ``organisation`` none is; with ``auto``
a name is a person's when it looks like a Chinese personal name (a common surname and one or
two given characters, nothing parsed as region, industry word or legal form) or is written in
the ``person_name`` column. ``party_kind`` records the outcome so that a person is never merged
with a company.
"""

from __future__ import annotations

import pandas as pd

COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂"
    "章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "令狐",
    "宇文",
    "夏侯",
    "端木",
)


def looks_like_chinese_person_name(names: pd.Series) -> pd.Series:
    """True for ``张伟``, ``欧阳明华``; false for ``光彩腾酒楼``, ``华强`` (no common surname) or Latin text."""
    text = names.astype("string")
    chinese = text.str.fullmatch(r"[\u3400-\u9fff]{2,4}").fillna(False).astype(bool)
    compound = text.str[:2].isin(COMPOUND_SURNAMES).fillna(False).astype(bool)
    single = text.str[:1].isin(COMMON_SURNAMES).fillna(False).astype(bool)
    length = text.str.len().fillna(0)
    return chinese & ((single & (length <= 3)) | (compound & (length >= 3)))


def mark_person_names(std: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Move people's names out of the company-name parts into ``person_name``; add ``party_kind``."""
    std = std.copy()
    has_name = std["name_normalised"].notna()
    if entity == "person":
        person_like = has_name
    elif entity == "organisation":
        person_like = pd.Series(False, index=std.index)
    else:
        parts_missing = (
            std["name_legal_form"].isna() & std["name_industry"].isna() & std["name_region"].isna()
        )
        compact = std["name_normalised"].str.replace(" ", "", regex=False)
        person_like = has_name & parts_missing & looks_like_chinese_person_name(compact)
    person_like = (person_like & std["person_name"].isna()).to_numpy(dtype=bool)
    std.loc[person_like, "person_name"] = std.loc[person_like, "name_normalised"].str.replace(
        " ", "", regex=False
    )
    for column in ("name_trade", "name_core", "name_region", "name_industry", "name_legal_form"):
        std.loc[person_like, column] = pd.NA
    kind = pd.Series(pd.NA, index=std.index, dtype="string")
    kind[std["person_name"].notna() & std["name_core"].isna()] = "person"
    kind[std["name_core"].notna()] = "organisation"
    std["party_kind"] = kind
    return std
