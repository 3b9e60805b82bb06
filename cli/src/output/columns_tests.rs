//! Column selection and alignment, with and without colour.

use super::*;
use crate::output::color::{state_tone, Tone};
use crate::output::{Format, Output};
use rsrc_shared::api::InstanceState;
use serde::Serialize;

#[derive(Serialize)]
struct Thing {
    name: String,
    state: String,
    size: String,
}

impl Row for Thing {
    fn header() -> &'static [&'static str] {
        &["NAME", "STATE", "IN USE"]
    }
    fn cells(&self) -> Vec<String> {
        vec![self.name.clone(), self.state.clone(), self.size.clone()]
    }
    fn extra_header() -> &'static [&'static str] {
        &["HIDDEN"]
    }
    fn extra_cells(&self) -> Vec<String> {
        vec![format!("h-{}", self.name)]
    }
    fn state(&self) -> Option<(&'static str, Option<Tone>)> {
        let state = self.state.parse().unwrap_or(InstanceState::Unknown);
        Some(("STATE", state_tone(state)))
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

fn things() -> Vec<Thing> {
    vec![
        Thing {
            name: "web".into(),
            state: "running".into(),
            size: "yes".into(),
        },
        Thing {
            name: "database".into(),
            state: "exited".into(),
            size: "no".into(),
        },
    ]
}

fn args(format: Option<&str>, no_headers: bool) -> ListArgs {
    ListArgs {
        format: format.map(str::to_string),
        no_headers,
    }
}

fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn columns_come_in_the_order_given() {
    let view = View::parse::<Thing>(&args(Some("in-use,name"), false)).unwrap();
    let text = Output::new(Format::Table, false).render_view(&mut things(), &view);
    assert_eq!(text, "IN USE  NAME\nno      database\nyes     web\n");
}

#[test]
fn extra_columns_show_only_when_named() {
    let text = Output::new(Format::Table, false).render_list(&mut things());
    assert!(!text.contains("HIDDEN"), "{text}");
    let view = View::parse::<Thing>(&args(Some("name, hidden"), false)).unwrap();
    let text = Output::new(Format::Table, false).render_view(&mut things(), &view);
    assert!(text.contains("HIDDEN") && text.contains("h-web"), "{text}");
}

#[test]
fn names_are_loose_about_case_and_separators() {
    for spec in ["IN USE", "in_use", "InUse", "in-use"] {
        assert!(
            View::parse::<Thing>(&args(Some(spec), false)).is_ok(),
            "{spec}"
        );
    }
}

#[test]
fn an_unknown_column_is_a_usage_error_that_lists_the_names() {
    let err = View::parse::<Thing>(&args(Some("name,bogus"), false)).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let report = err.report().join("\n");
    assert!(report.contains("bogus"), "{report}");
    assert!(report.contains("name, state, in-use, hidden"), "{report}");
    let err = View::parse::<Thing>(&args(Some("name,,state"), false)).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.report().join("\n").contains("empty column name"));
}

/// `--format json` is `--json` (issue 19 item 22): the API objects, in a list or one a line.
#[test]
fn format_json_is_the_json_output() {
    for spec in ["json", " JSON "] {
        let view = View::parse::<Thing>(&args(Some(spec), false)).unwrap();
        assert!(view.is_json(), "{spec}");
        let text = Output::new(Format::Table, false).render_view(&mut things(), &view);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value[0]["name"], "database", "{text}");
        assert_eq!(
            view.line(&things()[0], true, true),
            "{\"name\":\"web\",\"state\":\"running\",\"size\":\"yes\"}\n"
        );
    }
    let quiet = Output::new(Format::Table, true);
    let view = View::parse::<Thing>(&args(Some("json"), false)).unwrap();
    assert_eq!(quiet.render_view(&mut things(), &view), "database\nweb\n");
    assert!(!View::parse::<Thing>(&args(Some("name"), false))
        .unwrap()
        .is_json());
}

