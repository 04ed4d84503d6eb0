//! The matching-rule table of the module doc, one row per case.

use super::*;

/// Tags `text` with a gazetteer whose entity `e{i}` has the alias `aliases[i]`
/// and returns the byte ranges found.
fn hits(aliases: &[&str], text: &str, builder: TaggerBuilder) -> Vec<(usize, usize)> {
    let mut csv = String::from("id,type,name,aliases\n");
    for (i, alias) in aliases.iter().enumerate() {
        csv.push_str(&format!("e{i},X,\"{}\",\n", alias.replace('"', "\"\"")));
    }
    let gaz = Gazetteer::from_csv_str(&csv).unwrap();
    let tagger = builder.build(&gaz);
    let mentions = tagger.tag(text);
    for m in &mentions {
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        assert_eq!(m.char_start, text[..m.start].chars().count());
        assert_eq!(m.char_end, text[..m.end].chars().count());
    }
    mentions.iter().map(|m| (m.start, m.end)).collect()
}

macro_rules! case {
    ($name:ident, $aliases:expr, $text:expr, $expected:expr) => {
        case!($name, $aliases, $text, $expected, TaggerBuilder::new());
    };
    ($name:ident, $aliases:expr, $text:expr, $expected:expr, $builder:expr) => {
        #[test]
        fn $name() {
            let expected: &[(usize, usize)] = &$expected;
            assert_eq!(hits(&$aliases, $text, $builder), expected);
        }
    };
}

