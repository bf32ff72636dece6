//! A progress bar on a terminal: bytes and records per second, polled from the scan's
//! counters by a small thread so the scan itself never waits on drawing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bonafide_engine::Progress;
use indicatif::{ProgressBar, ProgressStyle};

pub struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

pub fn start(p: Progress) -> Bar {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        let started = Instant::now();
        loop {
            let done = flag.load(Ordering::Relaxed);
            bar.set_length(p.total_bytes.load(Ordering::Relaxed));
            bar.set_position(p.bytes.load(Ordering::Relaxed));
            let records = p.records.load(Ordering::Relaxed);
            let rate = records as f64 / started.elapsed().as_secs_f64().max(0.001);
            let current = p.current.lock().map(|c| c.clone()).unwrap_or_default();
            bar.set_message(format!("{records} records ({rate:.0}/s) {current}"));
            if done {
                bar.finish_and_clear();
                return;
            }
            std::thread::sleep(Duration::from_millis(120));
        }
    });
    Bar { stop, thread: Some(thread) }
}

impl Bar {
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
