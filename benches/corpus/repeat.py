#!/usr/bin/env python3
"""Writes a JSONL corpus of N copies of a JSONL file, each record with a new
id (`<id>-r<copy>`), so that duplicate-id warnings and evidence lists behave
as on a real corpus of that size. With --paragraphs, each non-blank line of
a record's text becomes a record of its own (`<id>-p<n>-r<copy>`): many
short documents, like a corpus of posts or news briefs. With --csv, the
records are written as CSV rows instead (columns id, date, text, title as
far as the records have them; Python's csv module, which quotes a cell only
when it must and ends rows with CRLF), for timing comention's CSV reader.

    benches/corpus/repeat.py data/sample.jsonl 2000 /tmp/sample-x2000.jsonl
    benches/corpus/repeat.py --paragraphs .bench-cache/data/sotu.jsonl 20 /tmp/p20.jsonl
    benches/corpus/repeat.py --csv .bench-cache/data/sotu.jsonl 20 /tmp/sotu-x20.csv
"""
import csv
import json
import sys


def pieces(record, paragraphs):
    if not paragraphs:
        yield record["id"], record
        return
    lines = (line.strip() for line in record["text"].split("\n"))
    for n, line in enumerate(line for line in lines if line):
        yield f"{record['id']}-p{n}", dict(record, text=line)


def main():
    args = sys.argv[1:]
    flags = {"--paragraphs", "--csv"}
    paragraphs, as_csv = "--paragraphs" in args, "--csv" in args
    args = [a for a in args if a not in flags]
    source, copies, target = args[0], int(args[1]), args[2]
    with open(source, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    records = [piece for record in records for piece in pieces(record, paragraphs)]
    columns = [c for c in ("id", "date", "text", "title") if any(c in r for _, r in records)]
    with open(target, "w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out) if as_csv else None
        if rows:
            rows.writerow(columns)
        for copy in range(copies):
            for base_id, record in records:
                record = dict(record, id=f"{base_id}-r{copy}")
                if rows:
                    rows.writerow([record.get(c, "") for c in columns])
                else:
                    out.write(json.dumps(record, ensure_ascii=False))
                    out.write("\n")


if __name__ == "__main__":
    main()
