import Foundation
import GRDB

extension Store {
    /// Copies the whole database into a NEW SQLite file at `path` with SQLite's online backup API, while the
    /// coordinator keeps serving (readers and the writer are not stopped; the copy is one consistent snapshot).
    /// Refuses an existing `path` rather than overwrite a backup. The copy is written to `path.partial`,
    /// checked (`PRAGMA integrity_check`) and then renamed, so a crash never leaves a half-written backup under
    /// the final name. Returns the migrations recorded in the copy (its schema version).
    /// A PostgreSQL store is refused: back it up with the database's own tools (`pg_dump`, base backups).
    public func backup(toSQLiteFile path: String) async throws -> [String] {
        guard let sqlite = backend as? SQLiteBackend else {
            throw StoreError(code: .invalidArgument, message: """
                backup: \(name) is PostgreSQL; back it up with PostgreSQL's tools (pg_dump --format=custom, or base \
                backups with WAL archiving), not with fairuse coordinator backup
                """)
        }
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else {
            throw StoreError(code: .invalidArgument, message: "backup: \(path) already exists; choose a new file name (a backup is never overwritten)")
        }
        let partial = path + ".partial"
        try? manager.removeItem(atPath: partial)
        do {
            let destination = try DatabaseQueue(path: partial)
            try await sqlite.writer.backup(to: destination)
            let migrations = try await destination.read { db -> [String] in
                let check = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer"
                guard check == "ok" else { throw StoreError.corrupt("backup: the copy failed its integrity check: \(check)") }
                let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
                return StoreSchema.names.filter(applied.contains) + applied.subtracting(StoreSchema.names).sorted()
            }
            try destination.close()
            try manager.moveItem(atPath: partial, toPath: path)
            return migrations
        } catch let error as DatabaseError {
            try? manager.removeItem(atPath: partial)
            throw StoreError.database(error, during: "backing up the store to \(path)")
        } catch {
            try? manager.removeItem(atPath: partial)
            throw error
        }
    }
}
