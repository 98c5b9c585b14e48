"""Chinese member lists with households: couples, children and siblings at one address and landline.

Run: ``.venv/bin/python -m benchmarks.bench_households [--households 2000] [--seed 7]``

A loyalty or warranty list writes each member of a family: they share the home's address and landline and
differ in name, mobile and birth date. The list is drawn here by rules of its own, written for this
benchmark apart from ``sample_data`` (whose customers live alone), so that the matcher is measured on a
shape its generator does not make:

- names from 50 family names with realistic weights and 100 common given-name characters, one or two of
  them: namesakes are frequent, as they are in China (刘波 is many people);
- households of one (55 %), a couple (28 %, two family names) or a couple and a child or a sibling (17 %;
  half of the siblings share a generation character, 王诗建 / 王诗强); 60 % of homes have a landline;
- each person has a mobile (85 %) and a birth date (70 %); 35 % are written twice or three times, a copy
  showing the mobile, the landline or both, another phone format, the address with or without its
  province, sometimes no address or birth date, a given-name character typed as another of the same
  sound (12 %), or a title after the name (5 %).

Prints pairwise P / R / F1 against the true persons, the wrongly paired records that live in one
household, the share of records left for review and the blocking's estimated pair completeness, for
every column (``full``), the name and the phone (``name_phone``) and the name alone (``name``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from pypinyin import Style, pinyin

from benchmarks.scoring import count_pairs_in_groups, records_touched, score_pairwise
from mdm.dedupe import deduplicate
from mdm.spec import parse_spec

FAMILY_NAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
FAMILY_WEIGHTS = np.array([7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.2, 2.0, 1.9, 1.8] + [1.2] * 10 + [0.8] * 30)
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣婷雪琳晨阳辉鹏飞"
    "志国建文春海峰燕丹亮成小晓佳嘉雨子梓涵轩博一诗琪颖慧玲倩雅思怡新永德云振"
)
CITIES = [
    ("上海市", "浦东新区", "021"),
    ("北京市", "朝阳区", "010"),
    ("广东省广州市", "天河区", "020"),
    ("浙江省杭州市", "西湖区", "0571"),
    ("四川省成都市", "武侯区", "028"),
    ("湖北省武汉市", "洪山区", "027"),
]
ROADS = [
    "人民",
    "解放",
    "中山",
    "建设",
    "和平",
    "长江",
    "黄河",
    "新华",
    "青年",
    "胜利",
    "文化",
    "光明",
    "东风",
    "幸福",
    "团结",
]
VARIANTS = {
    "full": {
        "person_name": "name",
        "phone": "phone",
        "address": "address",
        "city": "city",
        "birth_date": "birth_date",
    },
    "name_phone": {"person_name": "name", "phone": "phone"},
    "name": {"person_name": "name"},
}


def _same_sound_characters() -> dict[str, list[str]]:
    """Per given-name character the others of the pool that share a toneless reading."""
    by_sound: dict[str, list[str]] = {}
    sounds = {ch: set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]) for ch in GIVEN_CHARACTERS}
    for ch, readings in sounds.items():
        for reading in readings:
            by_sound.setdefault(reading, []).append(ch)
    return {ch: sorted({o for r in sounds[ch] for o in by_sound[r]} - {ch}) for ch in GIVEN_CHARACTERS}


def _name(rng: np.random.Generator, family: str, generation: str | None = None) -> str:
    if generation:
        return family + generation + str(rng.choice(list(GIVEN_CHARACTERS)))
    return family + "".join(rng.choice(list(GIVEN_CHARACTERS), 1 if rng.random() < 0.4 else 2))


def _family(rng: np.random.Generator) -> str:
    return str(rng.choice(list(FAMILY_NAMES), p=FAMILY_WEIGHTS / FAMILY_WEIGHTS.sum()))


def _people(rng: np.random.Generator, households: int) -> list[dict]:
    people: list[dict] = []
    for home in range(households):
        province, district, area = CITIES[rng.integers(len(CITIES))]
        road, number = rng.choice(ROADS), rng.integers(1, 999)
        address = f"{province}{district}{road}路{number}号{rng.integers(1, 30)}栋{rng.integers(101, 2999)}室"
        landline = f"{area}-{rng.integers(2, 9)}{rng.integers(0, 10**7):07d}" if rng.random() < 0.6 else None
        size = rng.choice([1, 2, 3], p=[0.55, 0.28, 0.17])
        family = _family(rng)
        names = [_name(rng, family)]
        if size >= 2:
            names.append(_name(rng, _family(rng)))
        if size >= 3:
            sibling = len(names[0]) == 3 and rng.random() < 0.5
            names.append(_name(rng, family, names[0][1] if sibling else None))
        for name in names:
            born = pd.Timestamp("1950-01-01") + pd.Timedelta(days=int(rng.integers(0, 365 * 55)))
            people.append(
                {
                    "person": len(people),
                    "household": home,
                    "name": name,
                    "mobile": f"1{rng.choice([3, 5, 8])}{rng.integers(0, 10**9):09d}"
                    if rng.random() < 0.85
                    else None,
                    "landline": landline,
                    "address": address,
                    "city": province,
                    "born": born if rng.random() < 0.7 else None,
                }
            )
    return people


def _phone(rng: np.random.Generator, person: dict) -> str:
    phones = [p for p in (person["mobile"], person["landline"]) if p]
    if not phones:
        return ""
    r = rng.random()
    phone = phones[0] if r < 0.45 or len(phones) == 1 else phones[-1] if r < 0.75 else " / ".join(phones)
    if rng.random() < 0.3:
        phone = phone.replace("-", "") if rng.random() < 0.5 else "+86 " + phone.lstrip("0")
    return phone


def member_list(households: int = 2000, seed: int = 7) -> pd.DataFrame:
    """The records (``member_id``, ``name``, ``phone``, ``address``, ``city``, ``birth_date``) with their
    truth (``true_person``, ``household``), shuffled."""
    rng = np.random.default_rng(seed)
    same_sound = _same_sound_characters()
    rows = []
    for person in _people(rng, households):
        copies = 1 + int(rng.random() < 0.35) * (1 + int(rng.random() < 0.3))
        for copy in range(copies):
            name = person["name"]
            if copy and rng.random() < 0.12:
                i = int(rng.integers(1, len(name)))
                if same_sound.get(name[i]):
                    name = name[:i] + str(rng.choice(same_sound[name[i]])) + name[i + 1 :]
            if copy and rng.random() < 0.05:
                name += str(rng.choice(["先生", "女士", " "]))
            address = person["address"]
            if rng.random() < 0.3:
                address = address.replace(person["city"], "")
            if copy and rng.random() < 0.3:
                address = ""
            born = person["born"]
            written = rng.choice(["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"])
            rows.append(
                {
                    "member_id": f"M{len(rows):06d}",
                    "name": name,
                    "phone": _phone(rng, person),
                    "address": address,
                    "city": person["city"] if rng.random() < 0.8 else "",
                    "birth_date": ""
                    if born is None or (copy and rng.random() < 0.3)
                    else born.strftime(written),
                    "true_person": person["person"],
                    "household": person["household"],
                }
            )
    return pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)


def measure(records: pd.DataFrame, variant: str) -> dict:
    columns = VARIANTS[variant]
    spec = parse_spec({"record_id": "member_id", "entity": "person", "columns": columns}, f"<{variant}>")
    start = time.perf_counter()
    result = deduplicate(records[["member_id", *columns.values()]], spec, progress=False)
    seconds = time.perf_counter() - start
    clusters = result.clusters.set_index("record_id")["cluster_id"].reindex(records["member_id"]).to_numpy()
    figures = score_pairwise(clusters, records["true_person"].to_numpy())
    frame = pd.DataFrame({"c": clusters, "p": records["true_person"], "h": records["household"]})

    def wrong(by: list[str]) -> float:
        pairs = count_pairs_in_groups(frame.groupby(by).size().to_numpy())
        return pairs - count_pairs_in_groups(frame.groupby([*by, "p"]).size().to_numpy())

    review = result.pairs[result.pairs["match_class"] == "needs_review"]
    touched = records_touched(review["left_record_id"], review["right_record_id"])
    return {
        **figures,
        "wrong_pairs": int(wrong(["c"])),
        "wrong_in_household": int(wrong(["c", "h"])),
        "review_records": touched / len(records),
        "completeness": result.pair_completeness,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    records = member_list(args.households, args.seed)
    people = records["true_person"].nunique()
    print(f"{len(records):,} records of {people:,} people in {args.households:,} households")
    print(
        "| columns | pair P | pair R | pair F1 | wrong pairs | of them one household | review records "
        "| estimated completeness | s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for variant in args.variants:
        r = measure(records, variant)
        completeness = "n/a" if pd.isna(r["completeness"]) else f"{r['completeness']:.4f}"
        print(
            f"| {variant} | {r['pair_precision']:.4f} | {r['pair_recall']:.4f} | {r['pair_f1']:.4f} | "
            f"{r['wrong_pairs']:,} | {r['wrong_in_household']:,} | {r['review_records']:.1%} | "
            f"{completeness} | {r['seconds']:.1f} |"
        )


if __name__ == "__main__":
    main()
