import AuditCore
import AuditWire
import Foundation
import GRDB

extension Store {
    /// Records a ledger head a site's agent sent and returns the highest the coordinator now holds
    /// for the site. Heads only move forward: a lower sequence (a late concurrent request) leaves
    /// the stored head as it is, so the record is the furthest point the site's ledger reached.
    @discardableResult
    public func recordLedgerHead(_ head: LedgerHead, site: SiteID, at time: Date) async throws -> LedgerHead {
        try await write("recording the ledger head of site \(site)") { db in
            try db.execute(sql: """
                INSERT INTO ledger_head (site_id, sequence, hash, received_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (site_id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash,
                    received_at = excluded.received_at
                WHERE excluded.sequence > ledger_head.sequence
                """, arguments: [site, head.sequence, head.hash, time])
            return try Self.ledgerHead(db, site: site)?.head ?? head
        }
    }

    /// The highest ledger head received from the site, and when; nil when its agent never sent one.
    public func ledgerHead(site: SiteID) async throws -> (head: LedgerHead, receivedAt: Date)? {
        try await read("reading the ledger head of site \(site)") { db in try Self.ledgerHead(db, site: site) }
    }

    static func ledgerHead(_ db: Database, site: SiteID) throws -> (head: LedgerHead, receivedAt: Date)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash, received_at FROM ledger_head WHERE site_id = ?",
                                         arguments: [site]) else { return nil }
        return (LedgerHead(sequence: row["sequence"], hash: row["hash"]), row["received_at"])
    }
}
