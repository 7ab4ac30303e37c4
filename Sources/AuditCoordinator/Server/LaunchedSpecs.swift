import AuditCore
import AuditSpec
import AuditWire
import Foundation
import Synchronization

/// The specs of launched audits in wire form (decoded, with their digest and canonical JSON), kept
/// per process.
///
/// An audit's spec is fixed at launch, yet every long poll, progress report and result needs its
/// task in wire form: decoding the stored JSON and rendering the canonical YAML for the digest
/// cost more than the rest of a progress report, and encoding the spec was most of a long poll's
/// answer (measured with `fairuse benchmark load` and perf).
/// An entry is used only while the record's stored spec text is the text it was made from, so a
/// replica never serves another spec than the store holds. Bounded: past ``capacity`` audits
/// the cache starts over (an audit's entry is remade on its next request).
final class LaunchedSpecs: Sendable {
    /// One audit's spec, the stored text it was decoded from, ``SiteTask/specDigest(_:)`` of it,
    /// and its canonical JSON (``PayloadCodec/encodeJSON(_:)``, for ``TaskList/canonicalJSON(_:)``).
    struct Entry: Sendable {
        let text: String
        let spec: AuditSpec
        let digest: String
        let json: Data
    }

    /// Audits kept at most.
    static let capacity = 256
    private let entries = Mutex<[AuditID: Entry]>([:])

    /// Audits held now.
    var count: Int { entries.withLock { $0.count } }

    /// The spec of `audit` in wire form; nil when the stored spec cannot be read (never expected).
    func spec(of audit: AuditRecord) -> Entry? {
        let text = audit.specJSON ?? audit.specYAML
        if let entry = entries.withLock({ $0[audit.id] }), entry.text == text { return entry }
        guard let spec = try? audit.spec(), let json = try? PayloadCodec.encodeJSON(spec) else { return nil }
        let entry = Entry(text: text, spec: spec, digest: SiteTask.specDigest(spec), json: json)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[audit.id] = entry
        }
        return entry
    }
}
