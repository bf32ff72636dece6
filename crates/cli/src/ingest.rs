//! `bonafide ingest --nats URL PATH...`: reads event files with the same readers as
//! `bonafide scan` and publishes every normalised event to JetStream, partitioned by
//! account (see `bus`). Reference inputs (people, accounts, records, IP intelligence,
//! lists) are not published: they are small, change slowly and are needed whole by the
//! finalize step (`bonafide scan --from-db URL REFERENCE...`), which reads them itself.
//!
//! Records the readers quarantine, or keep without a field, are published too, as
//! problems of their file, so the finalize step counts and lists them like an embedded
//! scan does.
//!
//! Delivery is at least once: a failed run can simply be repeated, because the server
//! drops republished ids within its window (`Nats-Msg-Id`) and workers upsert by id.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use bonafide_core::{Event, QuarantineEntry, Record, SourceId, Subject};
use bonafide_engine::{Config, ScanRequest};
use bonafide_ingest::input::SAMPLE_BYTES;
use bonafide_ingest::{Accept, AccountLink, ColumnMap, Format, ReadContext, ReadOptions, RecordSink, Role};

use crate::bus;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Event files and folders to publish (folders are walked, as for scan).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The NATS server with JetStream.
    #[arg(long, env = "BONAFIDE_NATS_URL", value_name = "URL")]
    nats: String,
    /// The JetStream stream (created if missing); its subjects are `<name>.events.<p>`
    /// in lower case.
    #[arg(long, env = "BONAFIDE_STREAM", default_value = bus::STREAM)]
    stream: String,
    /// How many partitions the stream is split into (every ingest into one stream must
    /// use the same number; workers take ranges of them).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1024))]
    partition_count: u32,
    /// Rename columns of your CSV exports onto bonafide's (TOML, one table per format).
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// The fingerprint key file (default: see `bonafide config`).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Publish acknowledgements awaited at most this far behind.
    #[arg(long, default_value_t = 2048)]
    in_flight: usize,
}

/// What a reader thread sends to the publisher.
enum Item {
    Event(Box<Event>),
    Problem(bus::ProblemKind, QuarantineEntry),
}

struct ChannelSink {
    tx: tokio::sync::mpsc::Sender<Item>,
}

impl RecordSink for ChannelSink {
    fn subject(&mut self, _: Subject) -> Accept {
        Accept::Rejected("a subject record in an event input is not published".into())
    }
    fn account(&mut self, _: AccountLink) -> Accept {
        Accept::Rejected("an account link in an event input is not published".into())
    }
    fn event(&mut self, event: Event) -> Accept {
        match self.tx.blocking_send(Item::Event(Box::new(event))) {
            Ok(()) => Accept::Accepted,
            Err(_) => Accept::Rejected("the publisher stopped".into()),
        }
    }
    fn record(&mut self, _: Record) -> Accept {
        Accept::Rejected("a subject record in an event input is not published".into())
    }
    fn quarantine(&mut self, entry: QuarantineEntry) {
        let _ = self.tx.blocking_send(Item::Problem(bus::ProblemKind::Quarantine, entry));
    }
    fn field_issue(&mut self, entry: QuarantineEntry) {
        let _ = self.tx.blocking_send(Item::Problem(bus::ProblemKind::FieldIssue, entry));
    }
}

fn batch_id() -> String {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    format!("{ms:015}-{:08x}", std::process::id())
}

pub fn run(config_path: Option<&PathBuf>, args: IngestArgs) -> Result<ExitCode> {
    let config = Config::discover(config_path.map(PathBuf::as_path))?;
    let mut column_map = match &args.map {
        Some(p) => ColumnMap::load(p)?,
        None => ColumnMap::default(),
    };
    for (query, table) in &config.osquery.queries {
        column_map.insert("osquery", query, table);
    }
    let key_path = config.fingerprint.key_path(args.key_file.as_deref());
    let keyring = crate::open_keyring(&key_path)?;
    let req = ScanRequest { column_map: column_map.clone(), ..ScanRequest::new(args.paths.clone(), keyring.clone()) };
    let planned = bonafide_engine::scan::plan_inputs(&config, &req);
    let options = ReadOptions { max_record_bytes: config.limits.max_record_bytes, column_map, keyring };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(publish_all(planned, options, &args))
}