case!(own_spelling, ["Kazakhstan"], "in Kazakhstan.", [(3, 13)]);
case!(
    all_caps_form,
    ["Belt and Road"],
    "BELT AND ROAD talks",
    [(0, 13)]
);
case!(
    lower_case_text_never_matches,
    ["Kazakhstan"],
    "kazakhstan",
    []
);
case!(
    turkey_the_bird,
    ["Turkey"],
    "roast turkey and Turkey",
    [(17, 23)]
);
case!(chad_and_china, ["Chad", "China"], "chad fine china", []);
case!(turkish_dotted_capital_i, ["Türkiye"], "TÜRKİYE", [(0, 9)]);
case!(
    short_caps_alias_matches_exactly,
    ["BRI"],
    "BRI, bri, Bri, BRICS, bright",
    [(0, 3)]
);
case!(
    short_caps_alias_skips_lowercase,
    ["BRI"],
    "a bri bridge",
    []
);
case!(
    two_letter_alias_gets_no_caps_form,
    ["Xi"],
    "XI and Xi",
    [(7, 9)]
);
case!(
    lower_case_alias_capitalised,
    ["the Kremlin"],
    "The Kremlin said",
    [(0, 11)]
);
case!(
    word_boundary_before,
    ["Iran"],
    "pro-Iran anti_Iran",
    [(4, 8)]
);
case!(
    no_hit_inside_a_longer_word,
    ["Iran"],
    "Iranian officials",
    []
);
case!(
    longer_alias_wins,
    ["Iran", "Iranian"],
    "Iranian and Iran",
    [(0, 7), (12, 16)]
);
case!(possessive_straight, ["Russia"], "Russia's gas", [(0, 6)]);
case!(
    possessive_curly,
    ["Russia"],
    "Russia\u{2019}s gas",
    [(0, 6)]
);
case!(
    possessive_lost_apostrophe,
    ["Russia", "China", "Beijing", "Moscow"],
    "Russias, Chinas, Beijings and Moscows",
    [(0, 6), (9, 14), (17, 24), (30, 36)]
);
case!(
    possessive_all_caps,
    ["Russia"],
    "RUSSIA'S WAR, RUSSIAS",
    [(0, 6), (14, 20)]
);
case!(
    plural_possessive_quote,
    ["Philippines"],
    "the Philippines' coast",
    [(4, 15)]
);
case!(
    caps_alias_takes_no_lost_apostrophe,
    ["US"],
    "USS Enterprise and US",
    [(19, 21)]
);
case!(
    glued_into_a_url_word,
    ["Kazakhstan"],
    "kazakhstansexpanding Kazakhstansexpanding",
    []
);
case!(
    inside_a_url,
    ["Kazakhstan"],
    "https://news.example/Kazakhstan-deal and Kazakhstan",
    [(41, 51)]
);
case!(
    line_break_inside_a_name,
    ["Xi Jinping"],
    "Xi\nJinping",
    [(0, 10)]
);
case!(
    any_whitespace_run,
    ["Xi Jinping"],
    "Xi \t\u{A0} Jinping",
    [(0, 14)]
);
case!(
    no_break_space,
    ["Vladimir Putin"],
    "Vladimir\u{A0}Putin",
    [(0, 15)]
);
case!(
    curly_quote_in_alias,
    ["Côte d'Ivoire"],
    "Côte d\u{2019}Ivoire",
    [(0, 16)]
);
case!(
    dash_variants,
    ["Russia-Ukraine"],
    "Russia\u{2013}Ukraine",
    [(0, 16)]
);
case!(
    soft_hyphen_ignored,
    ["Kazakhstan"],
    "Kazakh\u{AD}stan",
    [(0, 12)]
);
case!(diacritics_off_by_default, ["Türkiye"], "Turkiye", []);
case!(
    diacritics_folded,
    ["Türkiye"],
    "Turkiye Türkiye TÜRKİYE",
    [(0, 7), (8, 16), (17, 26)],
    TaggerBuilder::new().fold_diacritics(true)
);
case!(
    leftmost_longest,
    ["Russian", "Vladimir Putin", "Putin"],
    "Russian President Vladimir Putin",
    [(0, 7), (18, 32)]
);
case!(
    rejected_longer_hit_keeps_shorter,
    ["Nord Stream", "Nord Stream 2"],
    "Nord Stream 23",
    [(0, 11)]
);
case!(
    rejected_hit_keeps_later_start,
    ["AB", "BC"],
    "ABC BC",
    [(4, 6)]
);
case!(
    bracket_noise_does_not_shift,
    ["Russia"],
    "[[]][]]]]]Russia",
    [(10, 16)]
);
case!(
    control_characters_do_not_shift,
    ["Russia"],
    "\u{1}\u{7}Russia\u{0}",
    [(2, 8)]
);
case!(
    alias_ending_in_punctuation,
    ["U.S."],
    "the U.S.-led talks",
    [(4, 8)]
);
case!(alias_with_slash, ["RFE/RL"], "told RFE/RL.", [(5, 11)]);
case!(
    sensitive_has_no_caps_form,
    ["Kazakhstan"],
    "KAZAKHSTAN Kazakhstan",
    [(11, 21)],
    TaggerBuilder::new().case(Case::Sensitive)
);
case!(
    insensitive_matches_any_case,
    ["Kazakhstan"],
    "kazakhstan KAZAKHSTAN",
    [(0, 10), (11, 21)],
    TaggerBuilder::new().case(Case::Insensitive)
);
case!(
    insensitive_unicode,
    ["Türkiye"],
    "türkiye TÜRKİYE",
    [(0, 8), (9, 18)],
    TaggerBuilder::new().case(Case::Insensitive)
);
case!(
    non_ascii_boundaries,
    ["Astana"],
    "Astanaé éAstana Astana",
    [(18, 24)]
);
case!(
    cyrillic_alias,
    ["Казахстан"],
    "в Казахстане и Казахстан",
    [(27, 45)]
);

#[test]
fn adjectives_can_be_switched_off() {
    let gaz =
        Gazetteer::from_csv_str("id,type,name,aliases,adjectives\nru,COUNTRY,Russia,,Russian\n")
            .unwrap();
    let text = "Russian gas and Russia";
    assert_eq!(Tagger::new(&gaz).tag(text).len(), 2);
    let tagger = TaggerBuilder::new().adjectives(false).build(&gaz);
    assert_eq!(tagger.tag(text).len(), 1);
}

