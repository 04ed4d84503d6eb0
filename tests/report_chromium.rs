//! The HTML report in a real browser: headless Chromium opens the report of
//! the sample corpus plus a hostile article and a hostile gazetteer label,
//! and we check that
//!
//! 1. the page loaded and our own script ran (the DOM holds the expected
//!    entity count and `<html data-js="ready">`, which also proves the CSP
//!    hash of our script is right);
//! 2. nothing from the data ran: the article's `<script>`, `onerror=` and
//!    `javascript:` payloads would change `document.title` or add an element
//!    with id `pwned-…`; neither happened;
//! 3. no network request was made. Chromium runs with every host name
//!    resolved to a local listener (`--host-resolver-rules`) *and* that
//!    listener as its proxy for every URL, loopback included
//!    (`--proxy-server`, `--proxy-bypass-list=<-loopback>`), so any http(s)
//!    request, to a name or an IP, would open a connection to it. The test
//!    asserts the listener saw none, after first checking (a control page
//!    that does load an image) that it does see requests. The HTML is also
//!    scanned: every `src`/`href` is a `#fragment`, and there is no `url(`.
//!
//! Chromium is `$CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on
//! PATH. Without it the test is skipped, except when `CI=true`, where it
//! fails (`.ci/run` installs it).

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Compiled automata go to a folder of the build, never the user's cache.
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/automata");

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    if Path::new("/usr/bin/chromium").exists() {
        return Some(PathBuf::from("/usr/bin/chromium"));
    }
    let found = Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    found.then(|| PathBuf::from("chromium"))
}

/// A TCP listener that records the first line of every request sent to it.
struct Trap {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Hosts Chromium itself calls (time, component updates, sign-in) even
/// with background networking off. A page request to them would still be
/// caught by the static scan: the page holds no URL at all.
const BROWSER_SERVICES: &[&str] = &[".google.com", ".googleapis.com", ".gvt1.com"];

impl Trap {
    fn start() -> Trap {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
                    // Read until the first line is complete, the peer
                    // closes, or it stays silent for 5 s.
                    let mut head = Vec::new();
                    let mut buf = [0u8; 512];
                    while !head.contains(&b'\n') && head.len() < 4096 {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let line = head.lines().next().unwrap_or("").to_string();
                    log.lock().unwrap().push(line);
                    // Answer nothing; dropping the stream closes it.
                });
            }
        });
        Trap { port, requests }
    }

    /// Requests not made by Chromium's own services.
    ///
    /// A connection that sends no byte at all is not a request: Chromium
    /// opens such spare connections to its proxy ahead of need (under load
    /// CI once saw one while the report was open), and one that carries
    /// nothing can fetch nothing. An HTTPS request sent without the proxy
    /// would still show, as the bytes of its TLS greeting.
    fn page_requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|line| !line.is_empty())
            .filter(|line| {
                let target = line.split_whitespace().nth(1).unwrap_or("");
                let host = target
                    .trim_start_matches("http://")
                    .trim_start_matches("https://")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("");
                !BROWSER_SERVICES.iter().any(|s| host.ends_with(s))
            })
            .cloned()
            .collect()
    }
}

