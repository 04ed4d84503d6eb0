use super::*;
use crate::tagger::Tagger;
use proptest::prelude::*;

pub(crate) const GAZ: &str = "id,type,name,aliases,country\n\
ru,COUNTRY,Russia,,\n\
kz,COUNTRY,Kazakhstan,,\n\
cn,COUNTRY,China,,\n\
msk,CITY,Moscow,,ru\n\
putin,PERSON,Vladimir Putin,Putin,ru\n\
atl,CITY,Atlantis,,nowhere\n";

pub(crate) fn gaz() -> Gazetteer {
    Gazetteer::from_csv_str(GAZ).unwrap()
}

pub(crate) fn doc(id: &str, date: Option<&str>, text: &str) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        date: date.map(Into::into),
        title: None,
    }
}

/// The hand-checked corpus of the module tests and the graph tests.
pub(crate) fn corpus() -> Vec<Document> {
    vec![
        doc(
            "d1",
            Some("2022-01-03"),
            "Russia and Kazakhstan signed. China watched.",
        ),
        doc(
            "d2",
            Some("2022-06-10T08:00:00Z"),
            "Kazakhstan and China met. Kazakhstan again.",
        ),
        doc("d3", Some("2023-02-01"), "Russia alone."),
        doc("d4", None, "Nothing here."),
    ]
}

pub(crate) fn count(docs: &[Document], options: &CountOptions) -> CoMentionCounts {
    let gaz = gaz();
    let tagger = Tagger::new(&gaz);
    let mut counts = CoMentionCounts::new(options.clone());
    for d in docs {
        counts.add_document(d, &tagger.tag(&d.text), &gaz);
    }
    counts.attach_entities(&gaz);
    counts
}

fn node(c: &CoMentionCounts, id: &str) -> (u64, u64, u64) {
    let n = c.overall().node(id).unwrap();
    (n.mentions, n.scopes, n.documents)
}

#[test]
fn document_scope_by_hand() {
    let c = count(&corpus(), &CountOptions::default());
    let t = c.overall().totals();
    assert_eq!((t.documents, t.scopes, t.mentions), (4, 4, 7));
    assert_eq!(node(&c, "ru"), (2, 2, 2));
    assert_eq!(node(&c, "kz"), (3, 2, 2));
    assert_eq!(node(&c, "cn"), (2, 2, 2));
    let ru = c.overall().node("ru").unwrap();
    assert_eq!(ru.first_date.as_deref(), Some("2022-01-03"));
    assert_eq!(ru.last_date.as_deref(), Some("2023-02-01"));
    let cn_kz = c.overall().pair("kz", "cn").unwrap();
    assert_eq!((cn_kz.cooccurrences, cn_kz.documents), (2, 2));
    assert_eq!(cn_kz.evidence, ["d1", "d2"]);
    assert_eq!(cn_kz.last_date.as_deref(), Some("2022-06-10"));
    assert_eq!(c.overall().pair("kz", "ru").unwrap().cooccurrences, 1);
    assert_eq!(c.overall().pair_count(), 3);
    assert_eq!(c.entities()["kz"].label, "Kazakhstan");
}

fn mention(start: usize, end: usize, entity: u32, sentence: u32, paragraph: u32) -> Mention {
    Mention {
        start,
        end,
        char_start: start,
        char_end: end,
        entity,
        sentence,
        paragraph,
    }
}

