import AuditCore
import Foundation
import GRDB

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

extension OperatorCertificateRecord: FetchableRecord {
    public init(row: Row) throws {
        fingerprint = row["fingerprint"]
        name = row["name"]
        status = SiteStatus(rawValue: row["status"]) ?? .revoked
        firstSeenAt = row["first_seen_at"]
        lastSeenAt = row["last_seen_at"]
        revokedAt = row["revoked_at"]
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
        try await write("recording operator \(name)") { db in
            if var record = try OperatorCertificateRecord.fetchOne(
                db, sql: "SELECT * FROM operator_certificate WHERE fingerprint = ?", arguments: [fingerprint]) {
                if record.name.isEmpty || record.firstSeenAt == nil || (record.lastSeenAt.map { time.timeIntervalSince($0) >= 60 } ?? true) {
                    try db.execute(sql: """
                        UPDATE operator_certificate SET name = ?, first_seen_at = COALESCE(first_seen_at, ?), last_seen_at = ?
                        WHERE fingerprint = ?
                        """, arguments: [name.rawValue, time, time, fingerprint])
                    record.name = name.rawValue
                    record.firstSeenAt = record.firstSeenAt ?? time
                    record.lastSeenAt = time
                }
                return record
            }
            try db.execute(sql: """
                INSERT INTO operator_certificate (fingerprint, name, status, first_seen_at, last_seen_at)
                VALUES (?, ?, 'active', ?, ?)
                """, arguments: [fingerprint, name.rawValue, time, time])
            return OperatorCertificateRecord(fingerprint: fingerprint, name: name.rawValue, status: .active,
                                             firstSeenAt: time, lastSeenAt: time)
        }
    }

    /// Revokes every certificate of `name` the coordinator has seen; `notFound` if it has seen none (then
    /// revoke by fingerprint, or publish the serial in the CA's revocation list). Returns the affected records.
    public func revokeOperator(name: OperatorName, at time: Date) async throws -> [OperatorCertificateRecord] {
        try await write("revoking operator \(name)") { db in
            let fingerprints = try String.fetchAll(
                db, sql: "SELECT fingerprint FROM operator_certificate WHERE name = ? ORDER BY fingerprint", arguments: [name.rawValue])
            guard !fingerprints.isEmpty else {
                throw StoreError.notFound("no certificate of operator \(name) has been seen; revoke it by --fingerprint or --certificate")
            }
            for fingerprint in fingerprints { try Self.revokeOperatorCertificate(db, fingerprint: fingerprint, name: name.rawValue, at: time) }
            return try OperatorCertificateRecord.fetchAll(
                db, sql: "SELECT * FROM operator_certificate WHERE name = ? ORDER BY fingerprint", arguments: [name.rawValue])
        }
    }

    /// Revokes one operator certificate by fingerprint, seen or not; revoking it again changes nothing.
    public func revokeOperatorCertificate(fingerprint: String, at time: Date) async throws -> OperatorCertificateRecord {
        try await write("revoking an operator certificate") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM site WHERE fingerprint = ?", arguments: [fingerprint]) != nil {
                throw StoreError(code: .invalidArgument,
                                 message: "the fingerprint is a site's certificate; revoke the site with `coordinator site revoke`")
            }
            try Self.revokeOperatorCertificate(db, fingerprint: fingerprint, name: nil, at: time)
            return try OperatorCertificateRecord.fetchOne(
                db, sql: "SELECT * FROM operator_certificate WHERE fingerprint = ?", arguments: [fingerprint])!
        }
    }

    /// Every operator certificate seen or revoked, by name then fingerprint.
    public func operatorCertificates() async throws -> [OperatorCertificateRecord] {
        try await read("listing operators") { db in
            try OperatorCertificateRecord.fetchAll(db, sql: "SELECT * FROM operator_certificate ORDER BY name, fingerprint")
        }
    }

    private static func revokeOperatorCertificate(_ db: Database, fingerprint: String, name: String?, at time: Date) throws {
        let existing = try OperatorCertificateRecord.fetchOne(
            db, sql: "SELECT * FROM operator_certificate WHERE fingerprint = ?", arguments: [fingerprint])
        if existing?.status == .revoked { return }
        if existing == nil {
            try db.execute(sql: """
                INSERT INTO operator_certificate (fingerprint, name, status, revoked_at) VALUES (?, ?, 'revoked', ?)
                """, arguments: [fingerprint, name ?? "", time])
        } else {
            try db.execute(sql: "UPDATE operator_certificate SET status = 'revoked', revoked_at = ? WHERE fingerprint = ?",
                           arguments: [time, fingerprint])
        }
        let who = (existing?.name ?? name).flatMap { $0.isEmpty ? nil : "operator \($0)" } ?? "an operator never seen"
        try EventRecord.insert(db, auditID: nil, taskID: nil, siteID: nil, kind: .operatorRevoked,
                               detail: "\(who), certificate \(fingerprint)", at: time)
    }
}
