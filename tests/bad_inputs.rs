//! End to end: the CLI over bad inputs and failing outputs (issue 7).
//!
//! Every input is built at test time in a temporary folder (no binary junk in
//! the repository). Each case checks the exit code, that every diagnostic is
//! one `warning: …` or `error: …` line naming the file (and line), that
//! nothing panics, and that whatever was written parses. Cases that need
//! privileges (running as another user, mounting a tmpfs) check what they
//! can and say on stderr what they skipped. `docs/reliability.md` lists the
//! cases and their results.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Compiled automata go to a folder of the build, never the user's cache.
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/automata");

const GAZETTEER: &str = "id,type,name,aliases\n\
    ru,COUNTRY,Russia,Russian Federation\n\
    kz,COUNTRY,Kazakhstan,Qazaqstan\n\
    cn,COUNTRY,China,PRC\n";

const ARTICLE: &str = "Russia and China met Kazakhstan in Astana. ";

fn comention(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_comention"));
    cmd.env("COMENTION_CACHE_DIR", CACHE)
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Runs the CLI in `dir` and returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = comention(dir, args).output().unwrap();
    finish(out)
}

fn finish(out: Output) -> (i32, String, String) {
    let stderr = String::from_utf8(out.stderr).unwrap();
    check_diagnostics(&stderr);
    let code = out.status.code().expect("exited, not killed by a signal");
    (code, String::from_utf8(out.stdout).unwrap(), stderr)
}

/// Diagnostics are one line each; nothing panics.
fn check_diagnostics(stderr: &str) {
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    for line in stderr.lines() {
        let is_summary = line.ends_with(" MB")
            || line.ends_with("mentions")
            || line.ends_with("mention")
            || line.contains(" entities, ")
            || line.contains(" entity, ");
        assert!(
            line.starts_with("warning: ") || line.starts_with("error: ") || is_summary,
            "unexpected stderr line {line:?} in\n{stderr}"
        );
    }
}

/// Every line of `text` is a JSON object.
fn parse_jsonl(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            assert!(v.is_object());
            v
        })
        .collect()
}

/// Every record has the header's width.
fn parse_csv(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let width = reader.headers().unwrap().len();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), width);
            r
        })
        .collect()
}

fn parse_graphml(text: &str) -> usize {
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("node")).count()
}

/// A folder with the small gazetteer as `g.csv`.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("g.csv"), GAZETTEER).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, bytes).unwrap();
    path
}

