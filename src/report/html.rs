//! The HTML report: one self-contained page (inline CSS and JavaScript, no
//! external URL) with a corpus overview, the co-mention network as SVG, a
//! sortable entity table and the articles with their mentions highlighted.
//!
//! [`Report`] collects documents one at a time (counting all of them,
//! keeping the text of the first `max_articles`), then [`Report::render`]
//! writes the page. The page's Content-Security-Policy forbids every network
//! load and allows only the one script whose SHA-256 it names, so even a
//! mistake in escaping could not run a script from the data. All corpus and
//! gazetteer text is escaped with [`escape::html`](super::escape::html);
//! ids become anchors with [`escape::anchor`](super::escape::anchor). The
//! network is drawn from the [`Network`] the caller passes in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::escape::{anchor, html, push_html};
use super::svg::{self, SvgOptions};
use super::{type_slot, Network, PALETTE};
use crate::corpus::Document;
use crate::gazetteer::Gazetteer;
use crate::tagger::Mention;

/// The page's only script: sorts tables by a clicked header and marks the
/// page as scripted (`<html data-js="ready">`, which tests look for).
const SCRIPT: &str = r#"
"use strict";
document.documentElement.dataset.js = "ready";
function sortBy(th) {
  const table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
  const numeric = th.dataset.sort === "num";
  const descending = th.getAttribute("aria-sort") === (numeric ? "descending" : "ascending") ? !numeric : numeric;
  const key = (row) => row.cells[col].dataset.v ?? row.cells[col].textContent;
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    const c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    return descending ? -c : c;
  });
  for (const other of table.querySelectorAll("th[aria-sort]")) other.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  for (const row of rows) body.appendChild(row);
}
for (const th of document.querySelectorAll("th[data-sort]")) {
  th.tabIndex = 0;
  th.addEventListener("click", () => sortBy(th));
  th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); } });
}
"#;

/// Base64 SHA-256 of [`SCRIPT`], as the CSP wants it (checked by a test).
const SCRIPT_SHA256: &str = "SVfQt5NO3bsL5bLJn9uUkOIottuK9PWHgl8ldRHIxvk=";

/// The page's Content-Security-Policy: nothing may load from anywhere; only
/// inline styles and the one known script run.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_SHA256}'; \
         img-src data:; base-uri 'none'; form-action 'none'"
    )
}