/// Runs Chromium on `page` with `extra` arguments; returns stdout.
fn run_chromium(
    chromium: &Path,
    profile: &Path,
    trap: &Trap,
    page: &Path,
    extra: &[&str],
) -> String {
    let url = format!("file://{}", page.display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!(
            "--host-resolver-rules=MAP * 127.0.0.1:{}",
            trap.port
        ))
        .arg(format!("--proxy-server=http://127.0.0.1:{}", trap.port))
        .arg("--proxy-bypass-list=<-loopback>")
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

const HOSTILE_ARTICLE: &str = r#"EvilCorp met officials in Kazakhstan. <script>document.title='PWNED-SCRIPT';document.body.insertAdjacentHTML('beforeend','<p id=pwned-script>x</p>')</script> <img src=x onerror="document.title='PWNED-IMG';document.body.insertAdjacentHTML('beforeend','<p id=pwned-img>x</p>')"> <a href="javascript:document.title='PWNED-JS'">click</a> <iframe src="https://example.com/"></iframe> <link rel=stylesheet href="http://example.com/x.css"> <style>body{background:url(http://example.com/bg.png)}</style> " onmouseover="document.title='PWNED-ATTR'" x=""#;

const HOSTILE_GAZETTEER: &str = "id,type,name,aliases\n\"evil\"\"><script>document.title='PWNED-ID'</script>\",ORG<img src=x onerror=document.title='PWNED-TYPE'>,<img src=x onerror=\"document.title='PWNED-LABEL'\">,EvilCorp\n";

/// Every `src=`, `href=` and similar attribute value in our markup. All `<`
/// in the page are ours (data is escaped), so a plain scan finds every tag.
fn link_values(html: &str) -> Vec<String> {
    let mut values = Vec::new();
    for attr in [
        "src=\"",
        "href=\"",
        "action=\"",
        "poster=\"",
        "srcset=\"",
        "data=\"",
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').unwrap();
            values.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    values
}

#[test]
fn report_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is missing and CI=true: install it (apt-get install chromium)"
        );
        eprintln!("skipped: chromium not found (set CHROMIUM or install chromium)");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("hostile.jsonl");
    let record = serde_json::json!({
        "id": "hostile\"><script>document.title='PWNED-DOCID'</script>",
        "date": "2025-01-01",
        "title": "<img src=x onerror=\"document.title='PWNED-TITLE'\">",
        "text": HOSTILE_ARTICLE,
    });
    std::fs::write(&hostile, format!("{record}\n")).unwrap();
    let evil_gaz = dir.path().join("evil.csv");
    std::fs::write(&evil_gaz, HOSTILE_GAZETTEER).unwrap();
    let sample = root.join("data/sample.jsonl");

    // The report, with the default lists plus the hostile label.
    let mut gazetteers: Vec<PathBuf> = std::fs::read_dir(root.join("gazetteers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    gazetteers.sort();
    gazetteers.push(evil_gaz.clone());
    let page = dir.path().join("report.html");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_comention"));
    cmd.env("COMENTION_CACHE_DIR", CACHE)
        .arg("report")
        .arg(&sample)
        .arg(&hostile)
        .arg("-o")
        .arg(&page);
    for g in &gazetteers {
        cmd.arg("-g").arg(g);
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "comention report failed: {status}");
    let html = std::fs::read_to_string(&page).unwrap();

    // What the page should say, computed with the library.
    let gaz = comention::Gazetteer::from_paths(&gazetteers).unwrap();
    let tagger = comention::Tagger::new(&gaz);
    let texts: Vec<String> = std::fs::read_to_string(&sample)
        .unwrap()
        .lines()
        .chain(std::iter::once(record.to_string().as_str()))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    let mut entities = std::collections::BTreeSet::new();
    for t in &texts {
        entities.extend(tagger.tag(t).iter().map(|m| m.entity));
    }
    assert!(
        entities.len() > 10,
        "the sample corpus mentions many entities"
    );
    assert!(entities.contains(
        &(gaz
            .index_of("evil\"><script>document.title='PWNED-ID'</script>")
            .unwrap() as u32)
    ));

    // Static checks: every link is a fragment; no CSS loads.
    assert!(html.contains("default-src 'none'"));
    for value in link_values(&html) {
        assert!(value.starts_with('#'), "non-fragment link {value:?}");
    }
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(
        !style.contains("url(") && !style.contains("@import"),
        "CSS loads something"
    );
    assert_eq!(html.matches("<script").count(), 1, "only our script");

    let trap = Trap::start();
    let profile = tempfile::tempdir().unwrap();

    // Control: the trap does see a page's request.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><title>control</title><img src=\"http://example.invalid/x.png\">",
    )
    .unwrap();
    run_chromium(&chromium, profile.path(), &trap, &control, &["--dump-dom"]);
    std::thread::sleep(Duration::from_millis(500));
    let control_requests = trap.page_requests();
    assert!(
        control_requests
            .iter()
            .any(|r| r.contains("example.invalid/x.png")),
        "the request trap missed the control page's image: {control_requests:?}"
    );
    // The report gets a trap of its own, so that a late request of the
    // control page (a retry of its failed image, say) cannot land in it:
    // the suite once failed here under load.
    let trap = Trap::start();

    let dom = run_chromium(
        &chromium,
        profile.path(),
        &trap,
        &page,
        &["--dump-dom", "--virtual-time-budget=3000"],
    );
    assert!(dom.contains("data-js=\"ready\""), "our script did not run");
    assert!(
        dom.contains(&format!("<b id=\"n-entities\">{}</b>", entities.len())),
        "entity count {} not in the DOM",
        entities.len()
    );
    assert!(dom.contains(&format!("<b id=\"n-documents\">{}</b>", texts.len())));
    assert_eq!(dom.matches("<tr id=\"e-").count(), entities.len());
    assert!(
        dom.contains("<title>comention report</title>"),
        "title changed"
    );
    assert!(!dom.contains("id=\"pwned"), "an injected element appeared");
    assert!(
        !dom.contains("<iframe") && !dom.contains("<img"),
        "injected markup in the DOM"
    );
    // The hostile text is shown, as text.
    assert!(dom.contains("&lt;script&gt;document.title="));

    let shot = dir.path().join("report.png");
    run_chromium(
        &chromium,
        profile.path(),
        &trap,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,2000",
        ],
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "screenshot looks empty"
    );

    std::thread::sleep(Duration::from_millis(500));
    let made = trap.page_requests();
    assert!(
        made.is_empty(),
        "the report made network requests: {made:?}"
    );
}

