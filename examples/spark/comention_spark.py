#!/usr/bin/env python3
"""comention as the map step of an Apache Spark job.

Reads a JSONL corpus (one article per line, any path or URI Spark reads),
pipes each partition through `comention graph --save-state -`, reduces the
state records of all partitions by key with the rules of the state format
(docs/state-format.md, version 1), writes one merged state file sorted as
comention writes it, and turns it into GraphML, GEXF, CSV or JSON with
`comention merge`. The network is byte for byte the one a single
`comention graph` run over the whole corpus writes.

    spark-submit --master 'local[2]' --files target/release/comention \\
        examples/spark/comention_spark.py news.jsonl --partitions 8 \\
        --state net.state.jsonl -o net.graphml

Run `comention_spark.py --help` for the options; examples/spark/README.md
says how to run it on a cluster.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque

# The state format this script knows how to reduce.
STATE_FORMAT = "comention-state"
STATE_VERSION = 1

# Fields of a record that make its key, after `kind`.
KEY_FIELDS = {
    "header": (),
    "entity": ("id",),
    "total": ("slice",),
    "node": ("slice", "id"),
    "pair": ("slice", "a", "b"),
}
# Fields that add up.
SUM_FIELDS = {
    "total": ("documents", "scopes", "mentions"),
    "node": ("mentions", "scopes", "documents"),
    "pair": ("cooccurrences", "documents"),
}
# Order of the kinds in a state file.
KIND_RANK = {"header": 0, "entity": 1, "total": 2, "node": 3, "pair": 4}

# Graph options the script sets itself: the input, the output and the state
# all go through pipes it owns.
RESERVED = {"-o", "--output", "--save-state", "--threads", "-q", "--quiet"}


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Build a comention co-mention network with Spark: each "
        "partition of a JSONL corpus goes through `comention graph "
        "--save-state -`, the state records are reduced by key, and "
        "`comention merge` writes the network.",
        epilog="Options for comention that start with a dash need the = form: "
        "--graph-args='--scope sentence --slice month'.",
    )
    p.add_argument(
        "corpus",
        nargs="+",
        help="JSONL corpus: files, folders, globs or URIs that SparkContext.textFile reads (.gz too)",
    )
    p.add_argument(
        "--partitions",
        type=int,
        metavar="N",
        help="repartition the corpus into N partitions, one comention process "
        "each [default: keep the input splits]",
    )
    p.add_argument(
        "--comention",
        default="comention",
        metavar="PATH",
        help="the comention binary: a file shipped with --files (found by its "
        "name with SparkFiles.get), a local file (shipped with addFile), or a "
        "path that exists on every worker [default: comention]",
    )
    p.add_argument(
        "-g",
        "--gazetteer",
        action="append",
        default=[],
        metavar="CSV",
        help="gazetteer file, found like --comention; repeatable "
        "[default: comention's embedded gazetteer]",
    )
    p.add_argument(
        "--graph-args",
        default="",
        metavar="ARGS",
        help="more `comention graph` options for the map step, e.g. "
        "'--scope sentence --slice month --evidence 5' [default: none]",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        metavar="N",
        help="threads per comention process; Spark already runs one task per "
        "core [default: 1]",
    )
    p.add_argument(
        "--state",
        metavar="FILE",
        help="write the merged state here (on the driver) [default: a temporary "
        "file, removed at the end]",
    )
    p.add_argument(
        "--state-parts",
        metavar="URI",
        help="also save the reduced records, unsorted, as part files with "
        "saveAsTextFile (`cat part-* | comention merge -` reads them) "
        "[default: no]",
    )
    p.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FILE",
        help="network file written by `comention merge` on the driver, format "
        "from the extension (.graphml .gexf .csv .json); repeatable [default: none]",
    )
    p.add_argument(
        "--merge-args",
        default="",
        metavar="ARGS",
        help="more `comention merge` options (--format, --weight, filters…) "
        "[default: none]",
    )
    p.add_argument(
        "--app-name",
        default="comention",
        help="Spark application name [default: comention]",
    )
    args = p.parse_args(argv)
    if not args.output and not args.state and not args.state_parts:
        p.error("nothing to write: give -o FILE, --state FILE or --state-parts URI")
    if args.partitions is not None and args.partitions < 1:
        p.error("--partitions must be at least 1")
    for word in shlex.split(args.graph_args):
        if word.split("=", 1)[0] in RESERVED:
            p.error(f"--graph-args: {word} is set by this script; leave it out")
    return args


# --- the map step: one comention process per partition ----------------------


def find_file(name):
    """The local path of `name` on this node: the copy Spark shipped with
    --files/addFile if there is one, else `name` itself."""
    from pyspark import SparkFiles

    shipped = SparkFiles.get(os.path.basename(name))
    if os.path.isfile(shipped):
        if not os.access(shipped, os.X_OK) and name.endswith("comention"):
            os.chmod(shipped, 0o755)
        return shipped
    return name


def graph_command(binary, gazetteers, graph_args, threads):
    """The map step's command line, with the files found on this node."""
    command = [find_file(binary), "graph", "--save-state", "-", "--quiet"]
    command += ["--threads", str(threads)]
    for g in gazetteers:
        command += ["--gazetteer", find_file(g)]
    return command + graph_args


