//! Coverage of the embedded gazetteers (issue 3): every UN member state by
//! its common English name, and every entity of an energy-news article
//! written for the tests.

use std::collections::BTreeSet;

use comention::{Gazetteer, Tagger};

/// The 193 UN member states by their common English names, with ISO 3166-1 alpha-3.
const UN_MEMBERS: [(&str, &str); 193] = [
    ("Afghanistan", "AFG"),
    ("Albania", "ALB"),
    ("Algeria", "DZA"),
    ("Andorra", "AND"),
    ("Angola", "AGO"),
    ("Antigua and Barbuda", "ATG"),
    ("Argentina", "ARG"),
    ("Armenia", "ARM"),
    ("Australia", "AUS"),
    ("Austria", "AUT"),
    ("Azerbaijan", "AZE"),
    ("Bahamas", "BHS"),
    ("Bahrain", "BHR"),
    ("Bangladesh", "BGD"),
    ("Barbados", "BRB"),
    ("Belarus", "BLR"),
    ("Belgium", "BEL"),
    ("Belize", "BLZ"),
    ("Benin", "BEN"),
    ("Bhutan", "BTN"),
    ("Bolivia", "BOL"),
    ("Bosnia and Herzegovina", "BIH"),
    ("Botswana", "BWA"),
    ("Brazil", "BRA"),
    ("Brunei", "BRN"),
    ("Bulgaria", "BGR"),
    ("Burkina Faso", "BFA"),
    ("Burundi", "BDI"),
    ("Cambodia", "KHM"),
    ("Cameroon", "CMR"),
    ("Canada", "CAN"),
    ("Cape Verde", "CPV"),
    ("Central African Republic", "CAF"),
    ("Chad", "TCD"),
    ("Chile", "CHL"),
    ("China", "CHN"),
    ("Colombia", "COL"),
    ("Comoros", "COM"),
    ("Costa Rica", "CRI"),
    ("Croatia", "HRV"),
    ("Cuba", "CUB"),
    ("Cyprus", "CYP"),
    ("Czech Republic", "CZE"),
    ("Democratic Republic of the Congo", "COD"),
    ("Denmark", "DNK"),
    ("Djibouti", "DJI"),
    ("Dominica", "DMA"),
    ("Dominican Republic", "DOM"),
    ("Ecuador", "ECU"),
    ("Egypt", "EGY"),
    ("El Salvador", "SLV"),
    ("Equatorial Guinea", "GNQ"),
    ("Eritrea", "ERI"),
    ("Estonia", "EST"),
    ("Eswatini", "SWZ"),
    ("Ethiopia", "ETH"),
    ("Fiji", "FJI"),
    ("Finland", "FIN"),
    ("France", "FRA"),
    ("Gabon", "GAB"),
    ("Gambia", "GMB"),
    ("Georgia", "GEO"),
    ("Germany", "DEU"),
    ("Ghana", "GHA"),
    ("Greece", "GRC"),
    ("Grenada", "GRD"),
    ("Guatemala", "GTM"),
    ("Guinea", "GIN"),
    ("Guinea-Bissau", "GNB"),
    ("Guyana", "GUY"),
    ("Haiti", "HTI"),
    ("Honduras", "HND"),
    ("Hungary", "HUN"),
    ("Iceland", "ISL"),
    ("India", "IND"),
    ("Indonesia", "IDN"),
    ("Iran", "IRN"),
    ("Iraq", "IRQ"),
    ("Ireland", "IRL"),
    ("Israel", "ISR"),
    ("Italy", "ITA"),
    ("Ivory Coast", "CIV"),
    ("Jamaica", "JAM"),
    ("Japan", "JPN"),
    ("Jordan", "JOR"),
    ("Kazakhstan", "KAZ"),
    ("Kenya", "KEN"),
    ("Kiribati", "KIR"),
    ("Kuwait", "KWT"),
    ("Kyrgyzstan", "KGZ"),
    ("Laos", "LAO"),
    ("Latvia", "LVA"),
    ("Lebanon", "LBN"),
    ("Lesotho", "LSO"),
    ("Liberia", "LBR"),
    ("Libya", "LBY"),
    ("Liechtenstein", "LIE"),
    ("Lithuania", "LTU"),
    ("Luxembourg", "LUX"),
    ("Madagascar", "MDG"),
    ("Malawi", "MWI"),
    ("Malaysia", "MYS"),
    ("Maldives", "MDV"),
    ("Mali", "MLI"),
    ("Malta", "MLT"),
    ("Marshall Islands", "MHL"),
    ("Mauritania", "MRT"),
    ("Mauritius", "MUS"),
    ("Mexico", "MEX"),
    ("Micronesia", "FSM"),
    ("Moldova", "MDA"),
    ("Monaco", "MCO"),
    ("Mongolia", "MNG"),
    ("Montenegro", "MNE"),
    ("Morocco", "MAR"),
    ("Mozambique", "MOZ"),
    ("Myanmar", "MMR"),
    ("Namibia", "NAM"),
    ("Nauru", "NRU"),
    ("Nepal", "NPL"),
    ("Netherlands", "NLD"),
    ("New Zealand", "NZL"),
    ("Nicaragua", "NIC"),
    ("Niger", "NER"),
    ("Nigeria", "NGA"),
    ("North Korea", "PRK"),
    ("North Macedonia", "MKD"),
    ("Norway", "NOR"),
    ("Oman", "OMN"),
    ("Pakistan", "PAK"),
    ("Palau", "PLW"),
    ("Panama", "PAN"),
    ("Papua New Guinea", "PNG"),
    ("Paraguay", "PRY"),
    ("Peru", "PER"),
    ("Philippines", "PHL"),
    ("Poland", "POL"),
    ("Portugal", "PRT"),
    ("Qatar", "QAT"),
    ("Republic of the Congo", "COG"),
    ("Romania", "ROU"),
    ("Russia", "RUS"),
    ("Rwanda", "RWA"),
    ("Saint Kitts and Nevis", "KNA"),
    ("Saint Lucia", "LCA"),
    ("Saint Vincent and the Grenadines", "VCT"),
    ("Samoa", "WSM"),
    ("San Marino", "SMR"),
    ("Saudi Arabia", "SAU"),
    ("Senegal", "SEN"),
    ("Serbia", "SRB"),
    ("Seychelles", "SYC"),
    ("Sierra Leone", "SLE"),
    ("Singapore", "SGP"),
    ("Slovakia", "SVK"),
    ("Slovenia", "SVN"),
    ("Solomon Islands", "SLB"),
    ("Somalia", "SOM"),
    ("South Africa", "ZAF"),
    ("South Korea", "KOR"),
    ("South Sudan", "SSD"),
    ("Spain", "ESP"),
    ("Sri Lanka", "LKA"),
    ("Sudan", "SDN"),
    ("Suriname", "SUR"),
    ("Sweden", "SWE"),
    ("Switzerland", "CHE"),
    ("Syria", "SYR"),
    ("São Tomé and Príncipe", "STP"),
    ("Tajikistan", "TJK"),
    ("Tanzania", "TZA"),
    ("Thailand", "THA"),
    ("East Timor", "TLS"),
    ("Togo", "TGO"),
    ("Tonga", "TON"),
    ("Trinidad and Tobago", "TTO"),
    ("Tunisia", "TUN"),
    ("Turkmenistan", "TKM"),
    ("Tuvalu", "TUV"),
    ("Turkey", "TUR"),
    ("Uganda", "UGA"),
    ("Ukraine", "UKR"),
    ("United Arab Emirates", "ARE"),
    ("United Kingdom", "GBR"),
    ("United States", "USA"),
    ("Uruguay", "URY"),
    ("Uzbekistan", "UZB"),
    ("Vanuatu", "VUT"),
    ("Venezuela", "VEN"),
    ("Vietnam", "VNM"),
    ("Yemen", "YEM"),
    ("Zambia", "ZMB"),
    ("Zimbabwe", "ZWE"),
];

