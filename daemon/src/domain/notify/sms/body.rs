//! The body of one SMS request: JSON (the default, or `body_template`) or a form
//! (`format = "form"`, `[sms.fields]`, as Twilio takes). `{to}` and `{text}` are the
//! placeholders, replaced in one pass, so a value that itself reads "{to}" stays as it is.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `sms.format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    #[default]
    Json,
    Form,
}

/// How a message becomes a request body.
#[derive(Clone)]
pub enum Body {
    /// `{"to": .., "text": ..}`, or the template with its placeholders JSON-escaped.
    Json { template: Option<String> },
    /// `application/x-www-form-urlencoded` fields, in the order of their names.
    Form { fields: Vec<(String, String)> },
}

/// Shows the shape, never a value: a field may hold an API key or a sender id.
impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Json { template } => f
                .debug_struct("Json")
                .field("template", &template.is_some())
                .finish(),
            Body::Form { fields } => f
                .debug_struct("Form")
                .field("fields", &fields.iter().map(|(k, _)| k).collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl Body {
    /// Checks `format` against the keys given for it; the error names the key.
    pub fn check(
        format: BodyFormat,
        template: Option<String>,
        fields: Option<BTreeMap<String, String>>,
    ) -> Result<Body, (&'static str, String)> {
        match format {
            BodyFormat::Json => {
                if fields.is_some() {
                    return Err((
                        "sms.fields",
                        "is for format = \"form\"; a JSON body is written with sms.body_template"
                            .into(),
                    ));
                }
                if let Some(t) = &template {
                    if !t.contains("{text}") {
                        return Err((
                            "sms.body_template",
                            "must contain {text} (and usually {to})".into(),
                        ));
                    }
                }
                Ok(Body::Json { template })
            }
            BodyFormat::Form => {
                if template.is_some() {
                    return Err((
                        "sms.body_template",
                        "is for format = \"json\"; a form is written with [sms.fields]".into(),
                    ));
                }
                let fields: Vec<(String, String)> = match fields {
                    Some(fields) => fields.into_iter().collect(),
                    None => vec![
                        ("to".into(), "{to}".into()),
                        ("text".into(), "{text}".into()),
                    ],
                };
                if !fields.iter().any(|(_, v)| v.contains("{text}")) {
                    return Err((
                        "sms.fields",
                        "one field's value must contain {text} (and usually one {to})".into(),
                    ));
                }
                Ok(Body::Form { fields })
            }
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Body::Json { .. } => "application/json",
            Body::Form { .. } => "application/x-www-form-urlencoded",
        }
    }

    /// The request body for one message to `to`.
    pub fn render(&self, to: &str, text: &str) -> String {
        match self {
            Body::Json { template: None } => {
                serde_json::json!({"to": to, "text": text}).to_string()
            }
            Body::Json {
                template: Some(template),
            } => fill(template, &json_escape(to), &json_escape(text)),
            Body::Form { fields } => {
                let pairs: Vec<(&str, String)> = fields
                    .iter()
                    .map(|(name, value)| (name.as_str(), fill(value, to, text)))
                    .collect();
                // Strings only: serde_urlencoded cannot fail on them.
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            }
        }
    }
}

/// `template` with `{to}` and `{text}` replaced, in one pass.
fn fill(template: &str, to: &str, text: &str) -> String {
    let mut out = String::with_capacity(template.len() + text.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{to}") {
            out.push_str(to);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{text}") {
            out.push_str(text);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::from(value).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(template: Option<&str>) -> Body {
        Body::check(BodyFormat::Json, template.map(str::to_string), None).unwrap()
    }

    #[test]
    fn bodies_are_json_with_the_values_escaped() {
        let text = "crash \"quoted\" \\ {to}\nline";
        let body: serde_json::Value =
            serde_json::from_str(&json(None).render("+15550001", text)).unwrap();
        assert_eq!(body, serde_json::json!({"to": "+15550001", "text": text}));
        let templated = json(Some(r#"{"msisdn": "{to}", "msg": {"body": "{text}"}}"#))
            .render("+15550001", text);
        let body: serde_json::Value = serde_json::from_str(&templated).unwrap();
        assert_eq!(body["msisdn"], "+15550001");
        assert_eq!(body["msg"]["body"], text, "substituted once, escaped");
    }

    /// Issue 19 item 13: a form body, as Twilio takes, with the placeholders in its values.
    #[test]
    fn form_bodies_are_url_encoded_with_the_placeholders_filled() {
        let fields = BTreeMap::from([
            ("To".to_string(), "{to}".to_string()),
            ("From".to_string(), "+15005550006".to_string()),
            ("Body".to_string(), "rsrc: {text}".to_string()),
        ]);
        let body = Body::check(BodyFormat::Form, None, Some(fields)).unwrap();
        assert_eq!(body.content_type(), "application/x-www-form-urlencoded");
        let text = "code 123456 & {to} = 100%";
        let rendered = body.render("+15550001", text);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&rendered).unwrap();
        assert_eq!(
            pairs,
            [
                ("Body".to_string(), format!("rsrc: {text}")),
                ("From".to_string(), "+15005550006".to_string()),
                ("To".to_string(), "+15550001".to_string()),
            ]
        );
        assert!(!format!("{body:?}").contains("+15005550006"));
        let plain = Body::check(BodyFormat::Form, None, None).unwrap();
        assert_eq!(plain.render("+1", "hi there"), "to=%2B1&text=hi+there");
    }

    #[test]
    fn each_format_takes_its_own_keys() {
        let fields = || Some(BTreeMap::from([("Body".to_string(), "{text}".to_string())]));
        let template = || Some("{\"t\": \"{text}\"}".to_string());
        assert_eq!(
            Body::check(BodyFormat::Json, None, fields())
                .err()
                .map(|e| e.0),
            Some("sms.fields")
        );
        assert_eq!(
            Body::check(BodyFormat::Form, template(), None)
                .err()
                .map(|e| e.0),
            Some("sms.body_template")
        );
        let no_text = Some(BTreeMap::from([("To".to_string(), "{to}".to_string())]));
        assert_eq!(
            Body::check(BodyFormat::Form, None, no_text)
                .err()
                .map(|e| e.0),
            Some("sms.fields")
        );
        assert_eq!(
            Body::check(BodyFormat::Json, Some("{}".into()), None)
                .err()
                .map(|e| e.0),
            Some("sms.body_template")
        );
    }
}
