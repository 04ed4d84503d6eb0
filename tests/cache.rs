//! The compiled-automaton cache end to end: where the CLI puts it, that a
//! second run reads what the first wrote and finds the same mentions, and
//! that a cache that cannot be used costs a warning, never the run.
//!
//! Each test has folders of its own: no test reads the user's cache.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.jsonl");

/// Runs the CLI with `env` set (and no other cache variable) and returns
/// (exit code, stdout, stderr).
fn run(args: &[&str], env: &[(&str, &Path)]) -> (i32, Vec<u8>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_comention"));
    cmd.args(args)
        .stdin(Stdio::null())
        .env_remove("COMENTION_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("LOCALAPPDATA");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), out.stdout, stderr)
}

/// Runs the CLI, which must succeed without a word on stderr; returns its
/// stdout.
fn quiet(args: &[&str], env: &[(&str, &Path)]) -> Vec<u8> {
    let (code, stdout, stderr) = run(args, env);
    assert_eq!((code, stderr.as_str()), (0, ""), "{args:?}");
    stdout
}

/// The files in `dir` (none if it does not exist), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    names.sort();
    names
}

/// The one automaton file in `dir`.
fn the_file(dir: &Path) -> PathBuf {
    let names = files(dir);
    assert_eq!(names.len(), 1, "{names:?}");
    assert_eq!(names[0].extension().unwrap(), "automaton", "{names:?}");
    names[0].clone()
}

/// Sets a file's modification time back to 2001.
fn age(path: &Path) {
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_second_run_reads_the_file_the_first_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("automata");
    let c = cache.to_str().unwrap();
    let tag = ["tag", "-q", SAMPLE, "--cache-dir", c];
    let built = quiet(&tag, &[]);
    let file = the_file(&cache);
    let inode = fs::metadata(&file).unwrap().ino();
    age(&file);
    let read = quiet(&tag, &[]);
    assert_eq!(read, built);
    // Read, not rebuilt: the same file (a rebuilt one is renamed into
    // place), its time refreshed so that it is not the first evicted.
    assert_eq!(the_file(&cache), file);
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
    assert!(modified(&file) > SystemTime::now() - Duration::from_secs(3600));
    // And the mentions are those of a run without the cache.
    assert!(built.len() > 10_000);
    assert_eq!(built, quiet(&["tag", "-q", SAMPLE, "--no-cache"], &[]));
    // The graph, too, reads it.
    let graph = ["graph", "-q", SAMPLE, "--format", "json", "-o", "-"];
    let cached = quiet(&[&graph[..], &["--cache-dir", c]].concat(), &[]);
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
    assert_eq!(cached, quiet(&[&graph[..], &["--no-cache"]].concat(), &[]));
}

#[test]
fn other_options_get_a_file_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().to_str().unwrap();
    let mut outputs = Vec::new();
    for case in ["smart", "insensitive", "sensitive"] {
        let args = ["tag", "-q", SAMPLE, "--case", case, "--cache-dir", c];
        let first = quiet(&args, &[]);
        assert_eq!(first, quiet(&args, &[]), "{case}");
        outputs.push(first);
    }
    quiet(
        &["tag", "-q", SAMPLE, "--no-adjectives", "--cache-dir", c],
        &[],
    );
    quiet(
        &["tag", "-q", SAMPLE, "--fold-diacritics", "--cache-dir", c],
        &[],
    );
    assert_eq!(files(dir.path()).len(), 5);
    // Each read the file of its own options.
    assert_ne!(outputs[0], outputs[1]);
    assert_ne!(outputs[0], outputs[2]);
}

#[test]
fn no_cache_and_small_gazetteers_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("automata");
    let c = cache.to_str().unwrap();
    quiet(&["tag", "-q", SAMPLE, "--no-cache", "--cache-dir", c], &[]);
    let gazetteer = dir.path().join("small.csv");
    fs::write(&gazetteer, "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n").unwrap();
    let g = gazetteer.to_str().unwrap();
    let found = quiet(&["tag", "-q", SAMPLE, "-g", g, "--cache-dir", c], &[]);
    assert!(String::from_utf8(found).unwrap().contains("Kazakhstan"));
    assert!(!cache.exists(), "{:?}", files(&cache));
}

