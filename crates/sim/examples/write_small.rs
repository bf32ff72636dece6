//! Writes the example organisation: `cargo run -p bonafide-sim --example write_small -- examples/small`.

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "examples/small".to_string());
    bonafide_sim::small::write(std::path::Path::new(&dir))?;
    println!("wrote {dir}");
    Ok(())
}
