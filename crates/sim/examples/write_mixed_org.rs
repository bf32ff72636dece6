//! Writes a generated organisation for benchmarks: people.csv plus Okta, Entra ID,
//! Google Workspace and GitHub exports.
//! `cargo run --release -p bonafide-sim --example write_mixed_org -- DIR EVENTS USERS`

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "mixed".to_string());
    let events: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let users: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let w = bonafide_sim::bench::write_mixed_org(std::path::Path::new(&dir), events, users, 7)?;
    println!("wrote {dir}: {w:?}");
    Ok(())
}
