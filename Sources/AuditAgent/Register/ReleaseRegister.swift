import AuditWire
import Foundation

/// The site's local release register (`state_dir/releases.json`): every result that left, so
/// the next task can be checked against all of them for differencing (`CrossAuditCheck`). One
/// JSON file, schema-versioned, replaced atomically with mode 0600; it stays on the site — the
/// agent never sends it, and it holds only what was released anyway plus the spec and a digest.
public struct ReleaseRegister: Sendable {
    /// The schema this build reads and writes.
    public static let schemaVersion = 1

    /// The register file.
    public let path: String

    /// The register in the agent's state folder.
    public init(stateDirectory: String) {
        path = stateDirectory + "/releases.json"
    }

    /// The register cannot be read: names the file and what was expected.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What is wrong.
        public var message: String
        /// "PATH: message".
        public var description: String { "\(path): \(message)" }
    }

    struct Document: Codable {
        var schemaVersion: Int
        var releases: [ReleaseRecord]
        enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", releases }
    }

    /// Every recorded release, oldest first (an absent file is an empty register).
    public func releases() throws(ReadError) -> [ReleaseRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, message: "cannot be read (permissions?)")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw ReadError(path: path, message: "expected a release register (JSON with schema_version and releases): \(error)")
        }
        guard document.schemaVersion == Self.schemaVersion else {
            throw ReadError(path: path, message: "schema_version \(document.schemaVersion), expected \(Self.schemaVersion)")
        }
        return document.releases
    }

    /// The releases on data with digest `dataset`, oldest first.
    public func releases(onDataset dataset: String) throws(ReadError) -> [ReleaseRecord] {
        try releases().filter { $0.datasetSHA256 == dataset }
    }

    /// Appends `record`, stamped `releasedAt`; a record of the same task replaces the earlier one.
    public func record(_ record: ReleaseRecord, releasedAt: Date) throws {
        var entry = record
        entry.releasedAt = EgressLedger.timestamp(releasedAt)
        var all = try releases().filter { $0.task != record.task }
        all.append(entry)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Self.writePrivately(try encoder.encode(Document(schemaVersion: Self.schemaVersion, releases: all)), to: path)
    }

    /// Writes a 0600 temporary sibling, flushes it and renames it over `path`.
    static func writePrivately(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