def run_comention(lines, command, warned_acc, skipped_acc):
    """Feeds a partition's articles to `comention graph --save-state -` and
    yields its state lines; fails the task (Spark retries it) if comention
    fails. Like RDD.pipe, but the command is made on the worker (where
    the shipped files are), the environment is kept, stderr is reported,
    and exit 1 (some articles skipped with a warning, as a one-machine run
    would) is not an error."""
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stderr_tail = deque(maxlen=20)
    warnings = [0]
    written = {"error": None}

    def feed():
        try:
            for line in lines:
                # comention reads stdin as JSONL only when its first
                # non-blank byte is `{`; a line that is not an object would
                # be skipped with a warning by a one-machine run anyway.
                stripped = line.lstrip(" \t\r\n\ufeff")
                if not stripped:
                    continue
                if not stripped.startswith("{"):
                    sys.stderr.write(
                        f"warning: not a JSON object; skipped: {line[:80]!r}\n"
                    )
                    warned_acc.add(1)
                    skipped_acc.add(1)
                    continue
                proc.stdin.write(stripped.encode("utf-8"))
                proc.stdin.write(b"\n")
        except BrokenPipeError:
            pass  # comention stopped early; its exit status says why
        except Exception as e:  # noqa: BLE001 (re-raised in the task thread below)
            written["error"] = e
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    def drain_stderr():
        for raw in proc.stderr:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            stderr_tail.append(text)
            if text.startswith("warning:"):
                warnings[0] += 1
            sys.stderr.write(text + "\n")  # the executor's log

    feeder = threading.Thread(target=feed, daemon=True)
    drainer = threading.Thread(target=drain_stderr, daemon=True)
    feeder.start()
    drainer.start()
    for raw in proc.stdout:
        yield raw.decode("utf-8")
    proc.wait()
    feeder.join()
    drainer.join()
    if written["error"] is not None:
        raise written["error"]
    warned_acc.add(warnings[0])
    if proc.returncode == 1:
        skipped_acc.add(1)
    elif proc.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(command)} exited with status {proc.returncode}:\n"
            + "\n".join(stderr_tail)
        )


def keyed_records(state_lines):
    """(key, record) pairs of one partition's state. The partition's header
    comes first; its evidence K travels in each pair record (as `_k`) so that
    the reduce can cut the evidence without a second pass."""
    k = None
    for number, line in enumerate(state_lines, 1):
        if not line.strip():
            continue
        r = json.loads(line)
        kind = r.get("kind")
        if kind not in KEY_FIELDS:
            raise ValueError(f"state line {number}: unknown record kind {kind!r}")
        if kind == "header":
            if r.get("format") != STATE_FORMAT or r.get("version") != STATE_VERSION:
                raise ValueError(
                    f"state line {number}: format {r.get('format')!r} version "
                    f"{r.get('version')!r}; this script reduces {STATE_FORMAT!r} "
                    f"version {STATE_VERSION}"
                )
            k = r["evidence"]
        elif kind == "pair":
            if k is None:
                raise ValueError(f"state line {number}: pair record before the header")
            # Slice records keep no evidence.
            r["_k"] = k if r["slice"] is None else 0
        yield (kind,) + tuple(r[f] for f in KEY_FIELDS[kind]), r


# --- the reduce step ----------------------------------------------------------


def earliest(x, y):
    """MIN of two dates, ignoring nulls (dates compare as strings)."""
    if x is None:
        return y
    if y is None:
        return x
    return min(x, y)


def latest(x, y):
    """MAX of two dates, ignoring nulls."""
    if x is None:
        return y
    if y is None:
        return x
    return max(x, y)


def combine(x, y):
    """Merges two records with the same key (docs/state-format.md)."""
    kind = x["kind"]
    if kind in ("header", "entity"):
        if x != y:
            raise ValueError(
                f"{kind} records differ between partitions, so they were not "
                f"counted with the same gazetteer and options:\n  {to_line(x)}\n  {to_line(y)}"
            )
        return x
    out = dict(x)  # keeps the field order
    for f in SUM_FIELDS[kind]:
        out[f] = x[f] + y[f]
    if kind in ("node", "pair"):
        out["first_date"] = earliest(x["first_date"], y["first_date"])
        out["last_date"] = latest(x["last_date"], y["last_date"])
    if kind == "pair":
        # Python compares str by code point, which is the UTF-8 byte order
        # that comention sorts ids by.
        out["evidence"] = sorted(set(x["evidence"]) | set(y["evidence"]))[: x["_k"]]
    return out


