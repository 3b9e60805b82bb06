mod common;

#[test]
fn daemon_starts_and_stops_cleanly() {
    let mut d = common::TestDaemon::start(common::Options::default());
    let (status, body) = common::raw_request(&d.socket, "GET", "/v1/version", None, None).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(d.stop().success());
    assert!(!d.socket.exists(), "the socket is removed on a clean exit");
}