#[test]
fn sentence_and_paragraph_scopes_count_a_pair_once_per_scope() {
    let gaz = gaz();
    // "Russia Russia Kazakhstan. China.\n\nRussia Kazakhstan."
    //  s0: ru ru kz | s1: cn | s2 (p1): ru kz
    let text = "Russia Russia Kazakhstan. China.\n\nRussia Kazakhstan.";
    let ms = [
        mention(0, 6, 0, 0, 0),
        mention(7, 13, 0, 0, 0),
        mention(14, 24, 1, 0, 0),
        mention(26, 31, 2, 1, 0),
        mention(34, 40, 0, 2, 1),
        mention(41, 51, 1, 2, 1),
    ];
    let d = doc("x", None, text);
    let sentence = CountOptions {
        scope: Scope::Sentence,
        ..CountOptions::default()
    };
    let c = CoMentionCounts::of(&d, &ms, &gaz, &sentence);
    assert_eq!(c.overall().totals().scopes, 3);
    assert_eq!(node(&c, "ru"), (3, 2, 1));
    assert_eq!(c.overall().pair("ru", "kz").unwrap().cooccurrences, 2);
    assert_eq!(c.overall().pair("ru", "kz").unwrap().documents, 1);
    assert!(c.overall().pair("ru", "cn").is_none());

    let paragraph = CountOptions {
        scope: Scope::Paragraph,
        ..CountOptions::default()
    };
    let c = CoMentionCounts::of(&d, &ms, &gaz, &paragraph);
    assert_eq!(c.overall().totals().scopes, 2);
    assert_eq!(c.overall().pair("ru", "kz").unwrap().cooccurrences, 2);
    assert_eq!(c.overall().pair("ru", "cn").unwrap().cooccurrences, 1);
    assert_eq!(node(&c, "cn"), (1, 1, 1));
}

#[test]
fn window_scope_by_hand() {
    // Words: Russia(0) a(1) b(2) Kazakhstan(3) c d e f(4-7) China(8)
    let d = doc("w", None, "Russia a b, Kazakhstan c d e f China");
    let gaz = gaz();
    let ms = Tagger::new(&gaz).tag(&d.text);
    assert_eq!(ms.len(), 3);
    let opts = |n| CountOptions {
        scope: Scope::Window(n),
        ..CountOptions::default()
    };
    let c = CoMentionCounts::of(&d, &ms, &gaz, &opts(3));
    assert_eq!(c.overall().totals().scopes, 3);
    assert_eq!(c.overall().pair("ru", "kz").unwrap().cooccurrences, 1);
    assert!(c.overall().pair("kz", "cn").is_none());
    assert_eq!(node(&c, "kz"), (1, 2, 1));
    assert_eq!(node(&c, "cn"), (1, 1, 1));
    let c = CoMentionCounts::of(&d, &ms, &gaz, &opts(2));
    assert_eq!(c.overall().pair_count(), 0);
    let c = CoMentionCounts::of(&d, &ms, &gaz, &opts(5));
    assert_eq!(c.overall().pair("kz", "cn").unwrap().cooccurrences, 1);
    assert!(c.overall().pair("ru", "cn").is_none());
}

#[test]
fn word_positions_count_alphanumeric_runs() {
    let text = "a-b  c, Ünïcode 42x";
    let at = |s: usize| mention(s, s + 1, 0, 0, 0);
    assert_eq!(
        word_positions(text, &[at(0), at(2), at(5), at(8), at(16)]),
        [0, 1, 2, 3, 4]
    );
}

#[test]
fn roll_up_merges_before_scopes_and_leaves_unknown_targets() {
    let opts = CountOptions {
        roll_up: Some("country".into()),
        ..CountOptions::default()
    };
    let docs = [doc(
        "r",
        None,
        "Moscow and Russia. Putin met Kazakhstan in Atlantis.",
    )];
    let c = count(&docs, &opts);
    assert_eq!(node(&c, "ru"), (3, 1, 1));
    assert!(c.overall().node("msk").is_none());
    assert!(c.overall().pair("ru", "ru").is_none());
    assert_eq!(c.overall().pair("kz", "ru").unwrap().cooccurrences, 1);
    // `nowhere` is no entity: Atlantis stays itself.
    assert_eq!(node(&c, "atl"), (1, 1, 1));
    assert_eq!(c.overall().pair_count(), 3);
}

#[test]
fn slices_by_year_and_month() {
    let opts = CountOptions {
        slice: Some(Slice::Year),
        ..CountOptions::default()
    };
    let c = count(&corpus(), &opts);
    let keys: Vec<_> = c.slices().map(|(k, _)| k).collect();
    assert_eq!(keys, ["2022", "2023"]);
    let y22 = c.slice("2022").unwrap();
    assert_eq!(y22.totals().documents, 2);
    assert_eq!(y22.node("ru").unwrap().documents, 1);
    assert_eq!(y22.pair("cn", "kz").unwrap().cooccurrences, 2);
    assert!(y22.pair("cn", "kz").unwrap().evidence.is_empty());
    // The undated document counts overall only.
    assert_eq!(c.overall().totals().documents, 4);
    let opts = CountOptions {
        slice: Some(Slice::Month),
        ..CountOptions::default()
    };
    let keys: Vec<String> = count(&corpus(), &opts)
        .slices()
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(keys, ["2022-01", "2022-06", "2023-02"]);
}

