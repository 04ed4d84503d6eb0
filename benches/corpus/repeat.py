#!/usr/bin/env python3
"""Writes a JSONL corpus of N copies of a JSONL file, each record with a new
id (`<id>-r<copy>`), so that duplicate-id warnings and evidence lists behave
as on a real corpus of that size.

    benches/corpus/repeat.py data/sample.jsonl 2000 /tmp/sample-x2000.jsonl
"""
import json
import sys


def main():
    source, copies, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(source, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    with open(target, "w", encoding="utf-8") as out:
        for copy in range(copies):
            for record in records:
                record = dict(record, id=f"{record['id']}-r{copy}")
                out.write(json.dumps(record, ensure_ascii=False))
                out.write("\n")


if __name__ == "__main__":
    main()
