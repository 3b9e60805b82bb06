//! The SMS gateway over https (issue 19 item 13): a real loopback https gateway
//! (scripts/sms-sink.py with a certificate made here by rcgen) receives a code SMS as a form with
//! Basic auth, as Twilio takes it; every try of a message carries the same idempotency key; a
//! gateway slower than the timeout gets a message at most twice; an untrusted certificate fails
//! with a clear error; plain http:// to another host is refused at start. The daemon runs in
//! this process (its SMS path does not touch the engine), and the real binary for the start.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{poll, poll_for, Client, Options, SinkProcess, TestDaemon, DEADLINE};

const PASSWORD: &str = "user-password-1";
const PHONE: &str = "+15550007001";
const AUTH_TOKEN: &str = "tw-auth-token-Secret-77";

/// A CA and a certificate it signed for 127.0.0.1 and localhost, as PEM files in `dir`:
/// (ca.pem, cert.pem, key.pem).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "rsrc test gateway CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let key = KeyPair::generate().expect("key");
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("params")
        .signed_by(&key, &ca)
        .expect("certificate");
    let paths = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&paths.0, ca.pem()).expect("write ca.pem");
    std::fs::write(&paths.1, cert.pem()).expect("write cert.pem");
    std::fs::write(&paths.2, key.serialize_pem()).expect("write key.pem");
    paths
}

/// One request the gateway received.
#[derive(Debug)]
struct Request {
    path: String,
    headers: serde_json::Value,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers[name].as_str()
    }

    fn form(&self) -> Vec<(String, String)> {
        form_decode(&self.body)
    }
}

/// scripts/sms-sink.py over https, answering after `delay` seconds.
struct HttpsSink {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl HttpsSink {
    fn start(dir: &Path, cert: &Path, key: &Path, delay: f64) -> HttpsSink {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/sms-sink.py");
        let requests = dir.join("sms");
        let (cert, key, delay) = (path_str(cert), path_str(key), delay.to_string());
        let extra = ["--tls-cert", cert, "--tls-key", key, "--delay", &delay];
        let (child, port) = SinkProcess::start_with(script, dir, 0, "--dir", &requests, &extra);
        HttpsSink {
            child: Some(child.0),
            port,
            dir: requests,
        }
    }

