"""Synthetic but realistic graph names for the re-screening benchmark.

People with Korean names in several romanisations (hyphenated, joined, McCune-Reischauer
and Revised Romanization spellings, some in Cyrillic as Russian documents write them), Russian
names with patronymics, Chinese names in pinyin and Western names; companies with legal forms
(Korean trading corporations, Chinese and Hong Kong firms, Russian OOO, shipping companies);
vessels. Every part list below was written for this benchmark.
"""

from __future__ import annotations

import random

KOREAN_FAMILY = [
    ("Kim", "Gim", "Ким"),
    ("Ri", "Lee", "Ри"),
    ("Pak", "Park", "Пак"),
    ("Choe", "Choi", "Чве"),
    ("Jong", "Jeong", "Чон"),
    ("Kang", "Gang", "Кан"),
    ("Han", "Han", "Хан"),
    ("O", "Oh", "О"),
    ("Ryu", "Yu", "Рю"),
    ("Hwang", "Hwang", "Хван"),
    ("Yun", "Yoon", "Юн"),
    ("Jang", "Chang", "Чан"),
    ("Sin", "Shin", "Син"),
    ("Son", "Son", "Сон"),
    ("Ko", "Go", "Ко"),
    ("Mun", "Moon", "Мун"),
    ("Hyon", "Hyeon", "Хён"),
    ("Kwon", "Gwon", "Квон"),
    ("Ju", "Joo", "Чу"),
    ("Jo", "Cho", "Чо"),
]
KOREAN_GIVEN = [
    ("chol", "cheol", "чоль"),
    ("song", "seong", "сон"),
    ("il", "il", "иль"),
    ("nam", "nam", "нам"),
    ("su", "su", "су"),
    ("yong", "yeong", "ён"),
    ("hyok", "hyeok", "хёк"),
    ("kwang", "gwang", "гван"),
    ("myong", "myeong", "мён"),
    ("hui", "hui", "хый"),
    ("sun", "sun", "сун"),
    ("chun", "chun", "чун"),
    ("ho", "ho", "хо"),
    ("jin", "jin", "чжин"),
    ("ryong", "ryong", "рён"),
    ("hak", "hak", "хак"),
    ("ok", "ok", "ок"),
    ("kum", "geum", "кым"),
    ("chang", "chang", "чан"),
    ("un", "eun", "ын"),
    ("jun", "jun", "чжун"),
    ("min", "min", "мин"),
    ("hye", "hye", "хе"),
    ("thae", "tae", "тхэ"),
    ("pyong", "byeong", "пхён"),
    ("dok", "deok", "док"),
    ("kuk", "guk", "кук"),
    ("sok", "seok", "сок"),
    ("bom", "beom", "бом"),
    ("ran", "ran", "ран"),
]
RUSSIAN_FIRST = [
    "Aleksandr",
    "Sergei",
    "Dmitry",
    "Andrei",
    "Ivan",
    "Mikhail",
    "Nikolai",
    "Vladimir",
    "Yevgeny",
    "Oleg",
    "Pavel",
    "Igor",
    "Viktor",
    "Yuri",
    "Roman",
    "Anatoly",
]
RUSSIAN_LAST = [
    "Ivanov",
    "Petrov",
    "Sidorov",
    "Kuznetsov",
    "Smirnov",
    "Volkov",
    "Sokolov",
    "Morozov",
    "Novikov",
    "Fedorov",
    "Orlov",
    "Lebedev",
    "Kozlov",
    "Popov",
    "Vasiliev",
    "Zaitsev",
    "Belov",
    "Gusev",
    "Tarasov",
    "Melnikov",
]
CHINESE_FAMILY = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
]
CHINESE_GIVEN = [
    "wei",
    "fang",
    "jun",
    "ming",
    "hua",
    "lei",
    "jie",
    "tao",
    "qiang",
    "yan",
    "xiu",
    "ying",
    "hong",
    "ping",
    "bin",
    "hai",
    "long",
    "feng",
    "dong",
    "xin",
]
WESTERN_FIRST = ["Peter", "Anna", "Marco", "Julia", "Thomas", "Elena", "David", "Sara", "Jan"]
WESTERN_LAST = ["Becker", "Rossi", "Novak", "Jensen", "Meyer", "Dubois", "Horvat", "Lindgren"]
STEMS = [
    "Tongil",
    "Kumsong",
    "Pyongjin",
    "Haeyang",
    "Chollima",
    "Sungri",
    "Mirae",
    "Potonggang",
    "Ryugyong",
    "Taedong",
    "Paektu",
    "Unha",
    "Chongchun",
    "Songbong",
    "Hwasong",
    "Kwangmyong",
    "Sinhung",
    "Rason",
    "Haegumgang",
    "Jangsu",
    "Golden Star",
    "Silver Dragon",
    "Great Wall",
    "Pacific Bridge",
    "Eastern Pearl",
    "Northern Light",
    "Harmony",
    "Fortune",
    "Everbright",
    "Jade River",
    "Baltika",
    "Dalnevostok",
    "Primorye",
    "Sibir",
    "Amur",
    "Vostok",
    "Sakhalin",
    "Severny Put",
]
KINDS = [
    "Trading",
    "Shipping",
    "Mining",
    "Textile",
    "Fishery",
    "Machinery",
    "Investment",
    "Import Export",
    "Construction",
    "Logistics",
    "Seafood",
    "Electronics",
    "Timber",
    "Petroleum",
    "Marine Services",
]
KOREAN_FORMS = ["Corporation", "General Corporation", "Company", "Trading Company", "Corp."]
CHINESE_PLACES = ["Dandong", "Shenyang", "Yanji", "Hunchun", "Dalian", "Tumen", "Hong Kong"]
CHINESE_FORMS = ["Co., Ltd.", "Company Limited", "Trade Co. Ltd", "Limited", "Group Co., Ltd."]
RUSSIAN_FORMS = ["OOO", "LLC", "JSC", "AO", "ZAO", "OAO"]
VESSEL_WORDS = ["Sea", "Star", "Ocean", "Wind", "Pearl", "Glory", "Dawn", "Victory", "Jade"]


