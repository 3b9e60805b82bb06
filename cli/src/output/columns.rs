//! Which columns a table shows (`--format name,status`, a `{{.Name}}` template, either after
//! `table`, or `json`; `--no-headers`), and the one table writer, which pads on the visible
//! width so colour keeps the columns aligned.
//!
//! A column's name is its header in lower case with `-` for spaces (`IN USE` -> `in-use`).
//! Every listing that takes `--format` goes through [`View`]; `-q` never looks at it.

use clap::Args;

use super::color::paint;
use super::Row;
use crate::error::{CliError, CliResult};

/// `--format` and `--no-headers`, flattened into every listing command.
#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    /// Only these columns, in this order: a comma-separated list of column names, e.g.
    /// name,status,ports (a wrong name lists the valid ones), or a template like
    /// '{{.Name}}\t{{.Status}}' (one line per row, no header). With `table ` before either,
    /// the columns (split at tabs) are aligned under a header, as in Docker:
    /// 'table {{.Name}}\t{{.Status}}'. `json` is --json. --json still prints every field, and
    /// -q only the ids.
    #[arg(long = "format", value_name = "COLUMNS|TEMPLATE|table ...|json")]
    pub format: Option<String>,
    /// Leave out the header line.
    #[arg(long)]
    pub no_headers: bool,
}

/// `-a/--all`, flattened into every listing that has no meaning of its own for it: typed from
/// `docker ps -a` habits, accepted, and changing nothing, since rsrc always lists everything the
/// caller may see (stopped instances, removed ones' events, kept volumes, disabled users).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct DockerAll {
    /// Accepted for Docker habits (`docker ps -a`); changes nothing, everything is listed.
    #[arg(long = "all", short = 'a', hide = true)]
    pub all: bool,
}

/// What a listing with no flags of its own takes: `--format`, `--no-headers` and `-a`.
#[derive(Debug, Clone, Default, Args)]
pub struct Listing {
    #[command(flatten)]
    pub view: ListArgs,
    #[command(flatten)]
    pub all: DockerAll,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Column(usize),
}

/// One column of a table: text and fields (a column name alone is one field).
type Cell = Vec<Piece>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Layout {
    /// Aligned columns under a header; fields index the row's columns (the default ones, then
    /// the extra ones).
    Table(Vec<Cell>),
    /// One line per row, as the template says.
    Template(Vec<Piece>),
    /// The API objects (`--format json`).
    Json,
}

/// What a table shows: picked once per command, before any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    layout: Layout,
    headers: bool,
}

/// `IN USE` -> `in-use`.
pub fn column_name(header: &str) -> String {
    header.to_lowercase().replace(' ', "-")
}

/// Every header of `T`: the table's own, then those shown only when asked for.
pub fn all_headers<T: Row>() -> Vec<&'static str> {
    T::header()
        .iter()
        .chain(T::extra_header())
        .copied()
        .collect()
}

/// Every cell of `item`, escaped: a cell shows someone else's text, never their escapes.
fn all_cells<T: Row>(item: &T) -> Vec<String> {
    let mut cells = item.cells();
    cells.extend(item.extra_cells());
    cells.iter().map(|c| super::escape(c)).collect()
}

/// `InUse`, `in_use` and `in-use` all name the column `IN USE`.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn columns_hint(headers: &[&str]) -> String {
    let names: Vec<String> = headers.iter().map(|h| column_name(h)).collect();
    format!("columns: {}", names.join(", "))
}

fn unknown(what: &str, headers: &[&str]) -> CliError {
    CliError::usage(format!("unknown column `{what}` in --format")).with_hint(columns_hint(headers))
}

fn find(name: &str, headers: &[&str]) -> CliResult<usize> {
    let wanted = loose(name);
    headers
        .iter()
        .position(|h| loose(h) == wanted)
        .ok_or_else(|| unknown(name, headers))
}

/// `\t` and `\n` as typed on a command line mean a tab and a line break, as in Docker.
fn unescape(text: &str) -> String {
    text.replace("\\t", "\t").replace("\\n", "\n")
}

