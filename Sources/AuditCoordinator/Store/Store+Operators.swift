import AuditCore
import Foundation

/// An operator certificate the coordinator has seen or revoked: a row of `operator_certificate`.
public struct OperatorCertificateRecord: Sendable, Hashable {
    /// SHA-256 of the certificate's DER encoding.
    public var fingerprint: String
    /// The operator it names (empty for a certificate revoked by fingerprint before it was ever seen).
    public var name: String
    /// Active, or revoked (refused at authentication).
    public var status: SiteStatus
    /// When it first authenticated, if it ever did.
    public var firstSeenAt: Date?
    /// When it last authenticated.
    public var lastSeenAt: Date?
    /// When it was revoked.
    public var revokedAt: Date?
}

extension OperatorCertificateRecord {
    init(row: StoreRow) throws {
        fingerprint = try row.get("fingerprint")
        name = try row.get("name")
        status = SiteStatus(rawValue: try row.get("status")) ?? .revoked
        firstSeenAt = try row.get("first_seen_at")
        lastSeenAt = try row.get("last_seen_at")
        revokedAt = try row.get("revoked_at")
    }

    static func fetchAll(_ tx: any StoreTransaction, _ sql: String, _ arguments: StoreArguments = []) throws -> [OperatorCertificateRecord] {
        try tx.fetchAll(sql, arguments).map(OperatorCertificateRecord.init(row:))
    }

    static func fetch(_ tx: any StoreTransaction, fingerprint: String, lock: Bool = false) throws -> OperatorCertificateRecord? {
        try fetchAll(tx, "SELECT * FROM operator_certificate WHERE fingerprint = ?" + (lock ? tx.forUpdate : ""), [fingerprint]).first
    }
}

extension EventKind {
    /// An operator certificate was revoked; the detail names the operator and the fingerprint.
    public static let operatorRevoked = EventKind(rawValue: "operator_revoked")
}

extension Store {
    /// Records that an operator's certificate authenticated and returns its record; a revoked certificate
    /// keeps its status (the caller refuses it). Writes at most once a minute per certificate.
    public func noteOperator(name: OperatorName, fingerprint: String, at time: Date) async throws -> OperatorCertificateRecord {
        try await write("recording operator \(name)") { tx in
            if var record = try OperatorCertificateRecord.fetch(tx, fingerprint: fingerprint, lock: true) {
                if record.name.isEmpty || record.firstSeenAt == nil || (record.lastSeenAt.map { time.timeIntervalSince($0) >= 60 } ?? true) {
                    try tx.execute("""
                        UPDATE operator_certificate SET name = ?, first_seen_at = COALESCE(first_seen_at, ?), last_seen_at = ?
                        WHERE fingerprint = ?
                        """, [name.rawValue, time, time, fingerprint])
                    record.name = name.rawValue
                    record.firstSeenAt = record.firstSeenAt ?? time
                    record.lastSeenAt = time
                }
                return record
            }
            try tx.execute("""
                INSERT INTO operator_certificate (fingerprint, name, status, first_seen_at, last_seen_at)
                VALUES (?, ?, 'active', ?, ?)
                """, [fingerprint, name.rawValue, time, time])
            return OperatorCertificateRecord(fingerprint: fingerprint, name: name.rawValue, status: .active,
                                             firstSeenAt: time, lastSeenAt: time)
        }
    }

    /// Revokes every certificate of `name` the coordinator has seen; `notFound` if it has seen none (then
    /// revoke by fingerprint, or publish the serial in the CA's revocation list). Returns the affected records.
    public func revokeOperator(name: OperatorName, at time: Date) async throws -> [OperatorCertificateRecord] {
        try await write("revoking operator \(name)") { tx in
            let fingerprints = try tx.fetchColumn("SELECT fingerprint FROM operator_certificate WHERE name = ? ORDER BY fingerprint",
                                                  [name.rawValue], as: String.self)
            guard !fingerprints.isEmpty else {
                throw StoreError.notFound("no certificate of operator \(name) has been seen; revoke it by --fingerprint or --certificate")
            }
            for fingerprint in fingerprints { try Self.revokeOperatorCertificate(tx, fingerprint: fingerprint, name: name.rawValue, at: time) }
            return try OperatorCertificateRecord.fetchAll(
                tx, "SELECT * FROM operator_certificate WHERE name = ? ORDER BY fingerprint", [name.rawValue])
        }
    }

    /// Revokes one operator certificate by fingerprint, seen or not; revoking it again changes nothing.
    public func revokeOperatorCertificate(fingerprint: String, at time: Date) async throws -> OperatorCertificateRecord {
        try await write("revoking an operator certificate") { tx in
            if try tx.exists("SELECT 1 FROM site WHERE fingerprint = ?", [fingerprint]) {
                throw StoreError(code: .invalidArgument,
                                 message: "the fingerprint is a site's certificate; revoke the site with `coordinator site revoke`")
            }
            try Self.revokeOperatorCertificate(tx, fingerprint: fingerprint, name: nil, at: time)
            guard let record = try OperatorCertificateRecord.fetch(tx, fingerprint: fingerprint) else {
                throw StoreError.corrupt("the revoked operator certificate was not stored")
            }
            return record
        }
    }

    /// Every operator certificate seen or revoked, by name then fingerprint.
    public func operatorCertificates() async throws -> [OperatorCertificateRecord] {
        try await read("listing operators") { tx in
            try OperatorCertificateRecord.fetchAll(tx, "SELECT * FROM operator_certificate ORDER BY name, fingerprint")
        }
    }

    private static func revokeOperatorCertificate(_ tx: any StoreTransaction, fingerprint: String, name: String?, at time: Date) throws {
        let existing = try OperatorCertificateRecord.fetch(tx, fingerprint: fingerprint, lock: true)
        if existing?.status == .revoked { return }
        if existing == nil {
            try tx.execute("""
                INSERT INTO operator_certificate (fingerprint, name, status, revoked_at) VALUES (?, ?, 'revoked', ?)
                """, [fingerprint, name ?? "", time])
        } else {
            try tx.execute("UPDATE operator_certificate SET status = 'revoked', revoked_at = ? WHERE fingerprint = ?",
                           [time, fingerprint])
        }
        let who = (existing?.name ?? name).flatMap { $0.isEmpty ? nil : "operator \($0)" } ?? "an operator never seen"
        try EventRecord.insert(tx, auditID: nil, taskID: nil, siteID: nil, kind: .operatorRevoked,
                               detail: "\(who), certificate \(fingerprint)", at: time)
    }
}