#[test]
fn every_un_member_state_is_found_with_its_iso3() {
    let gaz = Gazetteer::embedded();
    let tagger = Tagger::new(&gaz);
    let mut missing = Vec::new();
    for (name, iso3) in UN_MEMBERS {
        let text = format!("Officials from {name} met in Geneva.");
        let found = tagger.tag(&text).iter().any(|m| {
            let e = &gaz.entities()[m.entity as usize];
            e.kind == "COUNTRY"
                && e.attributes.get("iso3").map(String::as_str) == Some(iso3)
                && &text[m.start..m.end] == name
        });
        if !found {
            missing.push(format!("{name} ({iso3})"));
        }
    }
    assert!(
        missing.is_empty(),
        "not found as COUNTRY with the right iso3: {missing:?}"
    );
}

#[test]
fn the_embedded_gazetteers_load_without_warnings() {
    let gaz = Gazetteer::embedded();
    assert!(gaz.len() > 3000, "only {} entities", gaz.len());
    assert!(gaz.warnings().is_empty(), "{:?}", gaz.warnings());
    for id in [
        "Q159",
        "Q15180",
        "Q713750",
        "city:astana",
        "region:central-asia",
    ] {
        assert!(gaz.get(id).is_some(), "{id} missing");
    }
    let russia = gaz.get("Q159").unwrap();
    assert_eq!(russia.attributes["capital"], "city:moscow");
    assert!(russia
        .aliases
        .iter()
        .any(|a| a.text == "Russian" && a.is_adjective));
    let putin = gaz.get("Q7747").unwrap();
    assert_eq!(putin.attributes["country"], "Q159");
}

