//! The messy fixture article (tests/fixtures/messy_article.txt, described
//! in its README) tagged with a small gazetteer: every expected mention with
//! its exact byte and char offsets, and nothing else.

use comention::{Gazetteer, Tagger};

const ARTICLE: &str = include_str!("fixtures/messy_article.txt");
const GAZETTEER: &str = include_str!("fixtures/messy_article.gazetteer.csv");

#[test]
fn messy_article_gives_exactly_the_expected_mentions() {
    let gaz = Gazetteer::from_csv_str(GAZETTEER).unwrap();
    let tagger = Tagger::new(&gaz);
    let found: Vec<(String, &str, usize, usize, usize, usize)> = tagger
        .tag(ARTICLE)
        .iter()
        .map(|m| {
            (
                m.text(ARTICLE).to_string(),
                tagger.entity(m).id.as_str(),
                m.start,
                m.end,
                m.char_start,
                m.char_end,
            )
        })
        .collect();
    let expected: Vec<(String, &str, usize, usize, usize, usize)> = EXPECTED
        .iter()
        .map(|&(t, e, s, en, cs, ce)| (t.to_string(), e, s, en, cs, ce))
        .collect();
    assert_eq!(found, expected);
}

#[rustfmt::skip]
const EXPECTED: &[(&str, &str, usize, usize, usize, usize)] = &[
    ("Astana", "astana", 21, 27, 21, 27),
    ("Kazakhstan", "kz", 150, 160, 150, 160),
    ("Russia", "ru", 183, 189, 183, 189),
    ("China", "cn", 191, 196, 191, 196),
    ("Türkiye", "tr", 201, 209, 201, 208),
    ("Russian", "ru", 273, 280, 272, 279),
    ("Vladimir Putin", "putin", 291, 305, 290, 304),
    ("Chinese", "cn", 347, 354, 346, 353),
    ("Xi\nJinping", "xi", 365, 375, 364, 374),
    ("Russia", "ru", 433, 439, 432, 438),
    ("Kazakh", "kz", 450, 456, 449, 455),
    ("China", "cn", 489, 494, 488, 493),
    ("Beijing", "beijing", 516, 523, 515, 522),
    ("Moscow", "moscow", 544, 550, 543, 549),
    ("Russia", "ru", 587, 593, 586, 592),
    ("Russia", "ru", 618, 624, 617, 623),
    ("Vladimir\u{a0}Putin", "putin", 683, 698, 680, 694),
    ("Russia", "ru", 729, 735, 725, 731),
    ("Ukraine", "ua", 738, 745, 732, 739),
    ("BRI", "bri", 783, 786, 777, 780),
    ("BRICS", "brics", 819, 824, 813, 818),
    ("Iranian", "ir", 864, 871, 858, 865),
    ("Iran", "ir", 886, 890, 880, 884),
    ("Kazakhstan", "kz", 995, 1005, 985, 995),
    ("Azerbaijan", "az", 1010, 1020, 1000, 1010),
    ("Baku", "baku", 1065, 1069, 1053, 1057),
    ("KAZAKHSTAN", "kz", 1242, 1252, 1230, 1240),
    ("TÜRKİYE", "tr", 1254, 1263, 1242, 1249),
];
