import AuditCore
import Foundation

/// Who combines an audit: a claim with a lease, so that of several replicas sharing the store one
/// combines, and a combine whose replica died is taken over once its lease lapses.
public struct CombineClaim: Sendable, Hashable {
    /// The audit being combined.
    public var auditID: AuditID
    /// The replica combining it (``ReplicaID``).
    public var holder: String
    /// When the current holder claimed it.
    public var claimedAt: Date
    /// Until when the claim holds unless renewed; after that any replica may take it.
    public var leaseUntil: Date
    /// How many times the combine was claimed, counting take-overs (1 when nothing went wrong).
    public var attempts: Int

    /// Creates a claim.
    public init(auditID: AuditID, holder: String, claimedAt: Date, leaseUntil: Date, attempts: Int) {
        self.auditID = auditID
        self.holder = holder
        self.claimedAt = claimedAt
        self.leaseUntil = leaseUntil
        self.attempts = attempts
    }

    /// Whether the lease still holds at `time`.
    public func isLive(at time: Date) -> Bool { leaseUntil > time }

    init(row: StoreRow) throws {
        self.init(auditID: try row.identifier("audit_id", of: "a combine claim"), holder: try row.get("holder"),
                  claimedAt: try row.get("claimed_at"), leaseUntil: try row.get("lease_until"), attempts: try row.get("attempts"))
    }
}

extension Store {
    /// Claims the combine of `auditID` for `holder` until `time + lease`, in one write transaction:
    /// granted when the audit is combining and nobody holds a live claim (or `holder` already does,
    /// which renews it). Returns the claim granted, or nil — the audit is not combining (already
    /// combined, cancelled) or another replica's lease is live.
    public func claimCombine(_ auditID: AuditID, holder: ReplicaID, at time: Date, lease: Duration) async throws -> CombineClaim? {
        try await write("claiming the combine of audit \(auditID)") { tx in
            // The audit row is locked (PostgreSQL), so replicas claiming at once take turns.
            guard let audit = try AuditRecord.fetch(tx, id: auditID, lock: true), audit.state == .combining else { return nil }
            let until = time.addingTimeInterval(lease.seconds)
            if let current = try Self.combineClaim(tx, auditID) {
                if current.holder != holder.rawValue && current.isLive(at: time) { return nil }
                let takeOver = current.holder != holder.rawValue
                let claim = CombineClaim(auditID: auditID, holder: holder.rawValue, claimedAt: takeOver ? time : current.claimedAt,
                                         leaseUntil: until, attempts: current.attempts + (takeOver ? 1 : 0))
                try tx.execute("UPDATE combine_claim SET holder = ?, claimed_at = ?, lease_until = ?, attempts = ? WHERE audit_id = ?",
                               [claim.holder, claim.claimedAt, claim.leaseUntil, claim.attempts, auditID])
                return claim
            }
            let claim = CombineClaim(auditID: auditID, holder: holder.rawValue, claimedAt: time, leaseUntil: until, attempts: 1)
            try tx.execute("INSERT INTO combine_claim (audit_id, holder, claimed_at, lease_until, attempts) VALUES (?, ?, ?, ?, ?)",
                           [auditID, claim.holder, claim.claimedAt, claim.leaseUntil, claim.attempts])
            return claim
        }
    }

    /// Extends `holder`'s claim on `auditID` to `time + lease` (the combiner's heartbeat). Returns
    /// false, changing nothing, when the claim is no longer `holder`'s (it lapsed and was taken over).
    public func renewCombineClaim(_ auditID: AuditID, holder: ReplicaID, at time: Date, lease: Duration) async throws -> Bool {
        try await write("renewing the combine claim of audit \(auditID)") { tx in
            try tx.execute("UPDATE combine_claim SET lease_until = ? WHERE audit_id = ? AND holder = ?",
                           [time.addingTimeInterval(lease.seconds), auditID, holder.rawValue]) > 0
        }
    }

    /// The combine claim of `auditID`, if one was ever made (it stays after the combine, naming who did it).
    public func combineClaim(of auditID: AuditID) async throws -> CombineClaim? {
        try await read("reading the combine claim of audit \(auditID)") { tx in try Self.combineClaim(tx, auditID) }
    }

    /// Combining audits that no replica holds a live claim on at `time`: never claimed (the replica
    /// that took the last submission died before it claimed) or claimed by a replica whose lease lapsed.
    public func unclaimedCombines(at time: Date) async throws -> [AuditID] {
        try await read("listing combines without a live claim") { tx in
            try tx.fetchAll("""
                SELECT audit.id FROM audit LEFT JOIN combine_claim ON combine_claim.audit_id = audit.id
                WHERE audit.state = 'combining' AND (combine_claim.audit_id IS NULL OR combine_claim.lease_until <= ?)
                ORDER BY audit.deadline, audit.id
                """, [time]).map { try $0.identifier("id", of: "a combining audit") as AuditID }
        }
    }

    static func combineClaim(_ tx: any StoreTransaction, _ auditID: AuditID) throws -> CombineClaim? {
        try tx.fetchOne("SELECT * FROM combine_claim WHERE audit_id = ?", [auditID]).map { try CombineClaim(row: $0) }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