#[test]
fn conflict_rule_prefers_name_then_load_order() {
    let gaz = Gazetteer::from_csv_str(
        "id,type,name,aliases\ngeorgia_us,REGION,Georgia (U.S. state),Georgia\ngeorgia,COUNTRY,Georgia,\nx,ORG,X One,Shared\ny,ORG,Y Two,Shared\n",
    )
    .unwrap();
    let tagger = Tagger::new(&gaz);
    let ids: Vec<_> = tagger
        .tag("Georgia and Shared")
        .iter()
        .map(|m| tagger.entity(m).id.clone())
        .collect();
    assert_eq!(ids, ["georgia", "x"]);
}

#[test]
fn own_spelling_beats_another_entitys_caps_form() {
    let gaz =
        Gazetteer::from_csv_str("id,type,name,aliases\nnice,CITY,Nice,\nnice_org,ORG,NICE,\n")
            .unwrap();
    let tagger = Tagger::new(&gaz);
    let m = tagger.tag("NICE")[0];
    assert_eq!(tagger.entity(&m).id, "nice_org");
}

#[test]
fn the_tries_word_filter_lets_every_kind_of_first_word_through() {
    // Each text's first word differs from the pattern's in a way the
    // trie's first-word filter must allow: a lost apostrophe after a
    // one-word pattern (`s`, or `S` after an ALL-CAPS form), a pattern
    // whose first word ends at a non-ASCII letter or a full stop, and
    // one that starts with a non-word character.
    let cases: &[(&str, &str, (usize, usize))] = &[
        ("Russia", "RUSSIAS gas", (0, 6)),
        ("Russia", "Russias gas", (0, 6)),
        ("Russia", "Russia's gas", (0, 6)),
        ("Türkiye", "Türkiyes gas", (0, 8)),
        ("U.S.", "U.S.A", (0, 4)),
        ("(2 s", "x (2 s", (2, 6)),
    ];
    for &(alias, text, expected) in cases {
        for automaton in [Automaton::Trie, Automaton::AhoCorasick] {
            let found = hits(&[alias], text, TaggerBuilder::new().automaton(automaton));
            assert_eq!(
                found,
                [expected],
                "{alias:?} in {text:?} with {automaton:?}"
            );
        }
    }
}

