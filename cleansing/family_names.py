"""Chinese family names (百家姓): the single ones most people carry and the compound ones."""

from __future__ import annotations

from cleansing.text import chinese_characters

__all__ = ["COMMON_SURNAMES", "COMPOUND_SURNAMES", "split_chinese_name"]

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
"""The family names most Chinese people carry, single and compound."""


def split_chinese_name(name: str) -> tuple[str, str] | None:
    """``(family name, given name)`` of a Chinese personal name of two to four characters
    (``谢嘉敏`` → ``谢``, ``嘉敏``; ``欧阳明华`` → ``欧阳``, ``明华``); ``None`` for anything else. A
    compound family name is read as one where a given name follows it; otherwise the first character is
    the family name, as Chinese names are written."""
    text = name.replace(" ", "").replace("\u3000", "")
    if not 2 <= len(text) <= 4 or chinese_characters(text) != len(text):
        return None
    k = 2 if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:k], text[k:]
