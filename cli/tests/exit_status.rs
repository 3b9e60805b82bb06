//! The exit codes of SPEC §9 are documented where users look: `rsrc --help` and rsrc(1).

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::*;

const CODES: &[(&str, &str)] = &[
    ("0", "success"),
    ("2", "usage"),
    ("3", "not found"),
    ("4", "not logged in"),
    ("5", "quota"),
    ("69", "rsrcd cannot be reached"),
];

#[test]
fn long_help_lists_the_exit_codes() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    let section = help
        .split_once("Exit status:")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no Exit status in --help:\n{help}"));
    for (code, word) in CODES {
        assert!(
            section
                .lines()
                .any(|l| l.trim_start().starts_with(code) && l.contains(word)),
            "--help lacks exit code {code} ({word}):\n{section}"
        );
    }
    // Short help stays short and points at --help.
    let short = text(&Command::new(BIN).arg("-h").output().unwrap().stdout);
    assert!(!short.contains("Exit status:"), "{short}");
    assert!(short.contains("--help"), "{short}");
}

#[test]
fn the_man_page_has_an_exit_status_section() {
    let pages = rsrc::docs::man_pages().unwrap();
    let (_, page) = pages.iter().find(|(n, _)| n == "rsrc.1").unwrap();
    let page = String::from_utf8(page.clone()).unwrap();
    let section = page
        .split_once(".SH \"EXIT STATUS\"")
        .map(|(_, rest)| rest.split(".SH ").next().unwrap_or_default())
        .unwrap_or_else(|| panic!("no EXIT STATUS section in rsrc.1"));
    for (code, word) in CODES {
        assert!(
            section.contains(&format!("\\fB{code}\\fR")) && section.contains(word),
            "rsrc.1 EXIT STATUS lacks {code} ({word}):\n{section}"
        );
    }
    // And the committed copy is that page (generated_docs.rs checks all of them).
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../man/rsrc.1")).unwrap();
    assert!(committed.contains(".SH \"EXIT STATUS\""));
}

/// `machine create` without `--max-per-user` allows one instance per user; its help says so
/// (issue 19 item 27).
#[test]
fn machine_create_help_names_the_max_per_user_default() {
    let out = Command::new(BIN)
        .args(["machine", "create", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let line = help
        .split("--max-per-user")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default();
    assert!(line.contains("default 1"), "{line}");
}