def korean_person(rng: random.Random) -> str:
    """A Korean name in one of the ways documents write it."""
    family = rng.choice(KOREAN_FAMILY)
    given = [rng.choice(KOREAN_GIVEN) for _ in range(2)]
    style = rng.random()
    if style < 0.12:
        return f"{family[2]} {given[0][2].title()} {given[1][2].title()}"
    system = 0 if rng.random() < 0.6 else 1
    first, second = given[0][system], given[1][system]
    joined = rng.choice([f"{first.title()}-{second}", f"{first.title()}{second}"])
    joined = f"{first.title()} {second.title()}" if rng.random() < 0.4 else joined
    if rng.random() < 0.3:
        return (
            f"{joined} {family[system]}".upper()
            if rng.random() < 0.5
            else f"{joined} {family[system]}"
        )
    return f"{family[system]} {joined}"


def russian_person(rng: random.Random) -> str:
    first, last = rng.choice(RUSSIAN_FIRST), rng.choice(RUSSIAN_LAST)
    father = rng.choice(RUSSIAN_FIRST)
    patronymic = father[:-1] + "yevich" if father.endswith(("i", "y")) else father + "ovich"
    return rng.choice(
        [f"{first} {last}", f"{last} {first} {patronymic}", f"{first} {patronymic} {last}"]
    )


def chinese_person(rng: random.Random) -> str:
    family = rng.choice(CHINESE_FAMILY)
    given = rng.choice(CHINESE_GIVEN) + (rng.choice(CHINESE_GIVEN) if rng.random() < 0.7 else "")
    return f"{family} {given.title()}"


def western_person(rng: random.Random) -> str:
    return f"{rng.choice(WESTERN_FIRST)} {rng.choice(WESTERN_LAST)}"


def company(rng: random.Random) -> str:
    stem, kind = rng.choice(STEMS), rng.choice(KINDS)
    roll = rng.random()
    if roll < 0.35:
        prefix = rng.choice(["Korea ", "", ""])
        return f"{prefix}{stem} {kind} {rng.choice(KOREAN_FORMS)}"
    if roll < 0.7:
        return f"{rng.choice(CHINESE_PLACES)} {stem} {kind} {rng.choice(CHINESE_FORMS)}"
    if roll < 0.85:
        return f"{rng.choice(RUSSIAN_FORMS)} {stem} {kind}"
    return f"{stem} {kind} International Limited"


def vessel(rng: random.Random) -> str:
    return f"{rng.choice(STEMS)} {rng.choice(VESSEL_WORDS)} {rng.randint(1, 99)}"


def graph_name(rng: random.Random) -> tuple[str, str]:
    """(schema, name) of one synthetic graph entity."""
    roll = rng.random()
    if roll < 0.35:
        return "Person", korean_person(rng)
    if roll < 0.47:
        return "Person", russian_person(rng)
    if roll < 0.59:
        return "Person", chinese_person(rng)
    if roll < 0.64:
        return "Person", western_person(rng)
    if roll < 0.97:
        return "Company", company(rng)
    return "Vessel", vessel(rng)


def variant(rng: random.Random, name: str) -> str:
    """A name as a document might write a listed one: case, spacing, a typo, a dropped word."""
    tokens = name.replace(",", " ").split()
    roll = rng.random()
    if roll < 0.25:
        return name.upper() if rng.random() < 0.5 else name.title()
    if roll < 0.45 and len(tokens) > 1:
        return " ".join(tokens[1:] + tokens[:1])
    if roll < 0.6 and len(tokens) > 1:
        i = rng.randrange(len(tokens) - 1)
        hyphenated = f"{tokens[i]}-{tokens[i + 1].lower()}"
        return " ".join([*tokens[:i], hyphenated, *tokens[i + 2 :]])
    if roll < 0.8 and len(name) > 6:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1 :]
    if len(tokens) > 3:
        tokens.pop(rng.randrange(1, len(tokens) - 1))
        return " ".join(tokens)
    return name.replace("-", " ")