fn parse_template(template: &str, headers: &[&str]) -> CliResult<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            pieces.push(Piece::Text(unescape(&rest[..start])));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(CliError::usage("unclosed `{{` in --format"));
        };
        let field = after[..end].trim();
        let Some(name) = field.strip_prefix('.').filter(|n| !n.is_empty()) else {
            return Err(CliError::usage(format!(
                "`{{{{{field}}}}}` in --format is not a column; write {{{{.Name}}}}"
            ))
            .with_hint(columns_hint(headers)));
        };
        pieces.push(Piece::Column(find(name, headers)?));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(unescape(rest)));
    }
    Ok(pieces)
}

/// `name,status`: one field a column.
fn parse_columns(spec: &str, headers: &[&str]) -> CliResult<Vec<Cell>> {
    spec.split(',')
        .map(str::trim)
        .map(|name| {
            if name.is_empty() {
                return Err(CliError::usage("an empty column name in --format")
                    .with_hint(columns_hint(headers)));
            }
            Ok(vec![Piece::Column(find(name, headers)?)])
        })
        .collect()
}

/// A template's pieces as the columns of a table: a tab starts the next one.
fn split_at_tabs(pieces: Vec<Piece>) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut cell = Vec::new();
    for piece in pieces {
        let Piece::Text(text) = piece else {
            cell.push(piece);
            continue;
        };
        for (i, part) in text.split('\t').enumerate() {
            if i > 0 {
                cells.push(std::mem::take(&mut cell));
            }
            if !part.is_empty() {
                cell.push(Piece::Text(part.to_string()));
            }
        }
    }
    cells.push(cell);
    cells
}

/// The text of `pieces`, each field given by `field`.
fn fill(pieces: &[Piece], mut field: impl FnMut(usize) -> String) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Column(i) => out.push_str(&field(*i)),
        }
    }
    out
}