#[test]
fn empty_gazetteer_finds_nothing() {
    assert!(Tagger::new(&Gazetteer::new()).tag("Russia").is_empty());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text made of pieces that exercise every rule: aliases in several
    /// cases, whitespace runs, quotes, dashes, dropped characters, URLs.
    fn text_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("Kazakhstan".to_string()),
            Just("KAZAKHSTAN".to_string()),
            Just("kazakhstan".to_string()),
            Just("Xi".to_string()),
            Just("Jinping".to_string()),
            Just("Türkiye".to_string()),
            Just("TÜRKİYE".to_string()),
            Just("Nord".to_string()),
            Just("Stream".to_string()),
            Just("2".to_string()),
            Just("'s".to_string()),
            Just("\u{2019}s".to_string()),
            Just("s".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\u{A0}".to_string()),
            Just("\u{AD}".to_string()),
            Just("\u{2013}".to_string()),
            Just("[[]]".to_string()),
            Just("https://".to_string()),
            Just("«".to_string()),
            Just("»".to_string()),
            Just(".kz".to_string()),
            Just("(2;s,K".to_string()),
            "[a-zA-Z .,İıßé\u{0}-\u{1f}]{0,6}",
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    /// ASCII words and punctuation around the aliases of the line-break
    /// test's gazetteers.
    fn ascii_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Xi".to_string()),
            Just("XI".to_string()),
            Just("Jinping".to_string()),
            Just("JINPING".to_string()),
            Just("Bank".to_string()),
            Just("of".to_string()),
            Just("England".to_string()),
            Just("Nord".to_string()),
            Just("Stream".to_string()),
            Just("2".to_string()),
            Just("the".to_string()),
            Just("The".to_string()),
            Just("Kremlin".to_string()),
            Just("U.S.".to_string()),
            Just("Army".to_string()),
            Just("TaXi".to_string()),
            Just("'s".to_string()),
            Just("(".to_string()),
            Just("www.".to_string()),
            "[a-zA-Z.,'(-]{0,4}",
        ]
    }

    /// What joins the pieces: nothing, a space, or a whitespace run.
    fn separator() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(" ".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("\r\n".to_string()),
            Just("\t".to_string()),
            Just(" \n".to_string()),
            Just("  ".to_string()),
            Just("\u{B}".to_string()),
            Just("\n\u{C}".to_string()),
        ]
    }

    fn gazetteer() -> Gazetteer {
        Gazetteer::from_csv_str(
            "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,Kazakh\nxi,PERSON,Xi Jinping,Xi\ntr,COUNTRY,Türkiye,\nns,INITIATIVE,Nord Stream,Nord Stream 2|Stream-2\n",
        )
        .unwrap()
    }

    fn check(tagger: &Tagger, text: &str) -> Result<(), TestCaseError> {
        let mentions = tagger.tag(text);
        let mut previous_end = 0;
        for m in &mentions {
            prop_assert!(m.start < m.end);
            prop_assert!(m.start >= previous_end, "overlap or unsorted: {mentions:?}");
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            prop_assert_eq!(m.char_start, text[..m.start].chars().count());
            prop_assert_eq!(m.char_end, text[..m.end].chars().count());
            // The original slice, normalised, is one of the entity's forms.
            let entity = tagger.entity(m);
            let slice = tagger.normalizer.alias(m.text(text));
            let is_form = entity.aliases.iter().any(|a| {
                let key = tagger.normalizer.alias(&a.text);
                forms(&key, tagger.options.case)
                    .iter()
                    .any(|(f, _, _)| *f == slice)
            });
            prop_assert!(is_form, "{:?} is not a form of {}", m.text(text), entity.id);
            previous_end = m.end;
        }
        Ok(())
    }

    /// Every automaton finds the same mentions in `text`, in every mode.
    fn same_for_every_automaton(gaz: &Gazetteer, text: &str) -> Result<(), TestCaseError> {
        for builder in [
            TaggerBuilder::new(),
            TaggerBuilder::new().fold_diacritics(true),
            TaggerBuilder::new().case(Case::Insensitive),
            TaggerBuilder::new().case(Case::Sensitive),
        ] {
            let ac = builder
                .clone()
                .automaton(Automaton::AhoCorasick)
                .build(gaz)
                .tag(text);
            let trie = builder
                .clone()
                .automaton(Automaton::Trie)
                .build(gaz)
                .tag(text);
            let daac = builder.automaton(Automaton::Daachorse).build(gaz).tag(text);
            prop_assert_eq!(&ac, &trie);
            prop_assert_eq!(&ac, &daac);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn mentions_slice_the_original_and_never_overlap(text in text_strategy()) {
            let gaz = gazetteer();
            for builder in [
                TaggerBuilder::new(),
                TaggerBuilder::new().fold_diacritics(true),
                TaggerBuilder::new().case(Case::Insensitive),
                TaggerBuilder::new().case(Case::Sensitive),
            ] {
                check(&builder.build(&gaz), &text)?;
            }
        }

        #[test]
        fn every_automaton_finds_the_same(text in text_strategy()) {
            // Aliases that start or end with non-word characters too: the trie
            // must try them inside words as Aho-Corasick does.
            // The trie's fast filter has three regimes: word characters
            // only (the first gazetteer), up to four ASCII non-word first
            // bytes, and more than that or a non-ASCII non-word first
            // character (every place is looked at).
            for csv in [
                "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,Kazakh|kazakh s|stan\nxi,PERSON,Xi Jinping,Xi|é\ntr,COUNTRY,Türkiye,İyi|ß\n",
                "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,Kazakh|kazakh s|.kz\nxi,PERSON,Xi Jinping,Xi\ntr,COUNTRY,Türkiye,\nns,INITIATIVE,Nord Stream,Nord Stream 2|Stream-2|-2|[[]]|'s\n",
                "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\"Kazakh|.kz|,K|;s|'s|(2\"\nxi,PERSON,Xi Jinping,Xi\ntr,COUNTRY,Türkiye,\u{2013}2\n",
                "id,type,name,aliases\nkz,COUNTRY,Kazakhstan,Kazakh|«Stream»\nxi,PERSON,Xi Jinping,Xi\n",
            ] {
                let gaz = Gazetteer::from_csv_str(csv).unwrap();
                same_for_every_automaton(&gaz, &text)?;
            }
        }

        #[test]
        fn line_breaks_searched_as_they_are_or_copied_give_the_same(
            pieces in proptest::collection::vec((ascii_piece(), separator()), 0..30),
            glue in "[(a' -]?",
            name in prop_oneof![
                Just("Xi Jinping"), Just("XI JINPING"), Just("Bank of England"),
                Just("BANK OF ENGLAND"), Just("Nord Stream 2"), Just("U.S. Army"),
                Just("'s Bank"), Just("(2 s"), Just("the Kremlin"), Just("The Kremlin"),
            ],
            space in 0usize..3,
            run in separator(),
            at in 0usize..30,
        ) {
            let mut text: String = pieces.iter().flat_map(|(p, s)| [p.as_str(), s.as_str()]).collect();
            // A name whose `space`-th space is a whitespace run (or not), glued
            // to what comes before, somewhere in the text.
            let mut name = name.to_string();
            if let Some((i, _)) = name.match_indices(' ').nth(space) {
                name.replace_range(i..i + 1, &run);
            }
            let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            text.insert_str(at, &format!("{glue}{name}"));
            for csv in [
                "id,type,name,aliases\nxi,PERSON,Xi Jinping,Xi\nboe,ORG,Bank of England,BoE\nns,INITIATIVE,Nord Stream,Nord Stream 2|Stream-2\n",
                "id,type,name,aliases\nkr,ORG,the Kremlin,\nus,ORG,U.S. Army,(2 s|'s Bank\nxi,PERSON,Xi Jinping,TaXi\n",
            ] {
                let gaz = Gazetteer::from_csv_str(csv).unwrap();
                for automaton in [Automaton::AhoCorasick, Automaton::Trie, Automaton::Daachorse] {
                    for builder in [
                        TaggerBuilder::new(),
                        TaggerBuilder::new().fold_diacritics(true),
                        TaggerBuilder::new().case(Case::Sensitive),
                    ] {
                        let tagger = builder.automaton(automaton).build(&gaz);
                        let matcher = tagger.matcher.as_ref().unwrap();
                        let (mut searched, mut copied) = (Vec::new(), Vec::new());
                        tagger.tag_into(matcher, &text, &mut searched, true);
                        tagger.tag_into(matcher, &text, &mut copied, false);
                        prop_assert_eq!(&searched, &copied, "{:?} with {:?}", text, automaton);
                    }
                }
            }
        }

        #[test]
        fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
            check(&Tagger::new(&gazetteer()), &text)?;
        }

        #[test]
        fn prefix_text_shifts_offsets_only(text in text_strategy()) {
            // Tagging "\n\nPREFIX " + text finds the same mentions shifted.
            let tagger = Tagger::new(&gazetteer());
            let prefix = "\n\n.";
            let shifted = format!("{prefix} {text}");
            let a: Vec<_> = tagger.tag(&text).iter().map(|m| (m.start, m.end, m.entity)).collect();
            let b: Vec<_> = tagger
                .tag(&shifted)
                .iter()
                .map(|m| (m.start - prefix.len() - 1, m.end - prefix.len() - 1, m.entity))
                .collect();
            prop_assert_eq!(a, b);
        }
    }
}

