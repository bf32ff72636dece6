#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `bonafide user add`, `disable` and `bonafide serve` through the real binary: a stored
//! scan is served, the new admin can sign in, a wrong password cannot, and disabling or
//! re-adding the user ends the session it had.

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

/// `/healthz` once the server on `port` accepts connections (fails after `within`).
fn healthz_once_up(port: u16, within: Duration) -> String {
    let t0 = Instant::now();
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return request(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        assert!(t0.elapsed() < within, "the server on port {port} did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The login form posted as a script would (no browser headers).
fn login(port: u16, name: &str, password: &str) -> String {
    let body = format!("name={name}&password={password}");
    request(
        port,
        &format!(
            "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    user_added_signs_in(dir.path(), db.as_os_str(), 1);
}

/// The same on PostgreSQL, served by two processes as behind a load balancer: the
/// session made by signing in on one is good on the other.
#[test]
fn two_servers_on_postgres_share_users_and_sessions() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(url) = rt.block_on(bonafide_store::testing::fresh_schema("serve_two")) else { return };
    let dir = tempfile::tempdir().unwrap();
    user_added_signs_in(dir.path(), std::ffi::OsStr::new(&url), 2);
    rt.block_on(bonafide_store::testing::drop_schema(&url));
}

/// Scans examples/small into `db`, adds an admin on the command line, serves `db` from
/// `servers` processes and signs in on the first; the session cookie opens a page on
/// every one of them.
/// The `name=value` of the cookie a sign-in response sets.
fn session_cookie(response: &str) -> String {
    response
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string()
}

/// `bonafide user add --db DB ARGS...` with `password` on standard input.
fn user_add(db: &std::ffi::OsStr, args: &[&str], password: &[u8]) -> std::process::Output {
    let mut add = Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(["user", "add", "--db"])
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(password).unwrap();
    add.wait_with_output().unwrap()
}

fn user_added_signs_in(dir: &std::path::Path, db: &std::ffi::OsStr, servers: usize) {
    let bin = env!("CARGO_BIN_EXE_bonafide");
    let key = dir.join("key");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/small");
    let st = Command::new(bin)
        .args(["scan", "-q", "--db"])
        .arg(db)
        .arg("--key-file")
        .arg(&key)
        .arg(&example)
        .status()
        .unwrap();
    assert!(st.success());
    let out = user_add(db, &["--name", "ana", "--role", "admin"], b"a long passphrase\n");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("user ana saved as admin"));
    let out = user_add(db, &["--name", "bob"], b"short\n");
    assert!(!out.status.success(), "passwords under 10 characters are refused");

    let mut ports = Vec::new();
    let mut running = Vec::new();
    for i in 0..servers {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        running.push(Kill(
            Command::new(bin)
                .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
                .arg(db)
                .arg("--key-file")
                .arg(&key)
                .arg("--inbox")
                .arg(dir.join(format!("inbox{i}")))
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        ));
        ports.push(port);
    }
    for &port in &ports {
        let health = healthz_once_up(port, Duration::from_secs(30));
        assert!(health.starts_with("HTTP/1.1 200") && health.contains("\"run_id\":\"20"), "{health}");
    }
    let login = |pw: &str| login(ports[0], "ana", pw);
    let ok = login("a+long+passphrase");
    assert!(ok.starts_with("HTTP/1.1 303") && ok.contains("bonafide_session="), "{ok}");
    assert!(login("wrong+passphrase").starts_with("HTTP/1.1 401"));
    let cookie = session_cookie(&ok);
    let page = |port: u16, cookie: &str| {
        let page =
            request(port, &format!("GET /cases HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"));
        page.lines().next().unwrap_or("").to_string()
    };
    for &port in &ports {
        assert!(page(port, &cookie).starts_with("HTTP/1.1 200"), "port {port}");
    }

    // Re-adding the user resets the password and ends the session made with the old one.
    let readd = |password: &[u8]| {
        let out = user_add(db, &["--name", "ana", "--role", "admin"], password);
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let said = readd(b"another long passphrase\n");
    assert!(said.contains("password reset: 1 sessions ended, 0 API tokens revoked"), "{said}");
    for &port in &ports {
        assert!(page(port, &cookie).starts_with("HTTP/1.1 303"), "port {port}: the old session still works");
    }
    let ok = login("another+long+passphrase");
    let cookie = session_cookie(&ok);
    assert!(page(ports[0], &cookie).starts_with("HTTP/1.1 200"));

    // Disabling the user refuses sign-in and ends the session, on every server.
    let out = Command::new(bin).args(["user", "disable", "--db"]).arg(db).arg("ana").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("user ana disabled: 1 sessions ended, 0 API tokens revoked"), "{said}");
    for &port in &ports {
        assert!(page(port, &cookie).starts_with("HTTP/1.1 303"), "port {port}: the session outlived the disable");
    }
    assert!(login("another+long+passphrase").starts_with("HTTP/1.1 401"));
    let users = Command::new(bin).args(["user", "list", "--db"]).arg(db).output().unwrap();
    let users = String::from_utf8_lossy(&users.stdout);
    assert!(users.lines().any(|l| l.starts_with("ana ") && l.ends_with("disabled")), "{users}");
    let nobody = Command::new(bin).args(["user", "disable", "--db"]).arg(db).arg("nobody").output().unwrap();
    assert!(!nobody.status.success(), "an unknown user is an error");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no user \"nobody\""));
}

/// `bonafide demo` ends by serving what it scanned: the run is in the demo folder's
/// database and the password it prints once signs the demo admin in (a wrong one does not).
#[test]
fn the_demo_serves_its_organisation_to_the_password_it_prints() {
    let bin = env!("CARGO_BIN_EXE_bonafide");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("demo.out");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _demo = Kill(
        Command::new(bin)
            .args(["demo", "--people", "40", "--operatives", "3", "--farms", "1", "--days", "14", "--top", "3"])
            .args(["--listen", &format!("127.0.0.1:{port}"), "--dir"])
            .arg(dir.path().join("d"))
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let health = healthz_once_up(port, Duration::from_secs(120));
    assert!(health.starts_with("HTTP/1.1 200") && health.contains("\"run_id\":\"20"), "{health}");
    assert!(dir.path().join("d/bonafide.db").is_file());
    let out = std::fs::read_to_string(&log).unwrap();
    let password = out
        .lines()
        .find_map(|l| l.split("sign in as demo / ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password printed:\n{out}"))
        .to_string();
    assert!(password.len() >= 16, "{password}");
    let login = |pw: &str| login(port, "demo", pw);
    let ok = login(&password);
    assert!(ok.starts_with("HTTP/1.1 303") && ok.contains("bonafide_session="), "{ok}");
    assert!(login("demo+password+guess").starts_with("HTTP/1.1 401"));
}

/// A busy port fails the demo at once, before it simulates, scans or replaces the
/// demo password (it used to do all that, announce the URL, then fail).
#[test]
fn the_demo_on_a_busy_port_fails_before_any_work() {
    let bin = env!("CARGO_BIN_EXE_bonafide");
    let dir = tempfile::tempdir().unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let out = Command::new(bin)
        .args(["demo", "--people", "30", "--operatives", "2", "--farms", "1", "--days", "7", "--listen"])
        .arg(busy.local_addr().unwrap().to_string())
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("cannot listen on") && err.contains("--listen"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).is_empty(), "nothing announced");
    assert!(!dir.path().join("org").exists() && !dir.path().join("bonafide.db").exists(), "no work done");
}

/// `--no-serve` stores the run and the user, prints how to serve, and exits.
#[test]
fn the_demo_with_no_serve_stores_and_exits() {
    let bin = env!("CARGO_BIN_EXE_bonafide");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args(["demo", "--no-serve", "--people", "30", "--operatives", "2", "--farms", "1", "--days", "7", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("bonafide serve --db") && text.contains("sign in as demo / "), "{text}");
    // The scan's fingerprint key is the demo's own file, and the serve command names it,
    // so identifiers uploaded later fingerprint like the scanned ones.
    let key_file = dir.path().join("secret.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(text.contains(&format!("--key-file {}", key_file.display())), "{text}");
    let again = Command::new(bin)
        .args(["demo", "--no-serve", "--people", "30", "--operatives", "2", "--farms", "1", "--days", "7", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), key, "a second demo run keeps the key");
    let users = Command::new(bin).args(["user", "list", "--db"]).arg(dir.path().join("bonafide.db")).output().unwrap();
    let users = String::from_utf8_lossy(&users.stdout);
    assert!(users.lines().any(|l| l.starts_with("demo ") && l.contains("admin")), "{users}");
}

/// A new database says what it lacks instead of serving a sign-in page nobody can pass;
/// listing the users of a database that is not there does not create one.
#[test]
fn an_empty_database_says_what_to_do() {
    let bin = env!("CARGO_BIN_EXE_bonafide");
    let dir = tempfile::tempdir().unwrap();
    let list = Command::new(bin).args(["user", "list", "--db"]).arg(dir.path().join("nosuch.db")).output().unwrap();
    assert!(!list.status.success());
    assert!(
        String::from_utf8_lossy(&list.stderr).contains("no database at"),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    assert!(!dir.path().join("nosuch.db").exists());

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut serve = Kill(
        Command::new(bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(dir.path().join("new.db"))
            .arg("--key-file")
            .arg(dir.path().join("key"))
            .arg("--inbox")
            .arg(dir.path().join("inbox"))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    healthz_once_up(port, Duration::from_secs(30));
    let _ = serve.0.kill();
    let mut err = String::new();
    serve.0.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(err.contains("has no users") && err.contains("bonafide user add"), "{err}");
    assert!(err.contains("holds no scan yet"), "{err}");
}
