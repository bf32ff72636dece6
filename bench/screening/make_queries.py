#!/usr/bin/env python3
"""Writes the screening benchmark's queries (bench/screening/queries.tsv).

Columns: kind, expected OFAC entity number (empty for negatives), rule, query.

Positives are spelling variants of names on the full OFAC set of 2021
(`../shared/data/sanctions/ofac_2021`, sdn.csv primary names): every entry of a DPRK
program gets a Korean romanisation variant, a sample of the other entries gets one
variant each, by rules written from the public conventions, not from bonafide's tables:
  order      `LAST, First Middle` -> `First Middle Last`, mixed case
  korean     McCune-Reischauer -> Revised Romanization / popular spellings: surname
             spellings (Kim/Gim, Ri/Lee/Yi, Pak/Park, Jong/Jeong/Chung, Choe/Choi, O/Oh,
             Ko/Go, Kang/Gang, Cho/Jo, Yun/Yoon, Sin/Shin, Chon/Jeon, Mun/Moon, Yu/Yoo), in
             given-name syllables o -> eo after a consonant, initial k -> g, ch -> j,
             p -> b, t -> d, u -> eu in `un`, given names hyphenated or run together
  translit   generic transliteration noise on words of 4+ letters: doubled letters
             single, ou -> u, y -> i, ph -> f, kh -> h, dh -> d, final h dropped; a
             person's name parts shuffled (an organisation's words keep their order)
  company    company forms written another way (COMPANY -> Co., CORPORATION -> Corp.,
             LIMITED -> Ltd., `LIMITED LIABILITY COMPANY X` -> `X LLC`, `JOINT STOCK
             COMPANY X` -> `X JSC`), title case, punctuation dropped
  typo       two adjacent letters of the longest word swapped (words of 7+ letters)
Negatives are ordinary names: the 1,000 of the matcher's test data plus 4,000 more
drawn the same way with another seed (bench/screening/ordinary_names.py).
"""
import csv
import pathlib
import random
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import ordinary_names as on  # noqa: E402

SURNAMES = {"KIM": ["Gim"], "RI": ["Lee", "Yi", "Rhee"], "PAK": ["Park", "Bak"], "JONG": ["Jeong", "Chung"],
            "CHOE": ["Choi"], "O": ["Oh"], "KO": ["Go"], "KANG": ["Gang"], "CHO": ["Jo"], "YUN": ["Yoon"],
            "SIN": ["Shin"], "CHON": ["Jeon"], "MUN": ["Moon"], "YU": ["Yoo"], "HAN": ["Hahn"], "SONG": ["Seong"]}


def rr_syllable(s, rng):
    s = s.lower()
    if s.startswith("k"):
        s = "g" + s[1:]
    elif s.startswith("ch"):
        s = "j" + s[2:]
    elif s.startswith("p"):
        s = "b" + s[1:]
    elif s.startswith("t") and not s.startswith("th"):
        s = "d" + s[1:]
    s = re.sub(r"(?<=[bcdghjklmnprstwy])o(?=[lnkmg])", "eo", s)
    if s == "un":
        s = "eun"
    return s


def korean(name, rng):
    if "," not in name:
        return None
    last, first = [x.strip() for x in name.split(",", 1)]
    if last.upper() not in SURNAMES:
        return None
    sur = rng.choice(SURNAMES[last.upper()])
    syl = [rr_syllable(x, rng) for x in re.split(r"[\s-]+", first) if x]
    if not syl:
        return None
    if len(syl) == 2 and rng.random() < 0.5:
        given = syl[0].capitalize() + (rng.choice(["-", ""])) + syl[1]
    else:
        given = " ".join(x.capitalize() for x in syl)
    return f"{sur} {given}" if rng.random() < 0.5 else f"{given} {sur}"


def order(name, rng):
    if "," not in name:
        return None
    last, first = [x.strip() for x in name.split(",", 1)]
    return f"{first} {last.title()}"