#[test]
fn the_folder_comes_from_the_flag_then_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tag = ["tag", "-q", SAMPLE];
    quiet(
        &tag,
        &[("COMENTION_CACHE_DIR", &d.join("env")), ("HOME", d)],
    );
    the_file(&d.join("env"));
    let flag = d.join("flag");
    let args = [&tag[..], &["--cache-dir", flag.to_str().unwrap()]].concat();
    quiet(&args, &[("COMENTION_CACHE_DIR", &d.join("env2"))]);
    the_file(&flag);
    assert!(!d.join("env2").exists());
    quiet(&tag, &[("XDG_CACHE_HOME", &d.join("xdg")), ("HOME", d)]);
    the_file(&d.join("xdg/comention"));
    let home = d.join("home");
    quiet(&tag, &[("HOME", &home)]);
    the_file(&home.join(".cache/comention"));
    // A relative XDG_CACHE_HOME is not to be used (the XDG rule).
    quiet(
        &tag,
        &[("XDG_CACHE_HOME", Path::new("rel")), ("HOME", &home)],
    );
    assert_eq!(files(&home.join(".cache/comention")).len(), 1);
    assert!(!Path::new("rel").exists());
}

#[test]
fn a_folder_that_cannot_be_used_is_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("file");
    fs::write(&not_a_folder, "x").unwrap();
    let expected = quiet(&["tag", "-q", SAMPLE, "--no-cache"], &[]);
    for args in [
        vec![
            "tag",
            "-q",
            SAMPLE,
            "--cache-dir",
            not_a_folder.to_str().unwrap(),
        ],
        vec!["tag", "-q", SAMPLE],
    ] {
        let env = [("COMENTION_CACHE_DIR", not_a_folder.as_path())];
        let (code, stdout, stderr) = run(&args, &env);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stdout, expected);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(
            lines[0].starts_with("warning: automaton cache: "),
            "{stderr}"
        );
        assert!(
            lines[0].contains(not_a_folder.to_str().unwrap()),
            "{stderr}"
        );
        assert!(lines[0].ends_with("(--no-cache turns it off)"), "{stderr}");
    }
    assert_eq!(fs::read(&not_a_folder).unwrap(), b"x");
}

#[test]
fn a_damaged_file_is_built_again_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().to_str().unwrap();
    let tag = ["tag", "-q", SAMPLE, "--cache-dir", c];
    let expected = quiet(&tag, &[]);
    let file = the_file(dir.path());
    let good = fs::read(&file).unwrap();
    for damage in [
        good[..good.len() / 2].to_vec(),
        {
            let mut bad = good.clone();
            let middle = bad.len() / 2;
            bad[middle] ^= 0x20;
            bad
        },
        b"not an automaton".to_vec(),
        Vec::new(),
    ] {
        fs::write(&file, &damage).unwrap();
        assert_eq!(quiet(&tag, &[]), expected);
        assert_eq!(fs::read(&file).unwrap(), good);
    }
    assert_eq!(the_file(dir.path()), file);
}

#[test]
fn runs_at_the_same_time_share_one_file() {
    // Four runs start on an empty folder: each builds and writes under a
    // temporary name of its own, the renames replace one file with an
    // equal one, and none reads half a file.
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().to_str().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_comention"))
                .args(["tag", "-q", SAMPLE, "--cache-dir", c])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
        assert_eq!(out.stdout, outputs[0].stdout);
    }
    the_file(dir.path());
    // And a run after them reads that file.
    let file = the_file(dir.path());
    let inode = fs::metadata(&file).unwrap().ino();
    assert_eq!(
        quiet(&["tag", "-q", SAMPLE, "--cache-dir", c], &[]),
        outputs[0].stdout
    );
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
}