def to_line(r):
    """The record as comention writes it: compact JSON, fields in the order
    they came, non-ASCII as is (serde_json escapes the same characters)."""
    return json.dumps(
        {f: v for f, v in r.items() if f != "_k"},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def file_order(key):
    """Sort key giving the order comention writes: the header, entities by
    id, then totals, nodes and pairs, each with slice null first, then by
    slice, then by id or (a, b)."""
    kind = key[0]
    if kind in ("header", "entity"):
        return (KIND_RANK[kind], False, "", key[1:])
    slice_ = key[1]
    return (KIND_RANK[kind], slice_ is not None, slice_ or "", key[2:])


# --- the driver ---------------------------------------------------------------


def write_atomically(path, lines):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".comention-state-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line)
                out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def ship(sc, name):
    """Ships a local file to the workers unless --files already did."""
    from pyspark import SparkFiles

    if os.path.isfile(SparkFiles.get(os.path.basename(name))):
        return  # shipped with --files
    if os.path.isfile(name):
        sc.addFile(os.path.abspath(name))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    started = time.monotonic()
    spark = SparkSession.builder.appName(args.app_name).getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    for name in [args.comention] + args.gazetteer:
        ship(sc, name)
    ready = time.monotonic()

    binary, gazetteers = args.comention, list(args.gazetteer)
    graph_args = shlex.split(args.graph_args)
    threads = args.threads
    # Try the map step on no articles first: a wrong option or gazetteer
    # stops here with comention's message, not in every task.
    command = graph_command(binary, gazetteers, graph_args, threads)
    try:
        preflight = subprocess.run(
            command,
            check=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
    except OSError as e:
        sys.stderr.write(
            f"comention-spark: cannot run {command[0]} on the driver: {e}\n"
        )
        spark.stop()
        return 2
    if preflight.returncode != 0:
        sys.stderr.write(preflight.stderr)
        sys.stderr.write(
            "comention-spark: `comention graph` fails on the driver; stopping\n"
        )
        spark.stop()
        return 2
    warned = sc.accumulator(0)  # warning lines
    skipped = sc.accumulator(0)  # partitions where articles were skipped

    articles = sc.textFile(",".join(args.corpus))
    if args.partitions is not None:
        articles = articles.repartition(args.partitions)
    partitions = articles.getNumPartitions()

    reduced = (
        articles.mapPartitions(
            lambda lines: run_comention(
                lines,
                graph_command(binary, gazetteers, graph_args, threads),
                warned,
                skipped,
            )
        )
        .mapPartitions(keyed_records)
        .reduceByKey(combine)
    )
    if args.state_parts:
        reduced.cache()
        reduced.values().map(to_line).saveAsTextFile(args.state_parts)

    state_path = args.state
    temporary = None
    if state_path is None and args.output:
        fd, temporary = tempfile.mkstemp(prefix="comention-", suffix=".state.jsonl")
        os.close(fd)
        state_path = temporary
    counted = {"documents": 0, "nodes": 0, "pairs": 0}
    if state_path is not None:

        def lines():
            for key, record in reduced.sortBy(
                lambda kv: file_order(kv[0])
            ).toLocalIterator(prefetchPartitions=True):
                if key == ("total", None):
                    counted["documents"] = record["documents"]
                elif key[0] == "node" and key[1] is None:
                    counted["nodes"] += 1
                elif key[0] == "pair" and key[1] is None:
                    counted["pairs"] += 1
                yield to_line(record)

        write_atomically(state_path, lines())
    reduced_at = time.monotonic()

    try:
        local_binary = find_file(binary)
        for output in args.output:
            command = [local_binary, "merge", state_path, "-o", output]
            command += shlex.split(args.merge_args)
            subprocess.run(command, check=True)
    finally:
        if temporary is not None:
            os.unlink(temporary)
    done = time.monotonic()

    sys.stderr.write(
        f"comention-spark: {counted['documents']} documents in {partitions} partitions"
        f" ({warned.value} warnings), {counted['nodes']} nodes, {counted['pairs']} pairs;"
        f" Spark start {ready - started:.1f} s, map+reduce {reduced_at - ready:.1f} s,"
        f" export {done - reduced_at:.1f} s\n"
    )
    spark.stop()
    return 1 if skipped.value else 0


if __name__ == "__main__":
    sys.exit(main())