proptest::proptest! {
    #[test]
    fn count_chars_counts_chars(text in "\\PC{0,40}", cut in 0usize..40) {
        proptest::prop_assert_eq!(super::count_chars(text.as_bytes()), text.chars().count());
        // From the middle of a char, continuation bytes are not counted.
        let cut = cut.min(text.len());
        let expected = text.as_bytes()[cut..].iter().filter(|&&b| b & 0xC0 != 0x80).count();
        proptest::prop_assert_eq!(super::count_chars(&text.as_bytes()[cut..]), expected);
    }
}

#[test]
fn ascii_text_with_line_breaks_is_searched_as_it_is_unless_a_name_may_cross() {
    let gaz = Gazetteer::from_csv_str(
        "id,type,name,aliases\nxi,PERSON,Xi Jinping,Xi\nkz,COUNTRY,Kazakhstan,\n",
    )
    .unwrap();
    let tagger = Tagger::new(&gaz);
    let matcher = tagger.matcher.as_ref().unwrap();
    let as_it_is = |text: &'static str| {
        let mut mentions = Vec::new();
        let searched = tagger.tag_into(matcher, text, &mut mentions, true);
        let found: Vec<&str> = mentions.iter().map(|m| m.text(text)).collect();
        (searched, found)
    };
    assert_eq!(
        as_it_is("Kazakhstan and Xi Jinping.\n\nXi met KAZAKHSTAN\r\nofficials"),
        (true, vec!["Kazakhstan", "Xi Jinping", "Xi", "KAZAKHSTAN"])
    );
    // `Xi` (and `XI`) is followed by a space in a pattern: copied.
    assert_eq!(
        as_it_is("Kazakhstan. Xi\nJinping"),
        (false, vec!["Kazakhstan", "Xi\nJinping"])
    );
    assert_eq!(as_it_is("XI\n\nJINPING"), (false, vec!["XI\n\nJINPING"]));
    // Not ASCII: copied.
    assert_eq!(
        as_it_is("Kazakhstan’s\nXi"),
        (false, vec!["Kazakhstan", "Xi"])
    );
    // Nothing to normalise.
    assert_eq!(as_it_is("Xi Jinping"), (true, vec!["Xi Jinping"]));
}