/// Same corpus, same bytes, whatever the thread count (layout included).
#[test]
fn report_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut pages = Vec::new();
    for threads in ["1", "4"] {
        let page = dir.path().join(format!("r{threads}.html"));
        let status = Command::new(env!("CARGO_BIN_EXE_comention"))
            .env("COMENTION_CACHE_DIR", CACHE)
            .args(["report", "-q", "--scope", "sentence", "--threads", threads])
            .arg(root.join("data/sample.jsonl"))
            .arg("-o")
            .arg(&page)
            .status()
            .unwrap();
        assert!(status.success());
        pages.push(std::fs::read(&page).unwrap());
    }
    assert_eq!(pages[0], pages[1]);
    let html = String::from_utf8(pages.remove(0)).unwrap();
    assert!(html.matches("<circle").count() > 10, "the network is drawn");
}

/// The trap logs a request sent in pieces as one line, and does not count a
/// connection that sends nothing.
#[test]
fn trap_sees_requests_not_silent_connections() {
    use std::io::Write;
    let trap = Trap::start();
    let silent = std::net::TcpStream::connect(("127.0.0.1", trap.port)).unwrap();
    drop(silent);
    let mut split = std::net::TcpStream::connect(("127.0.0.1", trap.port)).unwrap();
    split.write_all(b"GET http://example.invalid/").unwrap();
    split.flush().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    split
        .write_all(b"x.png HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut service = std::net::TcpStream::connect(("127.0.0.1", trap.port)).unwrap();
    service
        .write_all(b"CONNECT update.googleapis.com:443 HTTP/1.1\r\n\r\n")
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while trap.requests.lock().unwrap().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(trap.requests.lock().unwrap().len(), 3);
    assert_eq!(
        trap.page_requests(),
        ["GET http://example.invalid/x.png HTTP/1.1"]
    );
    drop(split);
    drop(service);
}
