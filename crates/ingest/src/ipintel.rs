//! IP-intelligence files in a scan: handed to the intel crate's parsers, with their
//! bad lines quarantined like any other record.

use std::io::BufRead;

use bonafide_core::IpKind;
use bonafide_intel::ip::{IpFormat, IpIntelBuilder, formats, mmdb};

use crate::{ReadContext, RecordSink};

/// The kind a bare IP or AS list stands for: given explicitly (`--ip-list vpn=FILE`),
/// else suggested by the file name. `None` for a bare IP list means it cannot be used.
pub fn list_kind(format: IpFormat, explicit: Option<IpKind>, file_name: &str) -> Option<IpKind> {
    explicit.or_else(|| formats::kind_from_name(file_name)).or(match format {
        IpFormat::AsnList => Some(formats::default_asn_list_kind()),
        _ => None,
    })
}

/// Reads one IP-intelligence file; returns the number of entries used. The list is
/// named after its file in evidence.
pub fn read(
    cx: &ReadContext<'_>,
    format: IpFormat,
    kind: Option<IpKind>,
    builder: &mut IpIntelBuilder,
    reader: &mut dyn BufRead,
    sink: &mut dyn RecordSink,
) -> std::io::Result<u64> {
    let name = cx.input.file_name();
    let used = if format == IpFormat::Mmdb {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes)?;
        // Networks of a database have no line: the position is the network's index.
        let mut bad_network = |i: u64, reason: String| cx.quarantine(sink, 0, Some(i), reason);
        match mmdb::load(builder, &name, bytes, &mut bad_network) {
            Ok(n) => n,
            Err(e) => {
                cx.quarantine(sink, 0, None, e.to_string());
                0
            }
        }
    } else {
        let mut bad = |line: u64, reason: String| cx.quarantine(sink, line, None, reason);
        formats::load(builder, format, &name, kind, reader, &mut bad)?
    };
    let label = match (format, kind) {
        (IpFormat::IpList | IpFormat::AsnList, Some(k)) => {
            format!("{} ({})", format.name(), k.as_str())
        }
        _ => format.name().to_string(),
    };
    builder.note_source(&name, &label, used);
    Ok(used)
}