def translit(name, rng, person):
    # Abbreviations keep their letters together (S.A. -> SA); a person's name parts may
    # come in any order, an organisation's words keep theirs.
    words = re.sub(r"(?<=\b\w)\.(?=\w\b)", "", name).replace(",", " ").replace(".", " ").split()
    if len(words) < 2:
        return None
    out = []
    for w in words:
        if len(w) >= 4:
            w = w.lower()
            w = re.sub(r"(.)\1", r"\1", w)
            w = w.replace("ou", "u").replace("ph", "f").replace("kh", "h").replace("dh", "d")
            w = re.sub(r"y", "i", w) if rng.random() < 0.5 else w
            w = re.sub(r"h$", "", w) if len(w) > 4 else w
            w = w.capitalize()
        out.append(w)
    if person:
        rng.shuffle(out)
    v = " ".join(out)
    return v if v.lower() != " ".join(words).lower() else None


FORMS = [(r"\bLIMITED LIABILITY COMPANY (.+)", r"\1 LLC"), (r"\bJOINT STOCK COMPANY (.+)", r"\1 JSC"),
         (r"\bCOMPANY\b", "Co."), (r"\bCORPORATION\b", "Corp."), (r"\bLIMITED\b", "Ltd.")]


def company(name, rng):
    v = name
    for pat, rep in FORMS:
        v = re.sub(pat, rep, v)
    if v == name:
        return None
    return re.sub(r"[,]", "", v).title().replace("Llc", "LLC").replace("Jsc", "JSC")


def typo(name, rng):
    words = re.sub(r"[,.]", " ", name).split()
    long = max(words, key=len) if words else ""
    if len(long) < 7:
        return None
    i = rng.randrange(1, len(long) - 2)
    w = long[:i] + long[i + 1] + long[i] + long[i + 2:]
    return " ".join(w if x == long else x for x in words)


def main():
    rng = random.Random(7)
    sdn = ROOT.parent / "shared/data/sanctions/ofac_2021/sdn.csv"
    if not sdn.exists():
        sdn = ROOT / "../shared/data/sanctions/ofac_2021/sdn.csv"
    rows = [r for r in csv.reader(open(sdn, encoding="latin-1")) if len(r) == 12]
    out = []
    dprk = [r for r in rows if "DPRK" in r[3]]
    others = [r for r in rows if "DPRK" not in r[3] and r[2].strip() in ("individual", "-0-")]
    rng.shuffle(others)
    for r in dprk + others[:1700]:
        ent, name, typ = r[0], r[1], r[2].strip()
        rules = ["korean", "order", "typo"] if "DPRK" in r[3] and typ == "individual" else (
            ["order", "translit", "typo"] if typ == "individual" else ["company", "typo", "translit"])
        for rule in rules:
            fns = {"korean": korean, "order": order, "company": company, "typo": typo,
                   "translit": lambda n, r: translit(n, r, typ == "individual")}
            v = fns[rule](name, rng)
            if v and v.strip():
                out.append(("positive", ent, rule, v))
                break
    test_names = (ROOT / "crates/intel/tests/data/ordinary_names.txt").read_text(encoding="utf-8").split("\n")
    negatives = [n for n in test_names if n.strip()]
    rng2 = random.Random(99)
    more = []
    more += on.pick(rng2, on.ENGLISH_GIVEN, on.ENGLISH_SUR, 1000, lambda g, s, r: f"{g} {s}")
    more += on.pick(rng2, on.SPANISH_GIVEN, on.SPANISH_SUR, 1000, lambda g, s, r: f"{g} {s} {r.choice(on.SPANISH_SUR)}")
    more += on.pick(rng2, on.CHINESE_GIVEN, on.CHINESE_SUR, 1000, lambda g, s, r: f"{s} {g}")
    more += on.pick(rng2, on.KOREAN_GIVEN, on.KOREAN_SUR, 1000, lambda g, s, r: f"{g} {s}")
    seen = set(negatives)
    negatives += [m for m in more if m not in seen]
    for n in negatives:
        out.append(("negative", "", "ordinary", n))
    with open(HERE / "queries.tsv", "w", encoding="utf-8") as f:
        f.write("kind\texpected\trule\tquery\n")
        for row in out:
            f.write("\t".join(row) + "\n")
    pos = sum(1 for r in out if r[0] == "positive")
    print(f"wrote {len(out)} queries ({pos} positives, {len(out) - pos} negatives)")


if __name__ == "__main__":
    main()
