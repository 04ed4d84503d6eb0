//! `comention tag` end to end: the output does not depend on the thread
//! count, nor on whether documents arrive in one file or one by one.

use std::io::Write;
use std::process::{Command, Stdio};

/// Compiled automata go to a folder of the build, never the user's cache.
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/automata");

fn comention(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_comention"))
        .env("COMENTION_CACHE_DIR", CACHE)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().expect("the binary finishes");
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.jsonl");

#[test]
fn thread_count_does_not_change_the_bytes() {
    let one = comention(
        &["tag", SAMPLE, "--threads", "1", "-q", "--context", "30"],
        None,
    );
    assert!(one.len() > 10_000, "the sample has hundreds of mentions");
    for threads in ["2", "4", "8"] {
        let many = comention(
            &["tag", SAMPLE, "--threads", threads, "-q", "--context", "30"],
            None,
        );
        assert!(one == many, "--threads {threads} changed the output");
    }
}

#[test]
fn documents_one_by_one_equal_one_batch() {
    // A small gazetteer: this starts one process per document.
    let gaz = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/messy_article.gazetteer.csv"
    );
    let all = comention(&["tag", "-g", gaz, SAMPLE, "-q"], None);
    assert!(!all.is_empty());
    let mut pieces = Vec::new();
    for line in std::fs::read_to_string(SAMPLE).unwrap().lines() {
        pieces.extend(comention(
            &["tag", "-g", gaz, "-", "-q"],
            Some(line.as_bytes()),
        ));
    }
    assert!(all == pieces);
}

#[test]
fn every_mention_slices_its_document() {
    let out = comention(&["tag", SAMPLE, "-q"], None);
    let docs: std::collections::HashMap<String, String> = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for line in String::from_utf8(out).unwrap().lines() {
        let m: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = &docs[m["doc"].as_str().unwrap()];
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], m["text"].as_str().unwrap());
        let (cs, ce) = (
            m["char_start"].as_u64().unwrap() as usize,
            m["char_end"].as_u64().unwrap() as usize,
        );
        let chars: String = text.chars().skip(cs).take(ce - cs).collect();
        assert_eq!(chars, m["text"].as_str().unwrap());
    }
}

/// A JSONL file over the 1 MiB from which files are memory-mapped: the
/// sample's articles again and again (duplicate ids warned), a BOM, CRLF
/// line ends, blank and broken lines.
fn large_messy_jsonl(dir: &std::path::Path) -> std::path::PathBuf {
    let sample = std::fs::read_to_string(SAMPLE).unwrap();
    let mut file = b"\xEF\xBB\xBF".to_vec();
    let mut copy = 0;
    while file.len() < 3 << 20 {
        for line in sample.lines() {
            file.extend_from_slice(line.as_bytes());
            file.extend_from_slice(if copy % 2 == 0 { b"\r\n" } else { b"\n" });
        }
        file.extend_from_slice(b"\n{\"id\": \"broken\", \"text\": \"cut\n  \n");
        copy += 1;
    }
    file.extend_from_slice(b"{\"id\": \"last\", \"text\": \"China and Kazakhstan.\"}");
    let path = dir.join("large.jsonl");
    std::fs::write(&path, file).unwrap();
    path
}

#[test]
fn a_memory_mapped_file_reads_like_read_calls() {
    let dir = tempfile::tempdir().unwrap();
    let path = large_messy_jsonl(dir.path());
    let path = path.to_str().unwrap();
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_comention"))
            .env("COMENTION_CACHE_DIR", CACHE)
            .args(["tag", path, "--format", "jsonl"])
            .args(extra)
            .output()
            .expect("the binary runs");
        (out.status.code(), out.stdout, out.stderr)
    };
    let read = run(&["--no-mmap", "--threads", "1"]);
    assert_eq!(read.0, Some(1), "broken lines are skipped");
    let stderr = String::from_utf8_lossy(&read.2);
    assert!(stderr.contains("large.jsonl:") && stderr.contains("duplicate document id"));
    assert!(String::from_utf8_lossy(&read.1).contains("\"doc\":\"last\""));
    for threads in ["1", "2"] {
        assert!(
            run(&["--threads", threads]) == read,
            "mapped, {threads} threads"
        );
    }
}