/// What follows a leading `table` (Docker's word for "a header, then aligned rows"), if the
/// format starts with it.
fn after_table(spec: &str) -> Option<&str> {
    let rest = spec.strip_prefix("table")?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

impl View {
    /// The table's own columns, with the header.
    pub fn default_for<T: Row>() -> View {
        View {
            layout: Layout::Table(default_cells::<T>()),
            headers: true,
        }
    }

    /// Checks `--format` against `T`'s columns: a wrong name is a usage error (exit 2).
    pub fn parse<T: Row>(args: &ListArgs) -> CliResult<View> {
        let headers = all_headers::<T>();
        let layout = match args.format.as_deref().map(str::trim) {
            None => Layout::Table(default_cells::<T>()),
            Some(spec) if spec.eq_ignore_ascii_case("json") => Layout::Json,
            Some(spec) => match after_table(spec) {
                Some("") => Layout::Table(default_cells::<T>()),
                Some(rest) if rest.contains("{{") => {
                    Layout::Table(split_at_tabs(parse_template(rest, &headers)?))
                }
                Some(rest) => Layout::Table(parse_columns(rest, &headers)?),
                None if spec.contains("{{") => Layout::Template(parse_template(spec, &headers)?),
                None => Layout::Table(parse_columns(spec, &headers)?),
            },
        };
        Ok(View {
            layout,
            headers: !args.no_headers,
        })
    }

    /// `--format json`: the command prints what `--json` prints.
    pub fn is_json(&self) -> bool {
        self.layout == Layout::Json
    }

    /// The rows of `items`, in their order, as the view shows them.
    pub fn render<T: Row>(&self, items: &[T], color: bool) -> String {
        let headers = all_headers::<T>();
        let state_col = items.first().and_then(|i| state_column(i, &headers));
        match &self.layout {
            Layout::Json => super::json(items),
            Layout::Template(pieces) => items
                .iter()
                .map(|item| {
                    let cells = all_cells(item);
                    let paint_at = state_paint_at(item, state_col, color);
                    format!("{}\n", fill(pieces, |i| painted(&cells, i, paint_at)))
                })
                .collect(),
            Layout::Table(columns) => {
                let header: Vec<String> = columns
                    .iter()
                    .map(|cell| fill(cell, |i| headers[i].to_string()))
                    .collect();
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                let mut rows = Vec::with_capacity(items.len());
                let mut paints = Vec::with_capacity(items.len());
                for item in items {
                    let cells = all_cells(item);
                    rows.push(
                        columns
                            .iter()
                            .map(|cell| fill(cell, |i| cells.get(i).cloned().unwrap_or_default()))
                            .collect::<Vec<_>>(),
                    );
                    paints.push(
                        state_paint_at(item, state_col, color).and_then(|(col, sgr)| {
                            columns
                                .iter()
                                .position(|cell| cell[..] == [Piece::Column(col)])
                                .map(|pos| (pos, sgr))
                        }),
                    );
                }
                painted_table(self.headers.then_some(&header[..]), &rows, &paints)
            }
        }
    }

    /// One row, for a stream (`events -f`): tab-separated, since later widths are unknown;
    /// JSON one object a line.
    pub fn line<T: Row>(&self, item: &T, with_header: bool, color: bool) -> String {
        let columns = match &self.layout {
            Layout::Json => {
                return format!("{}\n", serde_json::to_string(item).unwrap_or_default())
            }
            Layout::Template(_) => return self.render(std::slice::from_ref(item), color),
            Layout::Table(columns) => columns,
        };
        let headers = all_headers::<T>();
        let cells = all_cells(item);
        let paint_at = state_paint_at(item, state_column(item, &headers), color);
        let mut out = String::new();
        if with_header && self.headers {
            let names: Vec<String> = columns
                .iter()
                .map(|cell| fill(cell, |i| headers[i].to_string()))
                .collect();
            out.push_str(&names.join("\t"));
            out.push('\n');
        }
        let line: Vec<String> = columns
            .iter()
            .map(|cell| fill(cell, |i| painted(&cells, i, paint_at)))
            .collect();
        out.push_str(&line.join("\t"));
        out.push('\n');
        out
    }
}

/// The table's own columns of `T`, one field each.
fn default_cells<T: Row>() -> Vec<Cell> {
    (0..T::header().len())
        .map(|i| vec![Piece::Column(i)])
        .collect()
}

/// Cell `i` of `cells`, painted when it is the state to colour.
fn painted(cells: &[String], i: usize, paint_at: Option<(usize, &str)>) -> String {
    let cell = cells.get(i).map(String::as_str).unwrap_or("");
    match paint_at {
        Some((col, sgr)) if col == i => paint(cell, sgr),
        _ => cell.to_string(),
    }
}

/// Where `item`'s state column is among `headers` (all of `T`'s), if it has one.
fn state_column<T: Row>(item: &T, headers: &[&str]) -> Option<usize> {
    let (header, _) = item.state()?;
    headers.iter().position(|h| *h == header)
}

/// The column to colour in `item`'s row and its paint: its state at `state_col`, when colour
/// is on and the state has a colour.
fn state_paint_at<T: Row>(
    item: &T,
    state_col: Option<usize>,
    color: bool,
) -> Option<(usize, &'static str)> {
    if !color {
        return None;
    }
    let (_, tone) = item.state()?;
    Some((state_col?, tone?.sgr()))
}

/// Columns separated by two spaces, padded to the widest cell, no trailing spaces; a cell
/// with a paint gets its escapes around the text only, so the padding counts visible
/// characters.
pub fn painted_table(
    header: Option<&[&str]>,
    rows: &[Vec<String>],
    paints: &[Option<(usize, &str)>],
) -> String {
    let columns = header
        .map(<[&str]>::len)
        .unwrap_or_else(|| rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut widths = vec![0usize; columns];
    for (i, h) in header.unwrap_or(&[]).iter().enumerate() {
        widths[i] = h.chars().count();
    }
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>, paint_at: Option<(usize, &str)>| {
        let mut text = String::new();
        let mut pending = 0;
        for (i, cell) in cells.enumerate() {
            // Padding is added before the next cell, never after the last: no trailing spaces.
            if i > 0 {
                text.push_str(&" ".repeat(pending + 2));
            }
            match paint_at {
                Some((col, sgr)) if col == i && !cell.is_empty() => {
                    text.push_str(&paint(cell, sgr))
                }
                _ => text.push_str(cell),
            }
            pending = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(cell.chars().count());
        }
        let kept = text.trim_end_matches(' ').len();
        text.truncate(kept);
        out.push_str(&text);
        out.push('\n');
    };
    if let Some(header) = header {
        line(&mut header.iter().copied(), None);
    }
    for (n, row) in rows.iter().enumerate() {
        let paint_at = paints.get(n).copied().flatten();
        line(&mut row.iter().map(String::as_str), paint_at);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "columns_tests.rs"]
mod tests;
