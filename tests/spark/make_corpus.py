#!/usr/bin/env python3
"""Writes a test corpus for tests/spark/run.sh: data/sample.jsonl repeated
COPIES times, each copy with new ids and its dates moved on by one month per
copy, plus a few articles that test the edges of the merge (no date, no
mention, non-ASCII ids whose code point and byte orders must agree).

    make_corpus.py data/sample.jsonl 10 > corpus.jsonl
"""

import json
import sys


def shift(date, months):
    """YYYY-MM-DD moved on by `months` (the day capped at 28)."""
    year, month, day = int(date[:4]), int(date[5:7]), int(date[8:10])
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}-{min(day, 28):02d}"


def main():
    source, copies = sys.argv[1], int(sys.argv[2])
    with open(source, encoding="utf-8") as f:
        articles = [json.loads(line) for line in f if line.strip()]
    out = sys.stdout
    for n in range(copies):
        for a in articles:
            doc = dict(a, id=f"{a['id']}-c{n:02d}")
            if doc.get("date"):
                doc["date"] = shift(doc["date"], n)
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    # Ids that sort differently by UTF-16 unit, by code point and by byte
    # would show a wrong evidence order; these agree in code point and byte
    # order, which is what the Spark reduce relies on.
    text = articles[1]["text"]
    for i, id_ in enumerate(
        ["é-1", "z-1", "Z-1", "日本-1", "ß-1", "\U0001f600-1", "\uff21-1", "eurasia-0"]
    ):
        doc = {"id": id_, "text": text}
        if i % 2 == 0:
            doc["date"] = shift("2022-02-04", i)
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    out.write(
        json.dumps(
            {"id": "no-mention", "date": "2021-12-31", "text": "Nothing to see here."}
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
