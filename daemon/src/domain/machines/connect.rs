//! Connect templates, e.g. `redis://:{env.PASSWORD}@{host}:{port}`: the one parser that both the
//! machine checks and the instance view use, so what is accepted is what gets rendered.

use std::fmt;

use crate::error::{Error, Result};

/// What a `{...}` in a template stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// The host clients connect to (`advertise_host`).
    Host,
    /// The host port of the machine's first port.
    Port,
    /// The host port published for this container port.
    PortOf(u16),
    Name,
    Id,
    /// The value of a (non-secret) prop.
    Env(String),
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placeholder::Host => f.write_str("host"),
            Placeholder::Port => f.write_str("port"),
            Placeholder::PortOf(port) => write!(f, "port:{port}"),
            Placeholder::Name => f.write_str("name"),
            Placeholder::Id => f.write_str("id"),
            Placeholder::Env(prop) => write!(f, "env.{prop}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Placeholder(Placeholder),
}

/// Splits a template into text and placeholders. Whether a `{port:N}` or `{env.PROP}` exists
/// depends on the machine; the caller checks that.
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            Error::invalid(format!(
                "connect template `{template}` has an unclosed `{{`"
            ))
        })?;
        let key = &after[..close];
        let placeholder = placeholder(key).ok_or_else(|| unknown_placeholder(key))?;
        pieces.push(Piece::Placeholder(placeholder));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

fn placeholder(key: &str) -> Option<Placeholder> {
    Some(match key {
        "host" => Placeholder::Host,
        "port" => Placeholder::Port,
        "name" => Placeholder::Name,
        "id" => Placeholder::Id,
        _ => {
            if let Some(port) = key.strip_prefix("port:") {
                Placeholder::PortOf(port.parse().ok()?)
            } else if let Some(prop) = key.strip_prefix("env.").filter(|p| !p.is_empty()) {
                Placeholder::Env(prop.to_string())
            } else {
                return None;
            }
        }
    })
}

/// The error for a placeholder a template may not use (`key` without its braces).
pub fn unknown_placeholder(key: &str) -> Error {
    Error::invalid(format!(
        "connect template: unknown placeholder `{{{key}}}`; use {{host}}, {{port}}, \
         {{port:N}} for a declared port, {{name}}, {{id}} or {{env.PROP}} for a non-secret prop"
    ))
}

/// Fills in a template: `value` writes what a placeholder stands for onto the output, so that a
/// listing of a thousand rows allocates one string per row. One that does not parse (it was
/// checked when it was stored, so it never should) is shown as it is written rather than half
/// rendered.
pub fn render(template: &str, mut value: impl FnMut(&Placeholder, &mut String)) -> String {
    let Ok(pieces) = parse(template) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len() + 16);
    for piece in &pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder(p) => value(p, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_placeholders() {
        use Piece::{Placeholder as P, Text};
        assert_eq!(
            parse("redis://:{env.PASSWORD}@{host}:{port}/{port:8080}?n={name}&i={id}").unwrap(),
            vec![
                Text("redis://:"),
                P(Placeholder::Env("PASSWORD".into())),
                Text("@"),
                P(Placeholder::Host),
                Text(":"),
                P(Placeholder::Port),
                Text("/"),
                P(Placeholder::PortOf(8080)),
                Text("?n="),
                P(Placeholder::Name),
                Text("&i="),
                P(Placeholder::Id),
            ]
        );
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("{id}").unwrap(), vec![P(Placeholder::Id)]);
        assert_eq!(parse("plain }").unwrap(), vec![Text("plain }")]);
    }

    #[test]
    fn bad_templates_say_why() {
        let why = |t: &str| parse(t).unwrap_err().to_string();
        assert!(
            why("x://{host").contains("unclosed"),
            "{}",
            why("x://{host")
        );
        for key in ["nope", "port:", "port:x", "port:-1", "env.", "HOST", ""] {
            let err = why(&format!("x://{{{key}}}"));
            assert!(
                err.contains(&format!("unknown placeholder `{{{key}}}`")),
                "{err}"
            );
        }
    }

    #[test]
    fn rendering_fills_each_placeholder() {
        let out = render(
            "redis://{env.USER}@{host}:{port} ({port:6379}) {name}/{id}",
            |p, out| match p {
                Placeholder::Host => out.push_str("example.org"),
                Placeholder::Port => out.push_str("40001"),
                Placeholder::PortOf(6379) => out.push_str("40002"),
                Placeholder::PortOf(_) => {}
                Placeholder::Name => out.push_str("cache"),
                Placeholder::Id => out.push_str("ab12"),
                Placeholder::Env(prop) => out.push_str(&prop.to_lowercase()),
            },
        );
        assert_eq!(out, "redis://user@example.org:40001 (40002) cache/ab12");
    }

    #[test]
    fn a_template_that_does_not_parse_renders_as_written() {
        for t in ["x://{host", "x://{nope}:{port}"] {
            assert_eq!(render(t, |_, out| out.push('V')), t);
        }
    }

    #[test]
    fn placeholders_print_as_written() {
        for key in ["host", "port", "port:80", "name", "id", "env.A_B"] {
            let template = format!("{{{key}}}");
            let pieces = parse(&template).unwrap();
            assert!(matches!(&pieces[..], [Piece::Placeholder(p)] if p.to_string() == key));
        }
    }
}
