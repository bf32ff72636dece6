//! Opening an input file: plain or gzip (recognised by its magic bytes, not its name),
//! with a byte counter for the progress bar.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// How many decompressed bytes format recognition looks at.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// One input file.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// The path as reports show it.
    pub display: String,
    /// Size on disk in bytes.
    pub size: u64,
    pub gzip: bool,
}

/// Counts raw bytes read from disk, for progress.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Input {
    pub fn new(path: &Path, display: impl Into<String>) -> io::Result<Input> {
        let mut f = File::open(path)?;
        let size = f.metadata()?.len();
        let mut magic = [0u8; 2];
        let gzip = f.read_exact(&mut magic).is_ok() && magic == GZIP_MAGIC;
        Ok(Input { path: path.to_path_buf(), display: display.into(), size, gzip })
    }

    /// A reader of the (decompressed) content. Raw bytes read are added to `counter`.
    pub fn open(&self, counter: Option<Arc<AtomicU64>>) -> io::Result<Box<dyn BufRead + Send>> {
        let f = File::open(&self.path)?;
        let raw: Box<dyn Read + Send> = match counter {
            Some(counter) => Box::new(Counting { inner: f, counter }),
            None => Box::new(f),
        };
        Ok(if self.gzip {
            Box::new(BufReader::with_capacity(
                256 * 1024,
                MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, raw)),
            ))
        } else {
            Box::new(BufReader::with_capacity(256 * 1024, raw))
        })
    }

    /// Up to `n` bytes of decompressed content. A stream that breaks early (a truncated
    /// gzip) gives what could be read: recognition should still work on a damaged file.
    pub fn sample(&self, n: usize) -> io::Result<Vec<u8>> {
        let mut r = self.open(None)?;
        let mut out = Vec::with_capacity(n.min(self.size as usize + 16));
        let mut buf = [0u8; 8192];
        while out.len() < n {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => out.extend_from_slice(&buf[..k.min(n - out.len())]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if out.is_empty() && !self.gzip => return Err(e),
                Err(_) => break,
            }
        }
        Ok(out)
    }

    /// The last `n` raw bytes of the file (MaxMind databases keep their marker there).
    pub fn raw_tail(&self, n: u64) -> io::Result<Vec<u8>> {
        let mut f = File::open(&self.path)?;
        let start = self.size.saturating_sub(n);
        f.seek(SeekFrom::Start(start))?;
        let mut out = Vec::new();
        f.take(n).read_to_end(&mut out)?;
        Ok(out)
    }

    /// The whole decompressed content (for formats that need random access).
    pub fn read_all(&self, counter: Option<Arc<AtomicU64>>) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.open(counter)?.read_to_end(&mut out)?;
        Ok(out)
    }

    /// The file name, for naming a list in evidence.
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| self.display.clone())
    }
}
