import AuditSpec
import Foundation

/// How long the coordinator keeps what it stores (`retention:` in `coordinator.yaml`); a missing key keeps
/// that kind of record forever, which is the default.
///
/// ```yaml
/// retention: { submissions: 90d, audits: 730d, events: 365d }
/// ```
///
/// Only FINISHED audits (complete, partial, failed, cancelled) age out; an open audit keeps everything.
/// Ages are measured from the audit's last change (`updated_at`) and the event's time.
/// `fairuse coordinator retention` applies the policy (see ``Store/applyRetention(_:now:dryRun:)``).
public struct RetentionPolicy: Sendable, Equatable {
    /// Site results (`submission` rows with their payloads) of finished audits older than this are deleted;
    /// the audit, its tasks, its report and its events stay.
    public var submissions: Duration?
    /// Finished audits older than this are deleted whole: the audit row with its report, its tasks, their
    /// submissions and the audit's events.
    public var audits: Duration?
    /// Event-log rows older than this that belong to no open audit are deleted (registrations, revocations
    /// and the events of finished audits).
    public var events: Duration?

    /// A policy; `nil` keeps that kind forever.
    public init(submissions: Duration? = nil, audits: Duration? = nil, events: Duration? = nil) {
        self.submissions = submissions
        self.audits = audits
        self.events = events
    }

    /// Whether the policy deletes nothing.
    public var keepsEverything: Bool { submissions == nil && audits == nil && events == nil }

    /// The keys of the `retention:` section.
    static let keys = ["submissions", "audits", "events"]

    /// The shortest window accepted: a typo such as `1h` for `1y` should not empty the store.
    static let minimum = Duration.seconds(86_400)

    /// Parses `90d`, `12w`, `2y` (d = 86,400 s, w = 7 d, y = 365 d); at least one day.
    static func duration(parsing text: String) -> Duration? {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, count <= 36_500 else { return nil }
        let days: Int
        switch unit {
        case "d": days = count
        case "w": days = count * 7
        case "y": days = count * 365
        default: return nil
        }
        guard days <= 36_500 else { return nil }
        return .seconds(days * 86_400)
    }

    /// Reads the `retention:` section; errors name the key and what was expected.
    static func parse(_ reader: ConfigurationReader) throws(ConfigurationError) -> RetentionPolicy? {
        guard let section = try reader.section("retention", in: reader.root, allowed: keys) else { return nil }
        var policy = RetentionPolicy()
        for key in keys {
            guard let text = try reader.string(key, in: section, expected: "a number of days, weeks or years: 90d, 12w, 2y")
            else { continue }
            guard let value = duration(parsing: text) else {
                throw reader.error(.invalidValue, key, in: section,
                                   "expected a number of days, weeks or years of at least 1d, e.g. 90d, 12w, 2y; found '\(text)'")
            }
            switch key {
            case "submissions": policy.submissions = value
            case "audits": policy.audits = value
            default: policy.events = value
            }
        }
        return policy
    }
}

/// What one application of a ``RetentionPolicy`` deleted (or, in a dry run, would delete).
public struct RetentionOutcome: Sendable, Equatable, Codable {
    /// Whole audits deleted (with their report).
    public var audits = 0
    /// Tasks deleted with those audits.
    public var tasks = 0
    /// Submissions (site results) deleted, with their audits or on their own.
    public var submissions = 0
    /// Event-log rows deleted.
    public var events = 0
    /// Whether nothing was written.
    public var dryRun = false

    /// An outcome.
    public init(audits: Int = 0, tasks: Int = 0, submissions: Int = 0, events: Int = 0, dryRun: Bool = false) {
        self.audits = audits
        self.tasks = tasks
        self.submissions = submissions
        self.events = events
        self.dryRun = dryRun
    }

    /// `deleted 2 audits, 6 tasks, 6 submissions, 40 events` (or `would delete …`).
    public var summary: String {
        "\(dryRun ? "would delete" : "deleted") \(audits) audit(s), \(tasks) task(s), \(submissions) submission(s), "
            + "\(events) event(s)"
    }
}