const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #fff; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: .5rem 1.5rem; display: flex; gap: 2rem; align-items: baseline; }
header h1 { font-size: 1.2rem; margin: 0; }
nav a { margin-right: 1rem; }
main { max-width: 1100px; margin: 0 auto; padding: 0 1.5rem 4rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2.5rem; scroll-margin-top: 3.5rem; }
section, article, tr { scroll-margin-top: 3.5rem; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { flex: 1 1 10rem; border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem; min-width: 10rem; background: var(--soft); }
.card b { display: block; font-size: 1.6rem; }
.card span { color: var(--muted); }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
@media (max-width: 800px) { .cols { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--line); }
td:last-child { white-space: nowrap; }
td.n, th.n { text-align: right; }
th[data-sort] { cursor: pointer; user-select: none; white-space: nowrap; }
th[data-sort]::after { content: " ↕"; color: var(--muted); }
th[aria-sort="ascending"]::after { content: " ▲"; color: var(--ink); }
th[aria-sort="descending"]::after { content: " ▼"; color: var(--ink); }
tr:target { background: #fff8c5; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 50%; background: var(--c); margin-right: .4em; vertical-align: -.05em; }
ol.bars { list-style: none; padding: 0; margin: 0; }
ol.bars li { display: grid; grid-template-columns: 13rem 1fr 3rem; gap: .5rem; align-items: center; margin: .15rem 0; }
ol.bars .bar { height: .8rem; border-radius: 3px; background: var(--c); }
ol.bars .v { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.network { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; background: #fcfcfd; }
.network line { stroke: #8c959f; }
.network circle { stroke: #fff; stroke-width: 1.5; }
.network a:hover circle { stroke: var(--ink); stroke-width: 2.5; }
.network text { font-family: inherit; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3.5px; stroke-linejoin: round; pointer-events: none; }
.network .empty { fill: var(--muted); }
.legend span { margin-right: 1.2rem; white-space: nowrap; }
.note { color: var(--muted); }
ol.toc { columns: 3 16rem; padding-left: 1.5rem; }
article.doc { border: 1px solid var(--line); border-radius: 8px; padding: .2rem 1.2rem 1rem; margin: 1.5rem 0; }
article.doc:target { border-color: var(--accent); box-shadow: 0 0 0 3px #0969da33; }
article h3 { margin-bottom: .2rem; }
.meta { color: var(--muted); margin-top: 0; }
.chips a { display: inline-block; border-radius: 1rem; padding: 0 .55rem; margin: 0 .25rem .25rem 0; background: var(--bg); border: 1px solid var(--c); color: var(--ink); font-size: .85rem; }
.text { white-space: pre-wrap; line-height: 1.9; }
a.m { color: var(--ink); background: var(--bg); border-bottom: 2px solid var(--c); border-radius: 3px; padding: 0 .15em; }
a.m:hover { text-decoration: none; background: var(--c); color: #fff; }
#show-types:checked ~ .docs a.m::after { content: attr(data-type); font-size: .62em; font-weight: 600; letter-spacing: .03em; margin-left: .35em; color: var(--muted); vertical-align: .1em; }
#show-types:checked ~ .docs a.m:hover::after { color: #fff; }
code { font-size: .9em; }
"#;

/// How the report is built.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// Page title (default "comention report").
    pub title: String,
    /// Articles shown in full, in input order (default 200); the rest are
    /// counted only.
    pub max_articles: usize,
    /// Entities in the overview's top list (default 15).
    pub top_entities: usize,
    /// Network drawing settings.
    pub svg: SvgOptions,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: "comention report".to_string(),
            max_articles: 200,
            top_entities: 15,
            svg: SvgOptions::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct EntityCounts {
    mentions: u64,
    documents: u64,
    /// Index in `shown` of the first shown article that mentions it.
    first_shown: Option<usize>,
}

/// Collects a corpus's documents and mentions, then renders the report.
///
/// ```
/// use comention::report::{html::{Report, ReportOptions}, Network};
/// let gaz = comention::Gazetteer::from_csv_str("id,type,name,aliases\nkz,COUNTRY,Kazakhstan,\n")?;
/// let tagger = comention::Tagger::new(&gaz);
/// let mut report = Report::new(&gaz, ReportOptions::default());
/// let doc = comention::Document::new("a1", "Talks in <b>Kazakhstan</b>.");
/// let mentions = tagger.tag(&doc.text);
/// report.add(doc, mentions);
/// let page = report.render(&Network::default());
/// assert!(page.contains("&lt;b&gt;<a class=\"m k0\""));
/// assert!(!page.contains("<b>Kazakhstan"));
/// # Ok::<(), comention::Error>(())
/// ```
#[derive(Debug)]
pub struct Report<'g> {
    gazetteer: &'g Gazetteer,
    options: ReportOptions,
    documents: u64,
    mentions: u64,
    dates: Option<(String, String)>,
    undated: u64,
    entities: Vec<EntityCounts>,
    shown: Vec<(Document, Vec<Mention>)>,
}

impl<'g> Report<'g> {
    /// An empty report over `gazetteer` (the one the mentions index into).
    pub fn new(gazetteer: &'g Gazetteer, options: ReportOptions) -> Self {
        Report {
            gazetteer,
            options,
            documents: 0,
            mentions: 0,
            dates: None,
            undated: 0,
            entities: vec![EntityCounts::default(); gazetteer.len()],
            shown: Vec::new(),
        }
    }

    /// Counts one document and its mentions; keeps its text if fewer than
    /// `max_articles` are kept so far.
    pub fn add(&mut self, doc: Document, mentions: Vec<Mention>) {
        self.documents += 1;
        self.mentions += mentions.len() as u64;
        match doc.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(date) => {
                let (lo, hi) = self
                    .dates
                    .get_or_insert_with(|| (date.to_string(), date.to_string()));
                if date < lo.as_str() {
                    *lo = date.to_string();
                }
                if date > hi.as_str() {
                    *hi = date.to_string();
                }
            }
            None => self.undated += 1,
        }
        let keep = self.shown.len() < self.options.max_articles;
        let mut seen = BTreeSet::new();
        for m in &mentions {
            let counts = &mut self.entities[m.entity as usize];
            counts.mentions += 1;
            if seen.insert(m.entity) {
                counts.documents += 1;
                if keep && counts.first_shown.is_none() {
                    counts.first_shown = Some(self.shown.len());
                }
            }
        }
        if keep {
            self.shown.push((doc, mentions));
        }
    }

    /// Documents counted so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Mentions counted so far.
    pub fn mentions(&self) -> u64 {
        self.mentions
    }

    /// Distinct entities mentioned at least once.
    pub fn entities_found(&self) -> usize {
        self.entities.iter().filter(|c| c.mentions > 0).count()
    }

    /// Writes the page.
    pub fn render(&self, network: &Network) -> String {
        let anchors = self.article_anchors();
        let mut out = String::with_capacity(64 * 1024);
        let title = html(&self.options.title);
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>",
            content_security_policy()
        )
        .expect("writing to a String cannot fail");
        out.push_str(CSS);
        for (slot, c) in PALETTE.iter().enumerate() {
            writeln!(out, ".k{slot} {{ --c: {c}; --bg: {c}2e; }}")
                .expect("writing to a String cannot fail");
        }
        write!(
            out,
            "</style>\n</head>\n<body>\n<header><h1>{title}</h1><nav>\
             <a href=\"#overview\">Overview</a><a href=\"#network\">Network</a>\
             <a href=\"#entities\">Entities</a><a href=\"#articles\">Articles</a></nav></header>\n<main>\n"
        )
        .expect("writing to a String cannot fail");
        self.overview(&mut out);
        self.network(&mut out, network);
        self.entity_table(&mut out, &anchors);
        self.articles(&mut out, &anchors);
        write!(
            out,
            "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )
        .expect("writing to a String cannot fail");
        out
    }

    /// Unique anchors for the shown articles: `d-` + the id, with `.2`,
    /// `.3`… added to repeated ids (`.` never appears in an [`anchor`]).
    fn article_anchors(&self) -> Vec<String> {
        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        self.shown
            .iter()
            .map(|(doc, _)| {
                let base = format!("d-{}", anchor(&doc.id));
                let n = used.entry(base.clone()).or_insert(0);
                *n += 1;
                if *n == 1 {
                    base
                } else {
                    format!("{base}.{n}")
                }
            })
            .collect()
    }

    fn ranked_entities(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.entities.len())
            .filter(|&i| self.entities[i].mentions > 0)
            .collect();
        let ents = self.gazetteer.entities();
        order.sort_by(|&a, &b| {
            self.entities[b]
                .mentions
                .cmp(&self.entities[a].mentions)
                .then_with(|| ents[a].id.cmp(&ents[b].id))
        });
        order
    }

    fn overview(&self, out: &mut String) {
        let ents = self.gazetteer.entities();
        let found = self.entities_found();
        let dates = match &self.dates {
            Some((lo, hi)) if lo == hi => html(lo),
            Some((lo, hi)) => format!("{} – {}", html(lo), html(hi)),
            None => "no dates".to_string(),
        };
        let undated = if self.undated > 0 && self.dates.is_some() {
            format!(" ({} undated)", self.undated)
        } else {
            String::new()
        };
        write!(
            out,
            "<section id=\"overview\"><h2>Overview</h2>\n<div class=\"cards\">\
             <div class=\"card\"><b id=\"n-documents\">{}</b><span>documents</span></div>\
             <div class=\"card\"><b id=\"n-mentions\">{}</b><span>mentions</span></div>\
             <div class=\"card\"><b id=\"n-entities\">{found}</b><span>entities found (of {} in the gazetteer)</span></div>\
             <div class=\"card\"><b id=\"date-range\">{dates}</b><span>date range{undated}</span></div></div>\n",
            self.documents,
            self.mentions,
            ents.len()
        )
        .expect("writing to a String cannot fail");
        // Entities by type.
        let mut by_type: BTreeMap<&str, (usize, usize, u64)> = BTreeMap::new();
        for (e, c) in ents.iter().zip(&self.entities) {
            let t = by_type.entry(e.kind.as_str()).or_default();
            t.0 += 1;
            if c.mentions > 0 {
                t.1 += 1;
                t.2 += c.mentions;
            }
        }
        out.push_str(
            "<div class=\"cols\"><div><h3>Entities by type</h3><table><thead><tr><th>Type</th>\
             <th class=\"n\">Found</th><th class=\"n\">In gazetteer</th><th class=\"n\">Mentions</th>\
             </tr></thead><tbody>\n",
        );
        for (kind, (total, found, mentions)) in &by_type {
            writeln!(
                out,
                "<tr><td><span class=\"swatch k{}\"></span>{}</td><td class=\"n\">{found}</td>\
                 <td class=\"n\">{total}</td><td class=\"n\">{mentions}</td></tr>",
                type_slot(kind),
                html(kind)
            )
            .expect("writing to a String cannot fail");
        }
        out.push_str("</tbody></table></div>\n<div><h3>Top entities</h3><ol class=\"bars\">\n");
        let ranked = self.ranked_entities();
        let max = ranked
            .first()
            .map_or(1, |&i| self.entities[i].mentions.max(1));
        for &i in ranked.iter().take(self.options.top_entities) {
            let e = &ents[i];
            let c = self.entities[i].mentions;
            writeln!(
                out,
                "<li class=\"k{}\"><a href=\"#e-{}\" title=\"{} · {}\">{}</a>\
                 <span class=\"bar\" style=\"width:{:.1}%\"></span><span class=\"v\">{c}</span></li>",
                type_slot(&e.kind),
                anchor(&e.id),
                html(&e.kind),
                html(&e.id),
                html(&e.name),
                100.0 * c as f64 / max as f64
            )
            .expect("writing to a String cannot fail");
        }
        if ranked.is_empty() {
            out.push_str("<li>no mentions</li>\n");
        }
        out.push_str("</ol></div></div>\n</section>\n");
    }

    fn network(&self, out: &mut String, network: &Network) {
        out.push_str("<section id=\"network\"><h2>Co-mention network</h2>\n");
        if !network.description.is_empty() {
            writeln!(out, "<p class=\"note\">{}</p>", html(&network.description))
                .expect("writing to a String cannot fail");
        }
        out.push_str(&svg::render(network, &self.options.svg));
        let kinds: BTreeSet<&str> = network.nodes.iter().map(|n| n.kind.as_str()).collect();
        out.push_str("\n<p class=\"legend\">");
        for kind in kinds {
            write!(
                out,
                "<span><span class=\"swatch k{}\"></span>{}</span>",
                type_slot(kind),
                html(kind)
            )
            .expect("writing to a String cannot fail");
        }
        out.push_str(
            "<span class=\"note\">node area: mentions · line width: co-mentions · \
             hover for details, click a node for its row</span></p>\n</section>\n",
        );
    }

    fn entity_table(&self, out: &mut String, anchors: &[String]) {
        let ents = self.gazetteer.entities();
        out.push_str(
            "<section id=\"entities\"><h2>Entities</h2>\n<p class=\"note\">Click a header to sort.</p>\n\
             <table id=\"entity-table\"><thead><tr><th data-sort=\"text\">Entity</th>\
             <th data-sort=\"text\">Type</th><th data-sort=\"text\">ID</th>\
             <th data-sort=\"num\" class=\"n\" aria-sort=\"descending\">Mentions</th>\
             <th data-sort=\"num\" class=\"n\">Documents</th><th>First article</th></tr></thead><tbody>\n",
        );
        for i in self.ranked_entities() {
            let e = &ents[i];
            let c = &self.entities[i];
            let first = match c.first_shown {
                Some(k) => format!(
                    "<a href=\"#{}\">{}</a>",
                    anchors[k],
                    html(&self.shown[k].0.id)
                ),
                None => "<span class=\"note\">not shown</span>".to_string(),
            };
            writeln!(
                out,
                "<tr id=\"e-{}\"><td><span class=\"swatch k{}\"></span>{}</td><td>{}</td>\
                 <td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{first}</td></tr>",
                anchor(&e.id),
                type_slot(&e.kind),
                html(&e.name),
                html(&e.kind),
                html(&e.id),
                c.mentions,
                c.documents
            )
            .expect("writing to a String cannot fail");
        }
        out.push_str("</tbody></table>\n</section>\n");
    }

    fn articles(&self, out: &mut String, anchors: &[String]) {
        let ents = self.gazetteer.entities();
        out.push_str("<section id=\"articles\"><h2>Articles</h2>\n");
        let left_out = self.documents - self.shown.len() as u64;
        if left_out > 0 {
            writeln!(
                out,
                "<p class=\"note\" id=\"left-out\">Showing the first {} of {} articles; \
                 {left_out} left out (raise <code>--max-articles</code> to see more).</p>",
                self.shown.len(),
                self.documents
            )
            .expect("writing to a String cannot fail");
        }
        out.push_str("<ol class=\"toc\">\n");
        for ((doc, mentions), a) in self.shown.iter().zip(anchors) {
            writeln!(
                out,
                "<li><a href=\"#{a}\">{}</a> <span class=\"note\">({})</span></li>",
                html(&doc.id),
                mentions.len()
            )
            .expect("writing to a String cannot fail");
        }
        out.push_str(
            "</ol>\n<input type=\"checkbox\" id=\"show-types\" checked> \
             <label for=\"show-types\">show entity types after mentions</label>\n<div class=\"docs\">\n",
        );
        for ((doc, mentions), a) in self.shown.iter().zip(anchors) {
            let heading = doc.title.as_deref().unwrap_or(&doc.id);
            write!(
                out,
                "<article class=\"doc\" id=\"{a}\"><h3><a href=\"#{a}\">{}</a></h3>\n<p class=\"meta\"><code>{}</code>",
                html(heading),
                html(&doc.id)
            )
            .expect("writing to a String cannot fail");
            if let Some(date) = &doc.date {
                write!(out, " · {}", html(date)).expect("writing to a String cannot fail");
            }
            write!(
                out,
                " · {} mentions · <a href=\"#articles\">all articles</a></p>\n<p class=\"chips\">",
                mentions.len()
            )
            .expect("writing to a String cannot fail");
            let mut per: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
            for m in mentions {
                per.entry(m.entity).or_insert((0, m.start)).0 += 1;
            }
            let mut per: Vec<_> = per.into_iter().collect();
            per.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
            for (i, (count, _)) in per {
                let e = &ents[i as usize];
                write!(
                    out,
                    "<a class=\"k{}\" href=\"#e-{}\">{} ×{count}</a>",
                    type_slot(&e.kind),
                    anchor(&e.id),
                    html(&e.name)
                )
                .expect("writing to a String cannot fail");
            }
            out.push_str("</p>\n<div class=\"text\">");
            let mut pos = 0;
            for m in mentions {
                if m.start < pos || m.end > doc.text.len() {
                    continue; // Mentions never overlap; stay safe if a caller's do.
                }
                push_html(out, &doc.text[pos..m.start]);
                let e = &ents[m.entity as usize];
                write!(
                    out,
                    "<a class=\"m k{}\" href=\"#e-{}\" data-type=\"{}\" title=\"{} · {} · {}\">",
                    type_slot(&e.kind),
                    anchor(&e.id),
                    html(&e.kind),
                    html(&e.name),
                    html(&e.kind),
                    html(&e.id)
                )
                .expect("writing to a String cannot fail");
                push_html(out, &doc.text[m.start..m.end]);
                out.push_str("</a>");
                pos = m.end;
            }
            push_html(out, &doc.text[pos..]);
            out.push_str("</div></article>\n");
        }
        out.push_str("</div>\n</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tagger;

    /// SHA-256 (FIPS 180-4), here only to check [`SCRIPT_SHA256`].
    fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for block in msg.chunks(64) {
            let mut w = [0u32; 64];
            for i in 0..16 {
                w[i] = u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap());
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let mut v = h;
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7]
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [
                    t1.wrapping_add(t2),
                    v[0],
                    v[1],
                    v[2],
                    v[3].wrapping_add(t1),
                    v[4],
                    v[5],
                    v[6],
                ];
            }
            for (x, y) in h.iter_mut().zip(v) {
                *x = x.wrapping_add(y);
            }
        }
        let mut out = [0u8; 32];
        for (i, x) in h.iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
        }
        out
    }

    fn base64(data: &[u8]) -> String {
        const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn csp_names_the_script() {
        assert_eq!(SCRIPT_SHA256, base64(&sha256(SCRIPT.as_bytes())));
    }

    fn nasty_report(max_articles: usize) -> String {
        let gaz = Gazetteer::from_csv_str(
            "id,type,name,aliases\n\"x\"\"><script>alert(1)</script>\",<ORG>,<img src=x onerror=alert(2)>,EvilCorp\nkz,COUNTRY,Kazakhstan,\n",
        )
        .unwrap();
        let tagger = Tagger::new(&gaz);
        let mut report = Report::new(
            &gaz,
            ReportOptions {
                max_articles,
                ..ReportOptions::default()
            },
        );
        let mut doc = Document::new(
            "<script>alert(3)</script>",
            "EvilCorp <script>alert(4)</script> <a href=\"javascript:alert(5)\">Kazakhstan</a>",
        );
        doc.title = Some("<img src=x onerror=alert(6)>".into());
        doc.date = Some("2024-01-02\"><script>".into());
        let mentions = tagger.tag(&doc.text);
        assert_eq!(mentions.len(), 2);
        report.add(doc.clone(), mentions.clone());
        doc.id = "<script>alert(3)</script>".into();
        report.add(doc, mentions);
        report.render(&Network::default())
    }

    #[test]
    fn data_cannot_add_markup() {
        let page = nasty_report(10);
        // Our only script tag is ours; no data-made tag or attribute survives.
        assert_eq!(page.matches("<script").count(), 1, "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("href=\"javascript"), "{page}");
        assert!(!page.contains("<ORG>"));
        // Repeated ids get distinct anchors.
        assert!(page.contains("id=\"d-_3cscript_3ealert_283_29_3c_2fscript_3e\""));
        assert!(page.contains("id=\"d-_3cscript_3ealert_283_29_3c_2fscript_3e.2\""));
        assert!(page.contains("<b id=\"n-entities\">2</b>"));
    }

    #[test]
    fn cap_leaves_a_note() {
        let page = nasty_report(1);
        assert!(page.contains("Showing the first 1 of 2 articles; 1 left out"));
        assert_eq!(page.matches("<article").count(), 1);
        assert!(page.contains("<b id=\"n-documents\">2</b>"));
    }

    #[test]
    fn no_external_urls() {
        let page = nasty_report(10);
        for needle in ["src=\"", "http:", "https:", "url(", "href=\"/", "@import"] {
            assert!(!page.contains(needle), "{needle} in page");
        }
    }
}