    fn requests(&self) -> Vec<Request> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter_map(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .map(|r| Request {
                path: r["path"].as_str().unwrap_or_default().to_string(),
                headers: r["headers"].clone(),
                body: r["body"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    }
}

impl Drop for HttpsSink {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn form_decode(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("utf-8 form value")
}

fn base64(input: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
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

/// An in-process daemon whose `[sms]` is `sms` (the table's keys, without the header).
fn daemon(sms: &str) -> TestDaemon {
    TestDaemon::in_process(Options {
        extra_toml: format!("[sms]\n{sms}\n"),
        ..Options::default()
    })
}

/// A logged-in user whose email is verified (straight in the registry), who sets `PHONE`: a
/// code SMS is queued.
fn user_sets_phone(d: &TestDaemon, email: &str) -> Client {
    let c = d.client(email);
    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");
    d.db()
        .execute("UPDATE users SET verified = 1 WHERE email = ?1", [email])
        .expect("verify");
    c.run(&["profile", "update", "--phone", PHONE])
        .expect_code(0);
    c
}

/// (attempts, unanswered, last_error, sent, failed) of the SMS to `PHONE`.
fn outbox_row(d: &TestDaemon) -> Option<(i64, i64, Option<String>, bool, bool)> {
    d.db()
        .query_row(
            "SELECT attempts, unanswered, last_error, sent_at IS NOT NULL, failed_at IS NOT NULL
             FROM mail_outbox WHERE channel = 'sms' AND recipient = ?1",
            [PHONE],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .ok()
}

fn twilio_like(port: u16, ca: &Path, password_file: &Path, extra: &str) -> String {
    format!(
        "url = \"https://127.0.0.1:{port}/2010-04-01/Accounts/ACtest123/Messages.json\"\n\
         format = \"form\"\nusername = \"ACtest123\"\npassword_file = {pw:?}\nca_file = {ca:?}\n\
         {extra}\n[sms.fields]\nTo = \"{{to}}\"\nFrom = \"+15005550006\"\nBody = \"{{text}}\"\n",
        pw = path_str(password_file),
        ca = path_str(ca),
    )
}

fn auth_token_file(dir: &Path) -> PathBuf {
    let path = dir.join("twilio-auth-token");
    std::fs::write(&path, format!("{AUTH_TOKEN}\n")).expect("write the token file");
    path
}

#[test]
fn a_code_sms_goes_over_https_as_a_form_with_basic_auth_and_an_idempotency_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ca, cert, key) = certificates(dir.path());
    let sink = HttpsSink::start(dir.path(), &cert, &key, 0.0);
    let token = auth_token_file(dir.path());
    let d = daemon(&twilio_like(sink.port, &ca, &token, ""));
    let c = user_sets_phone(&d, "https@example.com");

    let request = poll("the code SMS at the https gateway", DEADLINE, || {
        sink.requests().into_iter().next()
    });
    assert_eq!(request.path, "/2010-04-01/Accounts/ACtest123/Messages.json");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let basic = format!(
        "Basic {}",
        base64(format!("ACtest123:{AUTH_TOKEN}").as_bytes())
    );
    assert_eq!(request.header("authorization"), Some(basic.as_str()));
    let key = request
        .header("idempotency-key")
        .expect("an idempotency key");
    assert_eq!(key.len(), 32, "{key}");
    let form = request.form();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {form:?}"))
    };
    assert_eq!(field("To"), PHONE);
    assert_eq!(field("From"), "+15005550006");
    let code = common::extract_code(&field("Body")).expect("a code in the SMS");

    // The code that went over https is the one that proves the phone.
    let user = c.json(&["phone", "verify", &code]);
    assert_eq!(user["phone_verified"], true, "{user}");
    let row = poll("the SMS marked sent", DEADLINE, || {
        outbox_row(&d).filter(|r| r.3)
    });
    assert_eq!((row.0, row.1), (1, 0), "{row:?}");

    let log = d.log_text();
    assert!(log.contains("message sent"), "{log}");
    for secret in [AUTH_TOKEN, code.as_str(), basic.as_str()] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

/// The issue saw one code SMS sent 4 times in 40 s by a gateway that answered slowly. Now a
/// message whose request went out unanswered is sent at most twice, with one key.
#[test]
fn a_gateway_slower_than_the_timeout_gets_a_message_at_most_twice_with_one_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ca, cert, key) = certificates(dir.path());
    let sink = HttpsSink::start(dir.path(), &cert, &key, 4.0);
    let token = auth_token_file(dir.path());
    let d = daemon(&twilio_like(
        sink.port,
        &ca,
        &token,
        "timeout_secs = 1\nidempotency_header = \"X-Idem-Token\"",
    ));
    user_sets_phone(&d, "slow@example.com");

    let row = poll("the SMS given up", DEADLINE, || {
        outbox_row(&d).filter(|r| r.4)
    });
    let (attempts, unanswered, error, sent, _) = row;
    assert!(!sent);
    assert_eq!((attempts, unanswered), (2, 2));
    let error = error.expect("a reason");
    assert!(
        error.contains("did not answer within 1s") && error.contains("not sent again"),
        "{error}"
    );
    // The rows's fate is final; no third request comes.
    let third = poll_for(Duration::from_secs(3), || {
        sink.requests().get(2).map(|_| ())
    });
    assert!(third.is_none(), "a third request: {:?}", sink.requests());
    let requests = sink.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let keys: Vec<Option<&str>> = requests.iter().map(|r| r.header("x-idem-token")).collect();
    assert!(keys[0].is_some() && keys[0] == keys[1], "{keys:?}");
    assert_eq!(requests[0].body, requests[1].body);
    let log = d.log_text();
    assert!(log.contains("not sent again"), "{log}");
}

#[test]
fn an_untrusted_certificate_fails_with_a_clear_error_and_nothing_is_sent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_ca, cert, key) = certificates(dir.path());
    let sink = HttpsSink::start(dir.path(), &cert, &key, 0.0);
    // No ca_file: the public roots do not know the test CA.
    let d = daemon(&format!(
        "url = \"https://127.0.0.1:{}/send\"\ntoken = \"gw-token-Secret-9\"\n",
        sink.port
    ));
    user_sets_phone(&d, "untrusted@example.com");

    let (attempts, unanswered, error, sent, failed) = poll("a failed try", DEADLINE, || {
        outbox_row(&d).filter(|r| r.0 >= 1)
    });
    let error = error.expect("a reason");
    assert!(
        error.contains("cannot connect to the SMS gateway https://127.0.0.1:")
            && error.contains("certificate"),
        "{error}"
    );
    // Nothing went out: a connect failure is retried, never counted as unanswered.
    assert_eq!(unanswered, 0, "{attempts} {error}");
    assert!(!sent && !failed);
    assert!(sink.requests().is_empty());
    let log = d.log_text();
    assert!(log.contains("certificate"), "{log}");
    assert!(!log.contains("gw-token-Secret-9"), "{log}");
}

#[test]
fn plain_http_to_another_host_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("rsrcd.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\nsocket = {:?}\n[sms]\nurl = \"http://sms.example.com/send\"\n\
             token = \"gw-token-Secret-9\"\n",
            dir.path().join("data").display().to_string(),
            dir.path().join("rsrcd.sock").display().to_string(),
        ),
    )
    .expect("write config");
    let stderr_path = dir.path().join("stderr");
    let mut child = Command::new(common::rsrcd_bin())
        .arg("--config")
        .arg(&config)
        .env_remove("RSRC_SOCKET")
        .env_remove("RSRC_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("run rsrcd");
    // A daemon that accepts the URL keeps running: stop it, and fail.
    let status = poll_for(DEADLINE, || child.try_wait().ok().flatten());
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let out = std::process::Output {
        status: status.unwrap_or_else(|| panic!("rsrcd started with http:// to another host")),
        stdout: Vec::new(),
        stderr: std::fs::read(&stderr_path).unwrap_or_default(),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("sms.url") && stderr.contains("in clear") && stderr.contains("https://"),
        "{stderr}"
    );
    assert!(!stderr.contains("gw-token-Secret-9"), "{stderr}");
    assert!(!dir.path().join("rsrcd.sock").exists());
}
