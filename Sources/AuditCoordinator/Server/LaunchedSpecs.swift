import AuditCore
import AuditSpec
import AuditWire
import Synchronization

/// The specs of launched audits in wire form (decoded, with their digest), kept per process.
///
/// An audit's spec is fixed at launch, yet every long poll, progress report and result needs its
/// task in wire form: decoding the stored JSON and rendering the canonical YAML for the digest
/// cost more than the rest of a progress report (measured with `fairuse benchmark load` and perf).
/// An entry is used only while the record's stored spec text is the text it was made from, so a
/// replica never serves another spec than the store holds. Bounded: past ``capacity`` audits
/// the cache starts over (an audit's entry is remade on its next request).
final class LaunchedSpecs: Sendable {
    /// One audit's spec, the stored text it was decoded from, and ``SiteTask/specDigest(_:)`` of it.
    struct Entry: Sendable {
        let text: String
        let spec: AuditSpec
        let digest: String
    }

    /// Audits kept at most.
    static let capacity = 256
    private let entries = Mutex<[AuditID: Entry]>([:])

    /// The spec of `audit` and its digest; nil when the stored spec cannot be read (never expected).
    func spec(of audit: AuditRecord) -> (spec: AuditSpec, digest: String)? {
        let text = audit.specJSON ?? audit.specYAML
        if let entry = entries.withLock({ $0[audit.id] }), entry.text == text { return (entry.spec, entry.digest) }
        guard let spec = try? audit.spec() else { return nil }
        let entry = Entry(text: text, spec: spec, digest: SiteTask.specDigest(spec))
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[audit.id] = entry
        }
        return (entry.spec, entry.digest)
    }
}
