//! `comention graph` and `comention merge` end to end on the sample corpus:
//! sharded runs merge to the bytes of one run, and thread counts never
//! change the output.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Compiled automata go to a folder of the build, never the user's cache.
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/automata");

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.jsonl");

fn comention(args: &[&str], dir: &Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_comention"))
        .env("COMENTION_CACHE_DIR", CACHE)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "comention {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Splits the sample corpus into shards: line i goes to shard `assign(i)`.
fn shards(dir: &Path, count: usize, assign: impl Fn(usize) -> usize) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut parts = vec![String::new(); count];
    for (i, line) in text.lines().enumerate() {
        parts[assign(i) % count].push_str(line);
        parts[assign(i) % count].push('\n');
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let path = dir.join(format!("shard{i}.jsonl"));
            std::fs::write(&path, p).unwrap();
            path
        })
        .collect()
}

fn check_shards_merge_to_one_run(count_args: &[&str], export_args: &[&str], outputs: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut one: Vec<&str> = vec!["graph", SAMPLE];
    one.extend(count_args);
    one.extend(export_args);
    one.extend(["-o", "one.out"]);
    comention(&one, d);

    for (split, assign) in [
        (
            3,
            Box::new(|i: usize| i * 7 % 5) as Box<dyn Fn(usize) -> usize>,
        ),
        (4, Box::new(|i: usize| i / 9)),
    ] {
        let paths = shards(d, split, assign);
        let mut states = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let state = format!("s{i}.jsonl");
            let mut args: Vec<&str> = vec!["graph", p.to_str().unwrap()];
            args.extend(count_args);
            args.extend(["--save-state", &state]);
            comention(&args, d);
            states.push(state);
        }
        states.reverse();
        let mut merge: Vec<&str> = vec!["merge"];
        merge.extend(states.iter().map(String::as_str));
        merge.extend(export_args);
        merge.extend(["-o", "merged.out"]);
        comention(&merge, d);
        for name in outputs {
            let merged = name.replace("one", "merged");
            assert_eq!(
                read(d, name),
                read(d, &merged),
                "{name} differs after merging {split} shards"
            );
        }
    }
}

#[test]
fn shards_merge_to_the_bytes_of_one_run_graphml() {
    check_shards_merge_to_one_run(
        &["--scope", "sentence"],
        &["--format", "graphml", "--weight", "npmi"],
        &["one.out"],
    );
}

#[test]
fn shards_merge_to_the_bytes_of_one_run_gexf_sliced() {
    check_shards_merge_to_one_run(
        &["--slice", "month", "--roll-up", "country"],
        &[
            "--format",
            "gexf",
            "--weight",
            "llr",
            "--backbone",
            "disparity:0.3",
        ],
        &["one.out"],
    );
}

#[test]
fn shards_merge_to_the_bytes_of_one_run_csv() {
    check_shards_merge_to_one_run(
        &["--slice", "year", "--scope", "window:10"],
        &["--format", "csv", "--top-k", "3"],
        &["one.out.nodes.csv", "one.out.edges.csv"],
    );
}

/// Runs `graph INPUT ARGS --threads N --save-state s.jsonl -o OUT` in `d`
/// at each of `threads` and checks that the state and the network are the
/// same bytes every time; gives them.
fn same_bytes_at(
    d: &Path,
    input: &str,
    args: &[&str],
    out: &str,
    threads: &[&str],
) -> (Vec<u8>, Vec<u8>) {
    let run = |t: &str| {
        let mut all = vec!["graph", input];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--threads", t, "--save-state", "s.jsonl", "-o", out]);
        comention(&all, d);
        (read(d, "s.jsonl"), read(d, out))
    };
    let first = run(threads[0]);
    for t in &threads[1..] {
        assert_eq!(first, run(t), "{t} threads");
    }
    first
}

#[test]
fn thread_count_never_changes_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--scope", "paragraph", "--slice", "day"];
    same_bytes_at(dir.path(), SAMPLE, &args, "g.json", &["1", "4", "8"]);
}

/// Without `--save-state` the network is built straight from the tally
/// (not from counts keyed by id): the same bytes as with a state saved, at
/// any thread count.
#[test]
fn graph_without_a_state_gives_the_bytes_of_one_with() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = [
        "--slice",
        "month",
        "--roll-up",
        "country",
        "--evidence",
        "2",
        "--min-mentions",
        "2",
        "--types",
        "COUNTRY,PERSON",
        "--format",
        "gexf",
    ];
    let (_, with_state) = same_bytes_at(d, SAMPLE, &args, "with.gexf", &["2"]);
    for t in ["1", "2", "4"] {
        let mut all = vec!["graph", SAMPLE, "--threads", t, "-o", "without.gexf"];
        all.extend_from_slice(&args);
        comention(&all, d);
        assert_eq!(read(d, "without.gexf"), with_state, "{t} threads");
    }
}

/// Thousands of short documents with few pairs each: the tally takes
/// them one by one on the main thread, the rest on the pool at the end;
/// the bytes are those of one thread.
#[test]
fn many_small_documents_give_the_bytes_of_one_thread() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names = [
        "Kazakhstan",
        "China",
        "Russia",
        "Uzbekistan",
        "India",
        "Turkey",
        "Iran",
    ];
    let mut corpus = String::new();
    for i in 0..9_000usize {
        let (a, b) = (names[i % 7], names[(i / 7 + i) % 7]);
        corpus.push_str(&format!(
            "{{\"id\":\"n{i}\",\"date\":\"2024-{:02}-01\",\"text\":\"{a} and {b} met. Talks went on.\"}}\n",
            i % 12 + 1
        ));
    }
    std::fs::write(d.join("many.jsonl"), corpus).unwrap();
    let args = ["--slice", "month"];
    let (state, _) = same_bytes_at(d, "many.jsonl", &args, "g.graphml", &["1", "2", "4"]);
    assert!(String::from_utf8_lossy(&state)
        .contains(r#"{"kind":"total","slice":null,"documents":9000,"#));
}

#[test]
fn state_on_stdout_merges_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = comention(&["graph", SAMPLE, "--save-state", "-"], d);
    let direct = comention(&["graph", SAMPLE, "--format", "json"], d);
    let mut child = Command::new(env!("CARGO_BIN_EXE_comention"))
        .env("COMENTION_CACHE_DIR", CACHE)
        .args(["export", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&state).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, direct);
}