/// Written for the tests in the style of Eurasian energy news; the expected
/// ids below are every entity it names.
const ARTICLE: &str = include_str!("fixtures/energy_article.txt");

#[test]
fn energy_article_entities_are_found_with_the_right_ids() {
    let gaz = Gazetteer::embedded();
    let tagger = Tagger::new(&gaz);
    let found: BTreeSet<&str> = tagger
        .tag(ARTICLE)
        .iter()
        .map(|m| gaz.entities()[m.entity as usize].id.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        // countries (names and adjectives: Kazakh, Chinese, Russian, Turkmen, Azerbaijani)
        "Q148", // China
        "Q159", // Russia
        "Q212", // Ukraine
        "Q227", // Azerbaijan
        "Q230", // Georgia
        "Q232", // Kazakhstan
        "Q265", // Uzbekistan
        "Q43",  // Turkey / Türkiye
        "Q711", // Mongolia
        "Q874", // Turkmenistan
        // capitals and cities, as CITY
        "city:astana",
        "city:baku",
        "city:beijing",
        "city:moscow",
        // regions
        "region:caspian",
        "region:central-asia",
        "region:europe",
        "region:siberia",
        // people
        "Q7747",     // Vladimir Putin, "Russian President Vladimir Putin", "Putin"
        "Q15031",    // Xi Jinping, later "Xi"
        "Q200881",   // Kassym-Jomart Tokayev, "Tokayev"
        "Q16437571", // Bolat Akchulakov, energy minister of Kazakhstan
        // organisations
        "Q458",                                     // European Union
        "Q485207",                                  // Shanghai Cooperation Organisation
        "org:china-national-petroleum-corporation", // CNPC
        "org:gazprom",
        "org:jamestown-foundation",
        "org:kazmunaygas",
        "org:rfe-rl", // Radio Free Europe/Radio Liberty
        "org:socar",
        // initiatives
        "initiative:belt-and-road", // Belt and Road Initiative, BRI
        "initiative:central-asia-china-gas-pipeline",
        "initiative:gas-union",
        "initiative:middle-corridor",
        "initiative:power-of-siberia",
        "initiative:power-of-siberia-2",
        "initiative:trans-caspian-gas-pipeline",
    ]
    .into_iter()
    .collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "missing: {missing:?}\nunexpected: {unexpected:?}"
    );
}

#[test]
fn short_forms_in_the_article_point_to_the_full_entities() {
    let gaz = Gazetteer::embedded();
    let tagger = Tagger::new(&gaz);
    let mentions = tagger.tag(ARTICLE);
    // The mention that starts where `context` starts: (its text, its entity id).
    let at = |context: &str| {
        let start = ARTICLE.find(context).unwrap();
        mentions.iter().find(|m| m.start == start).map(|m| {
            (
                &ARTICLE[m.start..m.end],
                gaz.entities()[m.entity as usize].id.as_str(),
            )
        })
    };
    assert_eq!(at("Xi told"), Some(("Xi", "Q15031")));
    assert_eq!(at("BRI had"), Some(("BRI", "initiative:belt-and-road")));
    assert_eq!(at("ASTANA"), Some(("ASTANA", "city:astana")));
    assert_eq!(at("Kazakh President"), Some(("Kazakh", "Q232")));
    assert_eq!(
        at("Russian President"),
        Some(("Russian", "Q159")),
        "the adjective, then the person"
    );
    assert_eq!(
        at("Power of Siberia 2"),
        Some(("Power of Siberia 2", "initiative:power-of-siberia-2"))
    );
    assert_eq!(
        at("Radio Free Europe"),
        Some(("Radio Free Europe/Radio Liberty", "org:rfe-rl"))
    );
    assert_eq!(at("Bolat"), Some(("Bolat Akchulakov", "Q16437571")));
}
