import Foundation

/// The coordinator store a load benchmark runs on: a throwaway SQLite file in the work folder.
public enum BenchmarkDatabase: Sendable, Equatable {
    /// `database: sqlite:<work folder>/coordinator.db`.
    case sqlite

    /// Parses `--database`: `sqlite`.
    public init(argument: String) throws {
        switch argument {
        case "sqlite": self = .sqlite
        default: throw BenchmarkError("--database must be sqlite, found \(argument.prefix(16).contains("@") ? "a URL" : String(argument.prefix(40)))")
        }
    }

    /// `sqlite` or `postgres`, for the figures.
    public var name: String {
        switch self {
        case .sqlite: "sqlite"
        }
    }

    /// The store's `coordinator.yaml` lines, made ready (for SQLite, nothing to make).
    func prepare(root: String) async throws -> PreparedStore {
        switch self {
        case .sqlite: PreparedStore(yaml: "database: sqlite:\(root)/coordinator.db", dispose: {})
        }
    }
}

/// A store made ready for one run, and how to remove it afterwards.
struct PreparedStore: Sendable {
    /// The `database…` lines of coordinator.yaml.
    let yaml: String
    let dispose: @Sendable () -> Void
}
