import AuditCore

/// One schema migration: a name recorded in the database once applied, and its statements per dialect.
struct StoreMigration: Sendable {
    let name: String
    let sqlite: [String]
    let postgres: [String]

    init(name: String, sqlite: [String], postgres: [String]) {
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A migration whose statements are the same in both dialects.
    init(name: String, both statements: [String]) {
        self.init(name: name, sqlite: statements, postgres: statements)
    }

    func statements(_ dialect: StoreDialect) -> [String] { dialect == .sqlite ? sqlite : postgres }
}

/// Brings a store's schema up to date, the same way on both backends.
///
/// The applied names live in one table: `grdb_migrations` on SQLite (the table GRDB's migrator kept
/// before this one, so existing files keep working) and `schema_migrations` on PostgreSQL. Each
/// migration runs in ONE transaction with the row recording it, so a migration that fails midway
/// (or a process killed during it) leaves the previous version, and the error names the migration.
/// On PostgreSQL each transaction first takes a transaction-scoped advisory lock, so replicas
/// starting at once migrate one after the other: the second finds the work done and skips it.
/// A database that has applied a migration this binary does not know is refused before anything runs.
enum StoreMigrator {
    /// The advisory lock key of migrations: the ASCII of "fairuse" and "m", so other locks of the
    /// same database (e.g. a deadline sweep's) can choose other keys.
    static let advisoryLockKey: Int64 = 0x6661_6972_7573_656D

    static func table(_ dialect: StoreDialect) -> String { dialect == .sqlite ? "grdb_migrations" : "schema_migrations" }

    /// Applies every migration of `migrations` that the database has not applied, in order.
    static func migrate(_ backend: any StoreBackend, migrations: [StoreMigration] = StoreSchema.migrations) async throws {
        let table = table(backend.dialect)
        try await backend.write("preparing the schema migrations table of \(backend.name)") { tx in
            try lock(tx)
            try tx.execute("CREATE TABLE IF NOT EXISTS \(table) (identifier TEXT NOT NULL PRIMARY KEY)")
        }
        let applied = try await appliedNames(backend)
        try refuseUnknown(applied, known: migrations.map(\.name), store: backend.name)
        var current = migrations.last(where: { applied.contains($0.name) })?.name
        for migration in migrations where !applied.contains(migration.name) {
            do {
                try await backend.write("applying schema migration '\(migration.name)' to \(backend.name)") { tx in
                    try lock(tx)
                    let now = Set(try tx.fetchColumn("SELECT identifier FROM \(table)", as: String.self))
                    try refuseUnknown(now, known: migrations.map(\.name), store: backend.name)
                    guard !now.contains(migration.name) else { return }  // another replica applied it meanwhile
                    for statement in migration.statements(tx.dialect) { try tx.execute(statement) }
                    try tx.execute("INSERT INTO \(table) (identifier) VALUES (?)", [migration.name])
                }
            } catch let error as StoreError where error.code != .unknownSchema {
                let previous = current.map { "'\($0)'" } ?? "no migration (empty)"
                throw StoreError(code: .database, message: """
                    \(error.message); the migration was rolled back and \(backend.name) stays at schema migration \(previous)
                    """)
            }
            current = migration.name
        }
    }

    /// The names of the applied migrations (empty when the table does not exist yet).
    static func appliedNames(_ backend: any StoreBackend) async throws -> Set<String> {
        let table = table(backend.dialect)
        return try await backend.read("listing the schema migrations of \(backend.name)") { tx in
            Set(try tx.fetchColumn("SELECT identifier FROM \(table)", as: String.self))
        }
    }

    /// On PostgreSQL, waits for the migrations' advisory lock (released at commit or rollback).
    private static func lock(_ tx: any StoreTransaction) throws {
        if tx.dialect == .postgres { try tx.execute("SELECT pg_advisory_xact_lock(?)", [advisoryLockKey]) }
    }

    /// Throws ``StoreError/Code/unknownSchema`` when `applied` holds a name not in `known`.
    static func refuseUnknown(_ applied: Set<String>, known: [String], store: String) throws {
        let unknown = applied.subtracting(known).sorted()
        guard let first = unknown.first else { return }
        let more = unknown.count > 1 ? " (and \(unknown.count - 1) more: \(unknown.dropFirst().joined(separator: ", ")))" : ""
        throw StoreError(code: .unknownSchema, message: """
            \(store) has schema migration '\(first)'\(more) that this fairuse \(FairuseVersion.current) does not know \
            (it knows up to '\(known.last ?? "none")'); upgrade fairuse before starting this coordinator
            """)
    }
}