#[test]
fn evidence_keeps_the_k_smallest_ids() {
    let docs: Vec<_> = ["d9", "d10", "d2", "d2", "d5"]
        .iter()
        .map(|id| doc(id, None, "Russia, China."))
        .collect();
    let opts = CountOptions {
        evidence: 2,
        ..CountOptions::default()
    };
    let c = count(&docs, &opts);
    assert_eq!(
        c.overall().pair("ru", "cn").unwrap().evidence,
        ["d10", "d2"]
    );
    let none = count(
        &docs,
        &CountOptions {
            evidence: 0,
            ..opts
        },
    );
    assert!(none.overall().pair("ru", "cn").unwrap().evidence.is_empty());
}

#[test]
fn dates_and_slices_parse_prefixes() {
    assert_eq!(date_prefix("2024-02-29"), Some("2024-02-29"));
    assert_eq!(date_prefix("2023-02-29"), Some("2023-02"));
    assert_eq!(date_prefix("20230101"), None);
    assert_eq!(date_prefix("2023"), Some("2023"));
    assert_eq!(date_prefix("2023-1"), Some("2023"));
    assert_eq!(Slice::Day.days("2023-02-01").1, "2023-02-01");
    assert_eq!(Slice::Month.days("2023-02").1, "2023-02-28");
    assert_eq!("month".parse::<Slice>().unwrap(), Slice::Month);
    assert!("week".parse::<Slice>().is_err());
}

#[test]
fn merge_refuses_other_options() {
    let mut a = count(&corpus(), &CountOptions::default());
    let b = count(
        &corpus(),
        &CountOptions {
            evidence: 1,
            ..CountOptions::default()
        },
    );
    let err = a.merge(b).unwrap_err().to_string();
    assert!(err.contains("(evidence=3 vs 1)"), "{err}");
}

