import ArgumentParser
import AuditCoordinator
import Foundation

/// `fairuse coordinator retention` and `fairuse coordinator backup`: run on the coordinator's host against
/// its configured store (they read `coordinator.yaml`, not the API), while the coordinator keeps serving.
extension CoordinatorCommand {
    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete what the `retention:` policy of coordinator.yaml says has aged out.",
            discussion: """
                Only finished audits (complete, partial, failed, cancelled) age out; an open audit keeps everything. \
                One transaction; a `retention_applied` event records the counts. Run it daily (cron or a systemd timer). \
                --dry-run prints what would be deleted and writes nothing.
                """)
        @Option(help: "The coordinator's configuration file (coordinator.yaml).") var config: String
        @Flag(help: "Count what would be deleted; write nothing.") var dryRun = false
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            do {
                let configuration = try CoordinatorConfiguration.load(path: config)
                guard !configuration.retention.keepsEverything else {
                    throw CommandError("\(config): no retention: section (or an empty one), so everything is kept; "
                                       + "add e.g. retention: { submissions: 90d, audits: 730d, events: 365d }")
                }
                let store = try await Store.open(path: configuration.databasePath)
                let outcome = try await store.applyRetention(configuration.retention, now: Date(), dryRun: dryRun)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
                } else {
                    print(outcome.summary)
                }
            } catch { throw fail(error) }
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the coordinator's SQLite store to a new file while it keeps serving (online backup).",
            discussion: """
                Uses SQLite's online backup API: one consistent snapshot, checked with PRAGMA integrity_check, \
                written under a temporary name and renamed. For a PostgreSQL store use pg_dump (Deploy/STORE.md).
                """)
        @Option(help: "The coordinator's configuration file (coordinator.yaml).") var config: String
        @Option(help: "The backup file to create (must not exist).") var out: String

        func run() async throws {
            do {
                let configuration = try CoordinatorConfiguration.load(path: config)
                let store = try await Store.open(path: configuration.databasePath)
                let migrations = try await store.backup(toSQLiteFile: out)
                print("backed up to \(out) (schema \(migrations.last ?? "empty"), \(migrations.count) migrations)")
            } catch { throw fail(error) }
        }
    }
}
