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
