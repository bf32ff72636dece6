#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `bonafide user add` and `bonafide serve` through the real binary: a stored scan is
//! served, the new admin can sign in, a wrong password cannot.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn request(port: u16, raw: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

struct Kill(std::process::Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_user_added_on_the_command_line_signs_in_to_the_served_scan() {
    let bin = env!("CARGO_BIN_EXE_bonafide");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let key = dir.path().join("key");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/small");
    let st = Command::new(bin)
        .args(["scan", "-q", "--db"])
        .arg(&db)
        .arg("--key-file")
        .arg(&key)
        .arg(&example)
        .status()
        .unwrap();
    assert!(st.success());
    let mut add = Command::new(bin)
        .args(["user", "add", "--name", "ana", "--role", "admin", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"a long passphrase\n").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("user ana saved as admin"));
    let short = Command::new(bin)
        .args(["user", "add", "--name", "bob", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = {
        let mut short = short;
        short.stdin.take().unwrap().write_all(b"short\n").unwrap();
        short.wait_with_output().unwrap()
    };
    assert!(!out.status.success(), "passwords under 10 characters are refused");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _serve = Kill(
        Command::new(bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(&db)
            .arg("--key-file")
            .arg(&key)
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let t0 = Instant::now();
    let health = loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break request(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "serve did not start");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(health.starts_with("HTTP/1.1 200") && health.contains("\"run_id\":\"20"), "{health}");
    let login = |pw: &str| {
        let body = format!("name=ana&password={pw}");
        request(
            port,
            &format!(
                "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
    };
    let ok = login("a+long+passphrase");
    assert!(ok.starts_with("HTTP/1.1 303") && ok.contains("bonafide_session="), "{ok}");
    assert!(login("wrong+passphrase").starts_with("HTTP/1.1 401"));
}
