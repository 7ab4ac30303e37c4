import AuditCore
import AuditWire
import Foundation

extension Store {
    /// Records a ledger head a site's agent sent and returns the highest the coordinator now holds
    /// for the site. Heads only move forward: a lower sequence (a late concurrent request) leaves
    /// the stored head as it is, so the record is the furthest point the site's ledger reached.
    @discardableResult
    public func recordLedgerHead(_ head: LedgerHead, site: SiteID, at time: Date) async throws -> LedgerHead {
        // Every request of a real agent carries its head, so this is one statement when the head
        // moves forward (the usual case: one round trip on PostgreSQL), and a read after it when it
        // does not (a repeat, or a stale head): the stored, higher head is what the site is told.
        let stored: LedgerHead? = try await writeStatement("recording the ledger head of site \(site)") { tx in
            try tx.fetchOne("""
                INSERT INTO ledger_head (site_id, sequence, hash, received_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (site_id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash,
                    received_at = excluded.received_at
                WHERE excluded.sequence > ledger_head.sequence
                RETURNING sequence, hash
                """, [site, head.sequence, head.hash, time]).map { LedgerHead(sequence: try $0.get("sequence"), hash: try $0.get("hash")) }
        }
        if let stored { return stored }
        return try await ledgerHead(site: site)?.head ?? head
    }

    /// The highest ledger head received from the site, and when; nil when its agent never sent one.
    public func ledgerHead(site: SiteID) async throws -> (head: LedgerHead, receivedAt: Date)? {
        try await readStatement("reading the ledger head of site \(site)") { tx in try Self.ledgerHead(tx, site: site) }
    }

    static func ledgerHead(_ tx: any StoreTransaction, site: SiteID) throws -> (head: LedgerHead, receivedAt: Date)? {
        guard let row = try tx.fetchOne("SELECT sequence, hash, received_at FROM ledger_head WHERE site_id = ?",
                                         [site]) else { return nil }
        return (LedgerHead(sequence: try row.get("sequence"), hash: try row.get("hash")), try row.get("received_at"))
    }
}