/// `tag -q -g g.csv ARGS`: exit code, parsed records, stderr.
fn tag(dir: &Path, args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let mut all = vec!["tag", "-q", "-g", "g.csv"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(dir, &all);
    (code, parse_jsonl(&stdout), stderr)
}

fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn sh(command: &str) -> bool {
    Command::new("sh")
        .args(["-c", command])
        .stderr(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// The mentions are exact: `text == doc[start..end]` for each.
fn check_mentions(records: &[serde_json::Value], doc: &str) {
    for r in records {
        let (s, e) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
        assert_eq!(r["text"].as_str().unwrap(), &doc[s as usize..e as usize]);
    }
}

// ---------------------------------------------------------------- corpora

#[test]
fn invalid_utf8_is_replaced_with_a_warning() {
    let dir = folder();
    write(dir.path(), "bad.txt", b"Russia \xff\xfe and China.");
    let (code, records, stderr) = tag(dir.path(), &["bad.txt"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("warning: bad.txt: invalid UTF-8: 2 byte sequences replaced with U+FFFD"),
        "{stderr}"
    );
    assert_eq!(records.len(), 2);
    check_mentions(&records, "Russia \u{FFFD}\u{FFFD} and China.");
}

#[test]
fn binary_file_in_a_folder_is_skipped() {
    let dir = folder();
    write(dir.path(), "news/a.txt", ARTICLE);
    write(
        dir.path(),
        "news/image.bin",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    );
    let (code, records, stderr) = tag(dir.path(), &["news"]);
    assert_eq!(code, 1, "a skipped input gives exit 1");
    assert!(
        stderr.contains("warning: news/image.bin: binary file"),
        "{stderr}"
    );
    assert_eq!(records.len(), 3);
}

#[test]
fn nul_byte_makes_a_text_file_binary() {
    let dir = folder();
    write(dir.path(), "nul.txt", b"Russia\x00 and China");
    let (code, records, stderr) = tag(dir.path(), &["nul.txt"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("warning: nul.txt: binary file"), "{stderr}");
    assert!(records.is_empty());
}

#[test]
fn nul_byte_inside_a_json_string_is_text() {
    let dir = folder();
    write(
        dir.path(),
        "nul.jsonl",
        "{\"id\":\"a\",\"text\":\"Russia\\u0000China\"}\n",
    );
    let (code, records, _) = tag(dir.path(), &["nul.jsonl"]);
    assert_eq!(code, 0);
    check_mentions(&records, "Russia\u{0}China");
}

#[test]
fn empty_files_give_no_mentions_and_no_error() {
    let dir = folder();
    for name in ["empty.txt", "empty.jsonl", "empty.csv"] {
        write(dir.path(), name, "");
        let (code, records, stderr) = tag(dir.path(), &[name]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(records.is_empty());
    }
    // Nothing to read is not a problem: no warning, exit 0.
    let (code, _, stderr) = tag(dir.path(), &["empty.txt", "empty.jsonl", "empty.csv"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn bom_and_crlf_are_read() {
    let dir = folder();
    write(
        dir.path(),
        "bom.csv",
        "\u{FEFF}id,text\r\nd1,\"Russia and\r\nChina\"\r\n",
    );
    write(
        dir.path(),
        "bom.jsonl",
        "\u{FEFF}{\"id\":\"d2\",\"text\":\"Kazakhstan.\"}\r\n\r\n",
    );
    write(dir.path(), "bom.txt", "\u{FEFF}Russia\r\nChina\r\n");
    let (code, records, stderr) = tag(dir.path(), &["bom.csv", "bom.jsonl", "bom.txt"]);
    assert_eq!(code, 0, "{stderr}");
    let docs: Vec<&str> = records.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(docs, ["d1", "d1", "d2", "bom.txt", "bom.txt"]);
    check_mentions(&records[..2], "Russia and\r\nChina");
    check_mentions(&records[4..], "Russia\r\nChina\r\n");
}

#[test]
fn large_document_on_one_line() {
    // ~20 MB here; a 200 MB line was measured by hand (docs/reliability.md).
    let dir = folder();
    let n = 20_000_000 / ARTICLE.len();
    let mut line = String::from("{\"id\":\"big\",\"text\":\"");
    line.push_str(&ARTICLE.repeat(n));
    line.push_str("\"}\n");
    write(dir.path(), "big.jsonl", &line);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "graph",
            "-q",
            "-g",
            "g.csv",
            "big.jsonl",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let graph: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let russia = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "ru")
        .unwrap();
    assert_eq!(russia["mentions"].as_u64().unwrap(), n as u64);
}

#[test]
fn jsonl_bad_records_are_warnings_naming_file_and_line() {
    let dir = folder();
    write(
        dir.path(),
        "mixed.jsonl",
        concat!(
            "{\"id\":\"a\",\"text\":\"Russia met Kazakhstan.\"}\n",
            "{\"id\":\"b\",\"text\":\"broken\n",
            "{\"id\":\"c\"}\n",
            "{\"id\":5,\"text\":\"Russia\"}\n",
            "{\"id\":[\"x\"],\"text\":\"Russia\"}\n",
            "{\"id\":\"a\",\"text\":\"Kazakhstan again\"}\n",
            "{\"id\":\"e\",\"text\":42}\n",
            "[1,2]\n",
        ),
    );
    let (code, records, stderr) = tag(dir.path(), &["mixed.jsonl"]);
    assert_eq!(code, 1);
    let expected = [
        "warning: mixed.jsonl:2: invalid JSON",
        "warning: mixed.jsonl:3: missing field \"text\"; skipped",
        "warning: mixed.jsonl:5: field \"id\" is an array, not a string or number; skipped",
        "warning: mixed.jsonl:6: duplicate document id \"a\" (first at mixed.jsonl:1); both kept",
        "warning: mixed.jsonl:7: ",
        "warning: mixed.jsonl:8: ",
    ];
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{stderr}");
    for (line, start) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(start),
            "{line:?} should start with {start:?}"
        );
    }
    let docs: Vec<&str> = records.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    // A numeric id becomes text; both documents "a" are kept.
    assert_eq!(docs, ["a", "a", "5", "a"]);
}

#[test]
fn truncated_gzip_is_an_error_after_the_documents_before_it() {
    let dir = folder();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(
            gz,
            "{{\"id\":\"d{i}\",\"text\":\"Russia and China, part {i}.\"}}"
        )
        .unwrap();
    }
    let bytes = gz.finish().unwrap();
    write(dir.path(), "cut.jsonl.gz", &bytes[..bytes.len() / 2]);
    let (code, stdout, stderr) = run(dir.path(), &["tag", "-q", "-g", "g.csv", "cut.jsonl.gz"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cut.jsonl.gz: truncated or corrupt gzip data"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    parse_jsonl(&stdout);
    // With -o, nothing is written at all.
    let (code, _, _) = run(
        dir.path(),
        &[
            "tag",
            "-q",
            "-g",
            "g.csv",
            "cut.jsonl.gz",
            "-o",
            "out.jsonl",
        ],
    );
    assert_eq!(code, 2);
    assert!(!dir.path().join("out.jsonl").exists());
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn symlink_loops_are_not_followed_twice() {
    let dir = folder();
    write(dir.path(), "news/sub/a.txt", ARTICLE);
    std::os::unix::fs::symlink("..", dir.path().join("news/sub/up")).unwrap();
    std::os::unix::fs::symlink("../sub", dir.path().join("news/sub/self")).unwrap();
    let (code, records, stderr) = tag(dir.path(), &["news"]);
    assert_eq!(code, 0, "nothing was skipped: {stderr}");
    assert_eq!(records.len(), 3);
    assert_eq!(stderr.matches("symbolic link loop").count(), 2, "{stderr}");
    assert!(
        stderr.contains("warning: news/sub/up: directory "),
        "{stderr}"
    );
}

#[test]
fn unreadable_entries_in_a_folder_are_skipped() {
    let dir = folder();
    write(dir.path(), "news/a.txt", ARTICLE);
    std::os::unix::fs::symlink("/nonexistent/x.txt", dir.path().join("news/dangling.txt")).unwrap();
    assert!(sh(&format!(
        "mkfifo {}",
        dir.path().join("news/pipe.txt").display()
    )));
    let (code, records, stderr) = tag(dir.path(), &["news"]);
    assert_eq!(code, 1);
    assert_eq!(records.len(), 3);
    assert!(
        stderr.contains("warning: news/dangling.txt: cannot read (No such file or directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: news/pipe.txt: not a regular file; skipped"),
        "{stderr}"
    );
}

/// `chmod 000` does not stop root: run the CLI as `nobody` through setpriv
/// when we are root, directly otherwise.
fn as_unprivileged(dir: &Path, args: &[&str]) -> Option<(i32, String, String)> {
    let bin = env!("CARGO_BIN_EXE_comention");
    let out = if is_root() {
        if !sh("command -v setpriv") {
            return None;
        }
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    } else {
        comention(dir, args).output().unwrap()
    };
    Some(finish(out))
}

fn open_to_all(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut p = Some(dir);
    while let Some(d) = p {
        if d == Path::new("/") {
            break;
        }
        let mode = fs::metadata(d).unwrap().permissions().mode();
        fs::set_permissions(d, fs::Permissions::from_mode(mode | 0o755)).unwrap();
        p = d.parent();
    }
}

#[test]
fn unreadable_file_is_skipped_in_a_folder_and_an_error_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder();
    write(dir.path(), "news/a.txt", ARTICLE);
    let locked = write(dir.path(), "news/locked.txt", ARTICLE);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(dir.path().join("g.csv"), fs::Permissions::from_mode(0o644)).unwrap();
    open_to_all(dir.path());
    let args = ["tag", "-q", "-g", "g.csv", "news"];
    let Some((code, stdout, stderr)) = as_unprivileged(dir.path(), &args) else {
        eprintln!("skipped: root without setpriv cannot make a file unreadable");
        return;
    };
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(parse_jsonl(&stdout).len(), 3);
    assert!(
        stderr.contains("warning: news/locked.txt: cannot read (Permission denied"),
        "{stderr}"
    );
    let args = ["tag", "-q", "-g", "g.csv", "news/locked.txt"];
    let (code, _, stderr) = as_unprivileged(dir.path(), &args).unwrap();
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: news/locked.txt: Permission denied"),
        "{stderr}"
    );
}

// ------------------------------------------------------------- gazetteers

/// A gazetteer that fails to load: exit 2 from `lint` and `tag`, one
/// `error: FILE:LINE: …` line.
fn rejected(name: &str, text: impl AsRef<[u8]>, at: &str) {
    let dir = folder();
    write(dir.path(), name, text);
    write(dir.path(), "a.txt", ARTICLE);
    let (code, stdout, stderr) = run(dir.path(), &["gazetteer", "lint", name]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.starts_with(&format!("error: {at}: ")), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, stdout, stderr) = run(dir.path(), &["tag", "-q", "-g", name, "a.txt"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains(&format!("{at}: ")), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn gazetteer_without_header() {
    rejected("g1.csv", "ru,COUNTRY,Russia,Russia\n", "g1.csv:1");
}

#[test]
fn gazetteer_with_wrong_column_count() {
    rejected(
        "g2.csv",
        "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\nru,COUNTRY,Russia\n",
        "g2.csv:3",
    );
}

#[test]
fn gazetteer_with_control_characters() {
    rejected(
        "g3.csv",
        "id,type,name,aliases\nb,ORG,Bell\u{7}Corp,\n",
        "g3.csv:2",
    );
}

#[test]
fn gazetteer_alias_with_a_control_character_is_a_lint_error() {
    // In an alias (not the name) the file loads; lint reports an error.
    let dir = folder();
    write(
        dir.path(),
        "x.csv",
        "id,type,name,aliases\nb,ORG,Bellona,Esc\u{1b}ape\n",
    );
    let (code, stdout, _) = run(dir.path(), &["gazetteer", "lint", "x.csv"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("x.csv:2: error: alias \"Esc\\u{1b}ape\" of b contains the control"),
        "{stdout}"
    );
}

#[test]
fn gazetteer_that_is_not_utf8() {
    rejected(
        "g5.csv",
        b"id,type,name,aliases\nb,ORG,Caf\xe9,\n",
        "g5.csv:2",
    );
}

/// A gazetteer that loads: lint prints `FILE:LINE: severity: …` lines on
/// stdout, and `tag` finds the mentions exactly.
fn loaded(text: &str, article: &str, lint_says: &[&str], found: &[&str]) {
    let dir = folder();
    write(dir.path(), "x.csv", text);
    write(dir.path(), "a.txt", article);
    let (code, stdout, stderr) = run(dir.path(), &["gazetteer", "lint", "x.csv"]);
    assert!(code == 0 || code == 1, "{stderr}");
    for line in stdout.lines() {
        assert!(line.starts_with("x.csv:"), "{line}");
    }
    for says in lint_says {
        assert!(stdout.contains(says), "lint should say {says:?}:\n{stdout}");
    }
    let (code, stdout, stderr) = run(dir.path(), &["tag", "-q", "-g", "x.csv", "a.txt"]);
    assert_eq!(code, 0, "{stderr}");
    let records = parse_jsonl(&stdout);
    check_mentions(&records, article);
    let texts: Vec<&str> = records
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, found);
    // The CSV table parses too, with every field intact or neutralised.
    let (code, stdout, _) = run(
        dir.path(),
        &["tag", "-q", "-g", "x.csv", "a.txt", "--format", "csv"],
    );
    assert_eq!(code, 0);
    let rows = parse_csv(&stdout);
    assert_eq!(rows.len(), found.len());
    for (row, text) in rows.iter().zip(found) {
        assert_eq!(&row[4], comention::export::cell::spreadsheet_safe(text));
    }
}

#[test]
fn gazetteer_with_empty_aliases_and_pipes() {
    loaded(
        "id,type,name,aliases\nru,COUNTRY,Russia,Rossiya||RF|\nkz,COUNTRY,Kazakhstan,|||\n",
        "Russia, Rossiya and Kazakhstan.",
        &[
            "x.csv:2: warning: 2 empty alias(es)",
            "x.csv:3: warning: 4 empty alias(es)",
        ],
        &["Russia", "Rossiya", "Kazakhstan"],
    );
}

#[test]
fn gazetteer_with_duplicate_id() {
    loaded(
        "id,type,name,aliases\nru,COUNTRY,Russia,\nru,COUNTRY,Russian Federation,\n",
        "Russia is the Russian Federation.",
        &["x.csv:3: warning: id \"ru\" was already used at x.csv:2"],
        &["Russia", "Russian Federation"],
    );
}

#[test]
fn gazetteer_with_one_letter_aliases() {
    loaded(
        "id,type,name,aliases\nx,LETTER,Xavier,X|a\n",
        "Xavier, X and a.",
        &[
            "alias \"X\" of x has only one letter",
            "alias \"a\" of x has only one letter",
        ],
        &["Xavier", "X", "a"],
    );
}

#[test]
fn gazetteer_with_quotes() {
    loaded(
        "id,type,name,aliases\nq,ORG,\"The \"\"Quoted\"\" Org\",\"O'Neill|Say \"\"hi\"\"\"\n",
        "The \"Quoted\" Org, O'Neill, Say \"hi\" now.",
        &[],
        &["The \"Quoted\" Org", "O'Neill", "Say \"hi\""],
    );
}

#[test]
fn gazetteer_with_regex_metacharacters_matches_literally() {
    loaded(
        "id,type,name,aliases\ncpp,LANG,C++,.*|(x)|[a-z]+|a?b\n",
        "C++ and .* and (x) but not abc or b.",
        &["x.csv:2: warning: alias \"C++\" of cpp"],
        &["C++", ".*", "(x)"],
    );
}

#[test]
fn gazetteer_with_markup_characters() {
    loaded(
        "id,type,name,aliases\nat,ORG,AT&T,<script>|A<B\n",
        "AT&T wrote <script> and A<B.",
        &["x.csv:2: warning: alias \"<script>\""],
        &["AT&T", "<script>", "A<B"],
    );
}

#[test]
fn gazetteer_with_formula_label() {
    loaded(
        "id,type,name,aliases\neq,ORG,=HYPERLINK(\"http://x\"),+SUM(A1)|@cmd\n",
        "See =HYPERLINK(\"http://x\") and +SUM(A1) and @cmd.",
        &["x.csv:2: warning: the name \"=HYPERLINK(\\\"http://x\\\")\" starts with '='"],
        &["=HYPERLINK(\"http://x\")", "+SUM(A1)", "@cmd"],
    );
}

// ---------------------------------------------------------------- outputs

#[test]
fn output_into_a_missing_directory() {
    // Checked before the corpus is read: the broken line would warn.
    let dir = folder();
    write(
        dir.path(),
        "a.jsonl",
        "{\"text\":\"Russia, China.\"}\nbroken\n",
    );
    for cmd in [
        &["tag", "-q", "-g", "g.csv", "a.jsonl", "-o"][..],
        &["graph", "-q", "-g", "g.csv", "a.jsonl", "-o"],
        &["graph", "-q", "-g", "g.csv", "a.jsonl", "--save-state"],
        &[
            "graph", "-q", "-g", "g.csv", "a.jsonl", "--format", "csv", "-o",
        ],
    ] {
        let mut args = cmd.to_vec();
        args.push("missing/out.xml");
        let (code, stdout, stderr) = run(dir.path(), &args);
        assert_eq!(code, 2);
        assert!(stdout.is_empty());
        assert_eq!(
            stderr,
            "error: cannot write missing/out.xml: No such file or directory (os error 2)\n"
        );
        assert!(!dir.path().join("missing").exists());
    }
}

#[test]
fn output_where_a_directory_is_expected() {
    let dir = folder();
    write(dir.path(), "a.txt", ARTICLE);
    let (code, _, stderr) = run(
        dir.path(),
        &["tag", "-q", "-g", "g.csv", "a.txt", "-o", "a.txt/out.jsonl"],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: cannot write a.txt/out.jsonl: a.txt is not a folder\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        ARTICLE
    );
}

#[test]
fn output_into_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder();
    write(dir.path(), "a.txt", ARTICLE);
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::write(ro.join("out.jsonl"), "previous").unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    open_to_all(dir.path());
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let args = ["tag", "-q", "-g", "g.csv", "a.txt", "-o", "ro/out.jsonl"];
    let Some((code, _, stderr)) = as_unprivileged(dir.path(), &args) else {
        eprintln!("skipped: root without setpriv ignores directory permissions");
        return;
    };
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: cannot write ro/out.jsonl: Permission denied (os error 13)\n"
    );
    assert_eq!(
        fs::read_to_string(ro.join("out.jsonl")).unwrap(),
        "previous"
    );
    assert!(temporaries(&ro).is_empty());
}

#[test]
fn dev_full_is_a_clear_error() {
    let dir = folder();
    write(dir.path(), "a.txt", ARTICLE);
    for cmd in [
        &["tag", "-q", "-g", "g.csv", "a.txt"][..],
        &["graph", "-q", "-g", "g.csv", "a.txt"],
        &[
            "graph",
            "-q",
            "-g",
            "g.csv",
            "a.txt",
            "-o",
            "/dev/null",
            "--save-state",
        ],
    ] {
        let mut args = cmd.to_vec();
        if *args.last().unwrap() != "--save-state" {
            args.push("-o");
        }
        args.push("/dev/full");
        let (code, _, stderr) = run(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(
            stderr,
            "error: writing /dev/full: No space left on device (os error 28)\n"
        );
    }
    // Stdout on /dev/full.
    for cmd in [
        &["tag", "-q", "-g", "g.csv", "a.txt"][..],
        &["sentences", "-q", "a.txt"],
        &["graph", "-q", "-g", "g.csv", "a.txt"],
        &["gazetteer", "lint", "g.csv"],
    ] {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = comention(dir.path(), cmd).stdout(full).output().unwrap();
        let (code, _, stderr) = finish(out);
        assert_eq!(code, 2, "{cmd:?}");
        assert!(
            stderr
                .lines()
                .any(|l| l == "error: writing to stdout: No space left on device (os error 28)"),
            "{cmd:?}: {stderr}"
        );
    }
}

/// A 64 KiB tmpfs, if this process may mount one (root in a container
/// usually may; otherwise the case is skipped with a note).
struct TinyDisk(PathBuf);

impl TinyDisk {
    fn mount(dir: &Path) -> Option<TinyDisk> {
        let at = dir.join("tiny");
        fs::create_dir(&at).unwrap();
        sh(&format!(
            "mount -t tmpfs -o size=64k tmpfs {}",
            at.display()
        ))
        .then(|| TinyDisk(at))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        sh(&format!("umount {}", self.0.display()));
    }
}

#[test]
fn disk_full_keeps_the_previous_output() {
    let dir = folder();
    let mut corpus = String::new();
    for i in 0..2000 {
        corpus.push_str(&format!("{{\"id\":\"d{i}\",\"text\":\"{ARTICLE}\"}}\n"));
    }
    write(dir.path(), "c.jsonl", corpus);
    let Some(disk) = TinyDisk::mount(dir.path()) else {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let out = disk.0.join("out.jsonl");
    fs::write(&out, "previous").unwrap();
    let out_arg = out.to_str().unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &["tag", "-q", "-g", "g.csv", "c.jsonl", "-o", out_arg],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!("error: writing {out_arg}: No space left on device (os error 28)\n")
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous");
    assert!(temporaries(&disk.0).is_empty());
}

/// Reads one line of the command's stdout, closes the pipe and waits:
/// like `comention … | head -1`.
fn closed_early(dir: &Path, args: &[&str], read_a_line: bool) {
    let mut child = comention(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    if read_a_line {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?}");
    } else {
        drop(stdout);
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
}

#[test]
fn stdout_closed_early_exits_quietly() {
    let dir = folder();
    let mut corpus = String::new();
    for i in 0..3000 {
        corpus.push_str(&format!(
            "{{\"id\":\"d{i}\",\"text\":\"{ARTICLE}{ARTICLE}\"}}\n"
        ));
    }
    write(dir.path(), "c.jsonl", corpus);
    closed_early(dir.path(), &["tag", "-q", "-g", "g.csv", "c.jsonl"], true);
    // Regression: serde_json wraps the broken pipe; `sentences` exited 2.
    closed_early(dir.path(), &["sentences", "-q", "c.jsonl"], true);
    closed_early(
        dir.path(),
        &["graph", "-q", "-g", "g.csv", "c.jsonl"],
        false,
    );
    closed_early(
        dir.path(),
        &["graph", "-q", "-g", "g.csv", "c.jsonl", "--format", "json"],
        false,
    );
    // Lint's output (19 KB) fits the pipe buffer: close before it writes.
    closed_early(dir.path(), &["gazetteer", "lint"], false);
}

/// Starts the CLI on a corpus on stdin that never ends (documents are
/// written, the pipe is kept open), waits until `ready` holds, sends
/// SIGINT and returns the exit code and stderr. However fast the build, the
/// run cannot finish before the signal.
fn interrupt(dir: &Path, args: &[&str], ready: impl Fn() -> bool) -> (i32, String) {
    let mut child = comention(dir, args)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..2000 {
            let line = format!("{{\"id\":\"d{i}\",\"text\":\"{}\"}}\n", ARTICLE.repeat(8));
            if stdin.write_all(line.as_bytes()).is_err() {
                break; // the run was interrupted
            }
        }
        stdin // kept open until the run is over
    });
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "never ready");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the signal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(sh(&format!("kill -INT {}", child.id())));
    let out = child.wait_with_output().unwrap();
    drop(writer.join().unwrap());
    let (code, _, stderr) = finish(out);
    (code, stderr)
}

#[test]
fn ctrl_c_leaves_no_temporary_file_and_keeps_the_previous_output() {
    let dir = folder();
    fs::write(dir.path().join("out.jsonl"), "previous").unwrap();
    // `tag -o` writes as it goes: interrupt once its temporary file exists.
    let args = ["tag", "-q", "-g", "g.csv", "-", "-o", "out.jsonl"];
    let (code, stderr) = interrupt(dir.path(), &args, || !temporaries(dir.path()).is_empty());
    assert_eq!(code, 130);
    assert_eq!(stderr, "error: interrupted; no output file was replaced\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
        "previous"
    );
    assert!(temporaries(dir.path()).is_empty());
    // `graph -o` counts first and writes at the end.
    fs::write(dir.path().join("out.graphml"), "previous").unwrap();
    let args = ["graph", "-q", "-g", "g.csv", "-", "-o", "out.graphml"];
    let started = Instant::now();
    let (code, _) = interrupt(dir.path(), &args, || {
        started.elapsed() > Duration::from_millis(300)
    });
    assert_eq!(code, 130);
    assert_eq!(
        fs::read_to_string(dir.path().join("out.graphml")).unwrap(),
        "previous"
    );
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn special_files_are_written_directly() {
    let dir = folder();
    write(dir.path(), "a.txt", ARTICLE);
    let (code, _, _) = run(
        dir.path(),
        &["graph", "-q", "-g", "g.csv", "a.txt", "-o", "/dev/null"],
    );
    assert_eq!(code, 0);
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    // /dev/stdout (here a pipe) is written directly.
    let (code, stdout, _) = run(
        dir.path(),
        &["graph", "-q", "-g", "g.csv", "a.txt", "-o", "/dev/stdout"],
    );
    assert_eq!(code, 0);
    assert_eq!(parse_graphml(&stdout), 3);
    // A FIFO: a reader gets the whole graph and the FIFO stays a FIFO.
    let fifo = dir.path().join("g.fifo");
    assert!(sh(&format!("mkfifo {}", fifo.display())));
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let (code, _, stderr) = run(
        dir.path(),
        &["graph", "-q", "-g", "g.csv", "a.txt", "-o", "g.fifo"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(parse_graphml(&reader.join().unwrap()), 3);
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn every_graph_format_written_parses() {
    let dir = folder();
    write(dir.path(), "a.jsonl", format!(
        "{{\"id\":\"a\",\"date\":\"2024-01-02\",\"text\":\"{ARTICLE}\"}}\n{{\"id\":\"b\",\"date\":\"2024-02-03\",\"text\":\"Russia, PRC.\"}}\n"
    ));
    let graph = |format: &str, out: &str| {
        let (code, _, stderr) = run(
            dir.path(),
            &[
                "graph", "-q", "-g", "g.csv", "a.jsonl", "--format", format, "-o", out,
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        fs::read_to_string(dir.path().join(out)).unwrap_or_default()
    };
    assert_eq!(parse_graphml(&graph("graphml", "g.graphml")), 3);
    let gexf = graph("gexf", "g.gexf");
    roxmltree::Document::parse(&gexf).unwrap();
    let json: serde_json::Value = serde_json::from_str(&graph("json", "g.json")).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), 3);
    graph("csv", "g.csv.out.csv");
    let nodes = fs::read_to_string(dir.path().join("g.csv.out.nodes.csv")).unwrap();
    let edges = fs::read_to_string(dir.path().join("g.csv.out.edges.csv")).unwrap();
    assert_eq!(parse_csv(&nodes).len(), 3);
    assert_eq!(parse_csv(&edges).len(), 3);
    let (code, stdout, _) = run(
        dir.path(),
        &["tag", "-q", "-g", "g.csv", "a.jsonl", "--format", "csv"],
    );
    assert_eq!(code, 0);
    assert_eq!(parse_csv(&stdout).len(), 5);
}
