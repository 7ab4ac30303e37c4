import Logging

/// How log lines are written: `text` for people at a terminal, `json` (one object per line) for a
/// log collector, which then needs no parsing rules and keeps each metadata key as its own field.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-12-04T18:00:00+0000 info fairuse.coordinator : key=value message`, swift-log's stream format.
    case text
    /// One JSON object per line: `timestamp`, `level`, `label`, `message`, `metadata`.
    case json
}

extension Logger.Level {
    /// The level names the configuration files and `--log-level` accept, quietest last.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