#[test]
fn lower_case_aliases_searched_apart_merge_in_order() {
    // `the Abode of Peace` and `al-Qaeda` start lower-case: the daachorse
    // matcher searches them apart (`Split`) and merges the two streams.
    let gaz = Gazetteer::from_csv_str(
        "id,type,name,aliases\nbn,COUNTRY,Brunei,the Abode of Peace|Abode\naq,ORGANIZATION,al-Qaeda,Qaeda\nps,REGION,Peace River,\n",
    )
    .unwrap();
    let text = "the Abode of Peace River; Abode and al-Qaeda, Qaeda; the Abode of Peaces the Abode of Peacex Peace River al-Qaedas";
    let expected: Vec<(&str, &str)> = vec![
        ("the Abode of Peace", "bn"),
        ("Abode", "bn"),
        ("al-Qaeda", "aq"),
        ("Qaeda", "aq"),
        ("the Abode of Peace", "bn"),
        // Glued: the long alias fails, `Abode` inside it still counts.
        ("Abode", "bn"),
        ("Peace River", "ps"),
        ("al-Qaeda", "aq"),
    ];
    for automaton in [
        Automaton::Daachorse,
        Automaton::AhoCorasick,
        Automaton::Trie,
    ] {
        let tagger = TaggerBuilder::new().automaton(automaton).build(&gaz);
        let found: Vec<_> = tagger
            .tag(text)
            .iter()
            .map(|m| (m.text(text), tagger.entity(m).id.as_str()))
            .collect();
        assert_eq!(found, expected, "{automaton:?}");
    }
    let Some(Matcher::Daachorse(split)) = &TaggerBuilder::new().build(&gaz).matcher else {
        panic!("daachorse at this size");
    };
    assert_eq!(split.lower.as_ref().map(|l| l.len()), Some(2));
}