/// Docker's `table` prefix (issue 19 item 22): a header row, then the template per row, its
/// tab-separated parts aligned as columns; `--no-headers` drops the header.
#[test]
fn table_templates_have_a_header_and_aligned_columns() {
    let out = Output::new(Format::Table, false);
    let view = View::parse::<Thing>(&args(Some("table {{.Name}}\\t{{.State}}"), false)).unwrap();
    let text = out.render_view(&mut things(), &view);
    assert_eq!(
        text,
        "NAME      STATE\ndatabase  exited\nweb       running\n"
    );
    // Text around the fields stays, in the header too, as Docker renders it.
    let view = View::parse::<Thing>(&args(Some("table <{{.Name}}>\\t{{.InUse}}!"), false)).unwrap();
    let text = out.render_view(&mut things(), &view);
    assert_eq!(
        text,
        "<NAME>      IN USE!\n<database>  no!\n<web>       yes!\n"
    );
    // A real tab (as a shell's $'\t' gives it) splits columns the same way.
    let view = View::parse::<Thing>(&args(Some("table {{.Name}}\t{{.Hidden}}"), true)).unwrap();
    let text = out.render_view(&mut things(), &view);
    assert_eq!(text, "database  h-database\nweb       h-web\n");
    // `table` with column names, or alone (the default columns).
    let view = View::parse::<Thing>(&args(Some("table state,name"), false)).unwrap();
    let text = out.render_view(&mut things(), &view);
    assert_eq!(text, "STATE    NAME\nexited   database\nrunning  web\n");
    let view = View::parse::<Thing>(&args(Some("table"), false)).unwrap();
    assert_eq!(
        out.render_view(&mut things(), &view),
        out.render_list(&mut things())
    );
    // Never the word itself in the output, and a field name is still checked.
    assert!(View::parse::<Thing>(&args(Some("table {{.Nope}}"), false)).is_err());
    assert!(View::parse::<Thing>(&args(Some("table nope"), false)).is_err());
    // The state still takes its colour, and the columns stay aligned.
    let coloured = out.with_color(true);
    let view = View::parse::<Thing>(&args(Some("table {{.State}}\\t{{.Name}}"), false)).unwrap();
    let text = coloured.render_view(&mut things(), &view);
    assert!(text.contains("\x1b[32mrunning\x1b[0m"), "{text:?}");
    assert_eq!(
        strip(&text),
        "STATE    NAME\nexited   database\nrunning  web\n"
    );
    // A stream prints it tab-separated, with the header once.
    assert_eq!(
        view.line(&things()[0], true, false),
        "STATE\tNAME\nrunning\tweb\n"
    );
}

#[test]
fn no_headers_drops_the_header_line() {
    let view = View::parse::<Thing>(&args(None, true)).unwrap();
    let text = Output::new(Format::Table, false).render_view(&mut things(), &view);
    assert_eq!(text, "database  exited   no\nweb       running  yes\n");
    let mut none: Vec<Thing> = Vec::new();
    assert_eq!(
        Output::new(Format::Table, false).render_view(&mut none, &view),
        ""
    );
}

#[test]
fn colour_keeps_the_columns_aligned() {
    let out = Output::new(Format::Table, false).with_color(true);
    let text = out.render_list(&mut things());
    assert!(text.contains("\x1b[32mrunning\x1b[0m"), "{text:?}");
    assert!(text.contains("\x1b[31mexited\x1b[0m"), "{text:?}");
    let plain = Output::new(Format::Table, false).render_list(&mut things());
    assert_eq!(strip(&text), plain);
    // Where each column starts on screen is the same on every line.
    let starts: Vec<usize> = strip(&text)
        .lines()
        .map(|l| l.rfind("  ").unwrap_or(0) + 2)
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] == w[1]),
        "{starts:?} {text:?}"
    );
    assert!(text.lines().all(|l| !l.ends_with(' ')));
}

#[test]
fn json_and_ids_are_never_coloured_nor_narrowed() {
    let view = View::parse::<Thing>(&args(Some("name"), true)).unwrap();
    let json = Output::new(Format::Json, false).with_color(true);
    let text = json.render_view(&mut things(), &view);
    assert!(!text.contains('\x1b'));
    assert!(text.contains("\"state\": \"running\""), "{text}");
    let quiet = Output::new(Format::Table, true).with_color(true);
    assert_eq!(quiet.render_view(&mut things(), &view), "database\nweb\n");
}

#[test]
fn templates_fill_in_fields() {
    let view = View::parse::<Thing>(&args(Some("{{.Name}}\\t{{ .State }}!"), false)).unwrap();
    let text = Output::new(Format::Table, false).render_view(&mut things(), &view);
    assert_eq!(text, "database\texited!\nweb\trunning!\n");
    assert!(View::parse::<Thing>(&args(Some("{{.Nope}}"), false)).is_err());
    assert!(View::parse::<Thing>(&args(Some("{{.Name"), false)).is_err());
    assert!(View::parse::<Thing>(&args(Some("{{json .}}"), false)).is_err());
}

#[test]
fn stream_lines_are_tab_separated_with_an_optional_header() {
    let view = View::parse::<Thing>(&args(Some("state,name"), false)).unwrap();
    let t = &things()[0];
    assert_eq!(view.line(t, true, false), "STATE\tNAME\nrunning\tweb\n");
    assert_eq!(view.line(t, false, false), "running\tweb\n");
    assert_eq!(view.line(t, false, true), "\x1b[32mrunning\x1b[0m\tweb\n");
    let view = View::parse::<Thing>(&args(Some("state,name"), true)).unwrap();
    assert_eq!(view.line(t, true, false), "running\tweb\n");
}