fn state_text(c: &CoMentionCounts) -> String {
    let mut out = Vec::new();
    state::write(c, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn read_state(text: &str) -> crate::Result<CoMentionCounts> {
    state::read(text.as_bytes(), "s.jsonl".as_ref())
}

#[test]
fn state_round_trips_and_is_sorted() {
    let opts = CountOptions {
        slice: Some(Slice::Year),
        ..CountOptions::default()
    };
    let c = count(&corpus(), &opts);
    let text = state_text(&c);
    let back = read_state(&text).unwrap();
    assert_eq!(back, c);
    assert_eq!(state_text(&back), text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"kind":"header","format":"comention-state","version":1,"scope":"document","slice":"year","evidence":3,"roll_up":null,"fingerprint":null}"#
    );
    assert!(lines.contains(
        &r#"{"kind":"entity","id":"cn","label":"China","type":"COUNTRY","attributes":{}}"#
    ));
    assert!(
        lines.contains(&r#"{"kind":"total","slice":null,"documents":4,"scopes":4,"mentions":7}"#)
    );
    assert!(lines.contains(&r#"{"kind":"node","slice":"2022","id":"kz","mentions":3,"scopes":2,"documents":2,"first_date":"2022-01-03","last_date":"2022-06-10"}"#));
    assert!(lines.contains(&r#"{"kind":"pair","slice":null,"a":"cn","b":"kz","cooccurrences":2,"documents":2,"first_date":"2022-01-03","last_date":"2022-06-10","evidence":["d1","d2"]}"#));
}

#[test]
fn concatenated_states_read_as_their_merge() {
    let docs = corpus();
    let opts = CountOptions {
        slice: Some(Slice::Month),
        evidence: 1,
        ..CountOptions::default()
    };
    let whole = count(&docs, &opts);
    let (a, b) = docs.split_at(1);
    let joined = state_text(&count(b, &opts)) + &state_text(&count(a, &opts));
    assert_eq!(read_state(&joined).unwrap(), whole);
}

#[test]
fn state_errors_say_file_and_line() {
    let c = count(&corpus(), &CountOptions::default());
    let text = state_text(&c);
    let err = |t: &str| read_state(t).unwrap_err().to_string();

    let bad_json = text.replacen("\n", "\n{oops\n", 1);
    assert!(
        err(&bad_json).starts_with("s.jsonl:2: not a state record"),
        "{}",
        err(&bad_json)
    );

    let v2 = text.replace(r#""version":1"#, r#""version":2"#);
    assert!(err(&v2).starts_with("s.jsonl:1: state format version 2 is not supported"));

    let other = state_text(&count(
        &corpus(),
        &CountOptions {
            scope: Scope::Sentence,
            ..CountOptions::default()
        },
    ));
    let mixed = format!("{text}{other}");
    let n = text.lines().count() + 1;
    assert!(
        err(&mixed).starts_with(&format!(
            "s.jsonl:{n}: header differs from the one on line 1"
        )),
        "{}",
        err(&mixed)
    );

    let no_header: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert!(err(&no_header).contains("no header record"));

    let swapped = text.replace(r#""a":"cn","b":"kz""#, r#""a":"kz","b":"cn""#);
    assert!(err(&swapped).contains("must be ordered a < b"));

    let wrong_slice = text.replace(
        r#"{"kind":"total","slice":null"#,
        r#"{"kind":"total","slice":"2022""#,
    );
    assert!(err(&wrong_slice).contains("does not match the header's slice option"));
}

#[test]
fn fingerprint_is_stable_and_sensitive() {
    let a = fingerprint(&gaz(), "");
    assert_eq!(a, fingerprint(&gaz(), ""));
    let other = Gazetteer::from_csv_str(&GAZ.replace("China", "PRC")).unwrap();
    assert_ne!(a, fingerprint(&other, ""));
}

#[test]
fn counts_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<CoMentionCounts>();
}

const WORDS: [&str; 8] = [
    "Russia",
    "Kazakhstan",
    "China",
    "Moscow",
    "Putin",
    "and",
    "met",
    ".",
];

pub(crate) fn arb_doc() -> impl Strategy<Value = (Vec<usize>, Option<u8>, u8)> {
    (
        prop::collection::vec(0..WORDS.len(), 0..12),
        prop::option::of(0u8..4),
        0u8..40,
    )
}

pub(crate) fn arb_options() -> impl Strategy<Value = CountOptions> {
    (
        prop_oneof![
            Just(Scope::Document),
            Just(Scope::Sentence),
            (1u32..4).prop_map(Scope::Window)
        ],
        prop::option::of(prop_oneof![Just(Slice::Year), Just(Slice::Month)]),
        0usize..3,
        any::<bool>(),
    )
        .prop_map(|(scope, slice, evidence, roll)| CountOptions {
            scope,
            slice,
            evidence,
            roll_up: roll.then(|| "country".to_string()),
            fingerprint: None,
        })
}

pub(crate) fn build(spec: &[(Vec<usize>, Option<u8>, u8)]) -> Vec<Document> {
    spec.iter()
        .map(|(words, month, id)| {
            let text: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
            let date = month.map(|m| format!("202{}-0{}-1{}", m % 2, m + 1, m));
            doc(&format!("doc{id}"), date.as_deref(), &text.join(" "))
        })
        .collect()
}

proptest! {
    #[test]
    fn shards_merged_in_any_order_equal_one_run(
        spec in prop::collection::vec(arb_doc(), 0..25),
        cuts in prop::collection::vec(0usize..25, 0..5),
        order in any::<u64>(),
        options in arb_options(),
    ) {
        let docs = build(&spec);
        let whole = count(&docs, &options);
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c.min(docs.len())).collect();
        bounds.push(0);
        bounds.push(docs.len());
        bounds.sort();
        let mut shards: Vec<CoMentionCounts> = bounds
            .windows(2)
            .map(|w| count(&docs[w[0]..w[1]], &options))
            .collect();
        // A deterministic shuffle driven by `order`.
        let mut seed = order | 1;
        for i in (1..shards.len()).rev() {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
            shards.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        // Merge pairwise as a tree, and through the state format.
        let via_state: Vec<CoMentionCounts> = shards.iter().map(|s| read_state(&state_text(s)).unwrap()).collect();
        let merged = shards.into_iter().reduce(|a, b| b + a).unwrap();
        prop_assert_eq!(&merged, &whole);
        let merged = via_state.into_iter().fold(CoMentionCounts::new(options.clone()), |a, b| a + b);
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(state_text(&merged), state_text(&whole));
        prop_assert_eq!(read_state(&state_text(&whole)).unwrap(), whole);
    }
}

proptest! {
    #[test]
    fn counter_equals_add_document(
        spec in prop::collection::vec(arb_doc(), 0..25),
        options in arb_options(),
        paragraph in any::<bool>(),
    ) {
        let mut options = options;
        if paragraph {
            options.scope = Scope::Paragraph;
        }
        let docs = build(&spec);
        let gaz = gaz();
        let tagger = Tagger::new(&gaz);
        let counter = Counter::new(&gaz, options.clone());
        let mut tally = counter.tally();
        let mut one_by_one = CoMentionCounts::new(options.clone());
        for d in &docs {
            let mentions = tagger.tag(&d.text);
            tally.add(counter.count(d, &mentions));
            one_by_one.add_document(d, &mentions, &gaz);
        }
        let counted = counter.finish(tally);
        prop_assert_eq!(state_text(&counted), state_text(&one_by_one));
        prop_assert_eq!(counted, one_by_one);
    }

    /// Adding in parallel batches (of any size, on any pool) gives the
    /// counts of adding one document at a time.
    #[test]
    fn add_all_equals_add(
        spec in prop::collection::vec(arb_doc(), 0..25),
        options in arb_options(),
        batch in 1usize..8,
        threads in 1usize..4,
    ) {
        let docs = build(&spec);
        let gaz = gaz();
        let tagger = Tagger::new(&gaz);
        let counter = Counter::new(&gaz, options);
        let counted: Vec<_> = docs.iter().map(|d| counter.count(d, &tagger.tag(&d.text))).collect();
        let mut one_by_one = counter.tally();
        for c in &counted {
            one_by_one.add(c.clone());
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut batched = counter.tally();
        pool.install(|| {
            for chunk in counted.chunks(batch) {
                batched.add_all(chunk.to_vec());
            }
        });
        prop_assert_eq!(batched.pair_count(), one_by_one.pair_count());
        prop_assert_eq!(counter.finish(batched), counter.finish(one_by_one));
    }

    /// Ids that share their first bytes (URLs, numbered copies) are told
    /// apart by a full comparison, whose outcome a document reuses for
    /// every pair whose last evidence id is the same: the evidence kept,
    /// added one by one or in batches, is that of `add_document`.
    #[test]
    fn ids_with_a_shared_prefix_keep_the_smallest_evidence(
        spec in prop::collection::vec(arb_doc(), 0..40),
        evidence in 1usize..4,
        batch in 1usize..8,
        threads in 1usize..3,
    ) {
        let mut docs = build(&spec);
        for (d, (_, _, id)) in docs.iter_mut().zip(&spec) {
            // Many ids with one 24-byte prefix, of several lengths.
            d.id = format!("https://example.org/news/{}", u32::from(*id) * 7 % 23);
        }
        let gaz = gaz();
        let tagger = Tagger::new(&gaz);
        let options = CountOptions { evidence, ..CountOptions::default() };
        let counter = Counter::new(&gaz, options.clone());
        let mut expected = CoMentionCounts::new(options);
        let mut one_by_one = counter.tally();
        let mut counted = Vec::new();
        for d in &docs {
            let mentions = tagger.tag(&d.text);
            expected.add_document(d, &mentions, &gaz);
            one_by_one.add(counter.count(d, &mentions));
            counted.push(counter.count(d, &mentions));
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut batched = counter.tally();
        pool.install(|| {
            for chunk in counted.chunks(batch) {
                batched.add_all(chunk.to_vec());
            }
        });
        prop_assert_eq!(counter.finish(one_by_one), expected.clone());
        prop_assert_eq!(counter.finish(batched), expected);
    }
}