async fn publish_all(
    planned: Vec<bonafide_engine::plan::Planned>,
    options: ReadOptions,
    args: &IngestArgs,
) -> Result<ExitCode> {
    let client =
        async_nats::connect(&args.nats).await.with_context(|| format!("connecting to NATS at {}", args.nats))?;
    let js = async_nats::jetstream::new(client.clone());
    let bus = bus::Bus::new(&args.stream)?;
    bus::ensure_stream(&js, &bus).await?;
    let batch = batch_id();
    let started = Instant::now();
    let (mut total, mut total_quarantined) = (0u64, 0u64);
    let mut stopped_early = Vec::new();
    for (ord, p) in planned.iter().enumerate() {
        let (Some(input), Some(format), None) = (&p.input, p.format, &p.skip) else {
            eprintln!("{}: skipped ({})", p.display, p.skip.as_deref().unwrap_or("not recognised"));
            continue;
        };
        if format.role() != Role::Events {
            eprintln!(
                "{}: {} is a reference input, not published; give it to `bonafide scan --from-db`",
                p.display,
                format.name()
            );
            continue;
        }
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(4096);
        let input = input.clone();
        let opts = options.clone();
        let reader = std::thread::spawn(move || -> std::io::Result<()> {
            let mut sink = ChannelSink { tx };
            let source = SourceId(ord as u32);
            if format == Format::Git {
                let cx = ReadContext { source, input: &input, options: &opts, sample: &[] };
                return bonafide_ingest::commits::read_repository(&cx, &input.path, &mut sink);
            }
            let sample = input.sample(SAMPLE_BYTES)?;
            let cx = ReadContext { source, input: &input, options: &opts, sample: &sample };
            let mut r = input.open(None)?;
            bonafide_ingest::read(&cx, format, &mut r, &mut sink)
        });
        let (mut published, mut quarantined, mut issues) = (0u64, 0u64, 0u64);
        let mut acks: VecDeque<async_nats::jetstream::context::PublishAckFuture> = VecDeque::new();
        while let Some(item) = rx.recv().await {
            let (id, actor, event, problem) = match item {
                Item::Event(e) => {
                    let event_json = serde_json::to_string(&e.as_ref())?;
                    (bus::event_id(&e, &p.display, &event_json), bus::actor_key(&e), Some(*e), None)
                }
                Item::Problem(kind, q) => {
                    if kind == bus::ProblemKind::Quarantine {
                        quarantined += 1;
                        if quarantined <= 5 {
                            eprintln!("{}:{}: quarantined: {}", p.display, q.pos.line, q.reason);
                        }
                    } else {
                        issues += 1;
                    }
                    let problem = bus::Problem { kind, line: q.pos.line, index: q.pos.index, reason: q.reason };
                    (bus::problem_id(&p.display, &problem), bus::problem_key(&p.display), None, Some(problem))
                }
            };
            let part = bus::partition(&actor, args.partition_count);
            let env = bus::Envelope {
                v: bus::VERSION,
                id: id.clone(),
                batch: batch.clone(),
                file_ord: ord as u64,
                file: p.display.clone(),
                format: format.name().to_string(),
                actor,
                part,
                event,
                problem,
            };
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", id.as_str());
            let ack = js
                .publish_with_headers(bus.subject(part), headers, serde_json::to_vec(&env)?.into())
                .await
                .map_err(|e| anyhow::anyhow!("publishing to {}: {e}", bus.subject(part)))?;
            acks.push_back(ack);
            while acks.len() > args.in_flight {
                if let Some(a) = acks.pop_front() {
                    a.await.map_err(|e| anyhow::anyhow!("the server did not store a message: {e}"))?;
                }
            }
            published += u64::from(env.event.is_some());
        }
        for a in acks {
            a.await.map_err(|e| anyhow::anyhow!("the server did not store a message: {e}"))?;
        }
        match reader.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("{}: reading stopped early: {e}; the events before were published", p.display);
                stopped_early.push(p.display.clone());
            }
            Err(_) => bail!("the reader of {} panicked", p.display),
        }
        eprintln!(
            "{}: {} events published, {} quarantined, {} field issues (published as problems of the file)",
            p.display, published, quarantined, issues
        );
        total += published;
        total_quarantined += quarantined;
    }
    client.flush().await.context("flushing to NATS")?;
    let secs = started.elapsed().as_secs_f64();
    crate::emit(&format!(
        "published {total} events ({total_quarantined} quarantined) as batch {batch} in {secs:.1} s ({:.0} events/s)\n",
        total as f64 / secs.max(1e-9)
    ));
    if !stopped_early.is_empty() {
        // Publishing is idempotent (message and event ids), so running again after the
        // cause is fixed completes the batch without duplicates.
        eprintln!("not every input was read to its end ({}); fix and run again", stopped_early.join(", "));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
