extension Store {
    /// Every row of every table (but `excluding`), as text, tables by name and rows in key order: what
    /// tests compare to show that a refused request stored nothing. Both dialects.
    func dump(excluding: Set<String> = []) async throws -> String {
        try await read("dumping the store") { tx in
            let tables: [String] = switch tx.dialect {
            case .sqlite:
                try tx.fetchColumn("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", as: String.self)
            case .postgres:
                try tx.fetchColumn("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
                                   as: String.self)
            }
            return try tables.filter { !excluding.contains($0) && $0 != "sqlite_sequence" }.map { table in
                let rows = try tx.fetchAll("SELECT * FROM \"\(table)\" ORDER BY 1", [])
                let text = rows.map { row in
                    row.columnOrder.map { "\($0)=\(row.values[$0].map { "\($0)" } ?? "?")" }.joined(separator: ", ")
                }
                return "\(table): [\(text.joined(separator: "; "))]"
            }.joined(separator: "\n")
        }
    }
}
