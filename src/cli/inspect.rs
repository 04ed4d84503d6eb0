//! `comention inspect`: look at what the tagger found, article by article.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::ValueEnum;

use comention::corpus::segment;
use comention::report::escape::terminal_line;
use comention::report::terminal::{
    article, article_list, entity_table, heading, keyword_in_context, near_miss_table,
    ArticleSummary, ArticleView,
};
use comention::tagger::Reason;
use comention::{Document, Gazetteer};

use super::input::InputArgs;
use super::GazetteerArgs;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    /// When stdout is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always use ANSI colours.
    Always,
    /// Never: mentions are written `[text|TYPE:id]`.
    Never,
}

impl ColorArg {
    fn enabled(self) -> bool {
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// Show articles with their mentions highlighted, list articles, or find an entity.
///
/// Without --doc or --grep: one line per article with its mention count and
/// top entities. With --doc ID: that article, every mention highlighted
/// (colour by type on a terminal, `[text|TYPE:id]` otherwise), then a table
/// of its entities. With --grep ENTITY: the articles that mention it, with a
/// keyword-in-context line per hit. Offsets shown are character offsets.
/// Control characters and escape sequences in the data are shown as
/// visible symbols (␛, ␍…), never sent to the terminal.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Show this article in full [default: list the articles].
    #[arg(long, value_name = "ID", conflicts_with = "grep")]
    doc: Option<String>,
    /// Wrap each sentence of the article in ⟦ … ⟧ (needs --doc) [default: off].
    #[arg(long, requires = "doc")]
    sentences: bool,
    /// Also show near misses and why the tagger refused them: marked {text?N}
    /// in the text (underlined in colour) and listed with reasons (needs
    /// --doc). Candidates inside a word or a mention are shown only when
    /// spelled exactly as an alias (`BRI` in `BRICS`) [default: off].
    #[arg(long, requires = "doc")]
    explain: bool,
    /// Top entities shown per article in the list.
    #[arg(long, value_name = "N", default_value_t = 5)]
    top: usize,
    /// List the articles that mention ENTITY (an id, a name or an alias),
    /// with a keyword-in-context line per hit [default: off].
    #[arg(long, value_name = "ENTITY")]
    grep: Option<String>,
    /// Colour mentions by entity type.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    color: ColorArg,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// Finds an entity by id, then by name, then by alias (both ignoring case).
fn resolve(gaz: &Gazetteer, query: &str) -> Option<u32> {
    let ents = gaz.entities();
    let lower = query.to_lowercase();
    gaz.index_of(query)
        .or_else(|| ents.iter().position(|e| e.name.to_lowercase() == lower))
        .or_else(|| {
            ents.iter()
                .position(|e| e.aliases.iter().any(|a| a.text.to_lowercase() == lower))
        })
        .map(|i| i as u32)
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Runs `comention inspect`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tagger = args.gazetteer.tagger()?;
    let gaz = tagger.gazetteer();
    let color = args.color.enabled();
    let target = match &args.grep {
        Some(q) => Some(resolve(gaz, q).with_context(|| {
            format!("no entity {q:?} in the gazetteer (give an id, a name or an alias)")
        })?),
        None => None,
    };
    // Tag in parallel, keep what the chosen view needs, in input order.
    let mut docs: Vec<(Document, Vec<comention::Mention>)> = Vec::new();
    let mut summaries: Vec<ArticleSummary> = Vec::new();
    let mut total = 0usize;
    let summary = args.input.process(
        |doc| tagger.tag(&doc.text),
        |doc, mentions| {
            total += 1;
            if let Some(id) = &args.doc {
                if &doc.id == id && docs.is_empty() {
                    docs.push((doc, mentions));
                }
            } else if let Some(entity) = target {
                if mentions.iter().any(|m| m.entity == entity) {
                    docs.push((doc, mentions));
                }
            } else {
                summaries.push(ArticleSummary::of(&doc, &mentions, args.top));
            }
            Ok(())
        },
    )?;
    super::finish_cache(&tagger);
    let mut out = String::new();
    if let Some(id) = &args.doc {
        let Some((doc, mentions)) = docs.first() else {
            bail!("no document with id {id:?} in the input");
        };
        let mentions = mentions.clone();
        let mut misses = if args.explain {
            tagger.explain(&doc.text)
        } else {
            Vec::new()
        };
        // A shorter alias inside a mention of the same entity ("Kazakh" in
        // "Kazakhstan") tells the user nothing: the entity was found there.
        misses.retain(|n| {
            !mentions
                .iter()
                .any(|m| m.entity == n.entity && m.start <= n.start && n.end <= m.end)
        });
        // Inside a word or under a longer mention, a candidate is worth
        // showing only when spelled exactly as an alias (`BRI` in `BRICS`);
        // `un` in `unrest` fails the case rule as well and is noise.
        let before = misses.len();
        misses.retain(|n| {
            !matches!(n.reason, Reason::InsideWord | Reason::Overlapped)
                || gaz.entities()[n.entity as usize]
                    .aliases
                    .iter()
                    .any(|a| a.text == doc.text[n.start..n.end])
        });
        let hidden = before - misses.len();
        let sentences = args.sentences.then(|| segment::sentences(&doc.text));
        let view = ArticleView {
            color,
            sentences: sentences.as_deref(),
            near_misses: &misses,
        };
        out.push_str(&article(doc, gaz, &mentions, &view));
        out.push('\n');
        let mut entities: Vec<u32> = mentions.iter().map(|m| m.entity).collect();
        entities.sort_unstable();
        entities.dedup();
        out.push_str(&heading(
            &format!(
                "{} of {}",
                count(mentions.len(), "mention", "mentions"),
                count(entities.len(), "entity", "entities")
            ),
            color,
        ));
        if !mentions.is_empty() {
            out.push_str(&entity_table(&doc.text, gaz, &mentions, color));
        }
        if args.explain {
            out.push('\n');
            out.push_str(&heading(
                &count(misses.len(), "near miss", "near misses"),
                color,
            ));
            if !misses.is_empty() {
                out.push_str(&near_miss_table(&doc.text, gaz, &misses, color));
            }
            if hidden > 0 {
                out.push_str(&format!(
                    "({} inside words or mentions and in another letter case not shown)\n",
                    count(hidden, "candidate", "candidates")
                ));
            }
        }
    } else if let Some(entity) = target {
        let e = &gaz.entities()[entity as usize];
        let (mut hits, mut articles) = (0, 0);
        for (doc, mentions) in &docs {
            let mentions: Vec<_> = mentions.iter().filter(|m| m.entity == entity).collect();
            hits += mentions.len();
            articles += 1;
            let date = doc
                .date
                .as_deref()
                .map(|d| format!("  {}", terminal_line(d)))
                .unwrap_or_default();
            let bold = |s: &str| {
                if color {
                    format!("\x1b[1m{s}\x1b[0m")
                } else {
                    s.to_string()
                }
            };
            out.push_str(&format!(
                "{}{date}  {}\n",
                bold(&terminal_line(&doc.id)),
                count(mentions.len(), "hit", "hits")
            ));
            for m in &mentions {
                out.push_str(&keyword_in_context(
                    &doc.text, m.start, m.end, &e.kind, 35, color,
                ));
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{} ({}:{}): {} in {articles} of {}\n",
            terminal_line(&e.name),
            terminal_line(&e.kind),
            terminal_line(&e.id),
            count(hits, "mention", "mentions"),
            count(total, "article", "articles")
        ));
    } else {
        out.push_str(&article_list(gaz, &summaries, color));
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes()).context("writing stdout")?;
    stdout.flush().context("writing stdout")?;
    drop(stdout);
    Ok(args.input.exit_code(&summary))
}