#[test]
fn background_build_tags_the_same_before_and_after_the_switch() {
    // 12,000 entities with names like "Kabo Tesk": with their ALL-CAPS forms
    // past BACKGROUND_MIN_PATTERNS, so the trie tags until daachorse is
    // ready.
    let syllables = [
        "ka", "bo", "tes", "mir", "lu", "an", "dre", "pi", "vo", "sel", "ru", "gan",
    ];
    let word = |mut n: usize| {
        let mut w = String::new();
        for _ in 0..4 {
            w.push_str(syllables[n % syllables.len()]);
            n /= syllables.len();
        }
        let mut c = w.chars();
        let first = c.next().unwrap().to_ascii_uppercase();
        std::iter::once(first).chain(c).collect::<String>()
    };
    let mut csv = String::from("id,type,name,aliases\n");
    for i in 0..12_000 {
        csv.push_str(&format!("e{i},PERSON,{} {},\n", word(i), word(i / 7 + 3)));
    }
    let gaz = Gazetteer::from_csv_str(&csv).unwrap();
    let text = format!(
        "{} met {} in {}. {}'s aide and {}s staff.",
        gaz.entities()[5].name,
        gaz.entities()[11_999].name.to_uppercase(),
        gaz.entities()[700].name,
        gaz.entities()[42].name,
        gaz.entities()[43].name,
    );
    let expected = Tagger::new(&gaz).tag(&text);
    assert_eq!(expected.len(), 5, "{text}");
    let tagger = TaggerBuilder::new().build_in_background(true).build(&gaz);
    assert!(tagger.pattern_count() >= BACKGROUND_MIN_PATTERNS);
    assert!(matches!(tagger.matcher, Some(Matcher::Trie(_))));
    let slot = tagger.later.clone().expect("built in the background");
    // Whichever matcher runs, the same mentions.
    assert_eq!(tagger.tag(&text), expected);
    let waited = std::time::Instant::now();
    while slot.get().is_none() {
        assert!(
            waited.elapsed().as_secs() < 120,
            "the background build never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(matches!(slot.get(), Some(Matcher::Daachorse(_))));
    assert_eq!(tagger.tag(&text), expected);
    // Off, or a forced automaton: no background build.
    assert!(TaggerBuilder::new().build(&gaz).later.is_none());
    let forced = TaggerBuilder::new()
        .automaton(Automaton::Daachorse)
        .build_in_background(true)
        .build(&gaz);
    assert!(forced.later.is_none());
}

proptest::proptest! {
    #[test]
    fn prefix_order_agrees_with_text_order(a in proptest::collection::vec(0u8..4, 0..12), b in proptest::collection::vec(0u8..4, 0..12)) {
        // Small bytes, including 0 (the padding), so that ties and prefixes are common.
        let (pa, pb) = (super::prefix_of(&a), super::prefix_of(&b));
        if pa != pb {
            proptest::prop_assert_eq!(pa.cmp(&pb), a.cmp(&b));
        }
        if a == b {
            proptest::prop_assert_eq!(pa, pb);
        }
    }
}

#[test]
fn aliases_sharing_eight_bytes_sort_into_a_working_trie() {
    // The build sorts forms by their first eight bytes before comparing the
    // rest: these differ only after them, or are prefixes of each other.
    let gaz = Gazetteer::from_csv_str(
        "id,type,name,aliases\nkr,COUNTRY,Republic of Korea,Republic of K\nkz,COUNTRY,Republic of Kazakhstan,\nre,X,Republic,Republics\nrk,X,Republic of Karelia,\n",
    )
    .unwrap();
    let text = "Republic of Kazakhstan, Republic of Korea, Republic of Karelia, Republic of K, Republics, Republic.";
    for automaton in [
        Automaton::Trie,
        Automaton::Daachorse,
        Automaton::AhoCorasick,
    ] {
        let tagger = TaggerBuilder::new().automaton(automaton).build(&gaz);
        let found: Vec<(&str, &str)> = tagger
            .tag(text)
            .iter()
            .map(|m| (m.text(text), tagger.entity(m).id.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("Republic of Kazakhstan", "kz"),
                ("Republic of Korea", "kr"),
                ("Republic of Karelia", "rk"),
                ("Republic of K", "kr"),
                ("Republics", "re"),
                ("Republic", "re"),
            ],
            "{automaton:?}"
        );
    }
}

#[test]
fn non_ascii_caps_form_needs_three_letters() {
    let caps = |key: &str| -> Vec<String> {
        forms(key, Case::Smart)
            .into_iter()
            .filter(|&(_, _, is_caps)| is_caps)
            .map(|(f, _, _)| f)
            .collect()
    };
    assert!(caps("Éa").is_empty());
    assert!(caps("12 Éa-1").is_empty());
    assert_eq!(caps("Éa-ü"), ["ÉA-Ü"]);
    assert_eq!(caps("Ölçekli Şehir"), ["ÖLÇEKLI ŞEHIR"]);
}
