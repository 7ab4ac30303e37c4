/// Where one combine spent its time, seconds by phase, measured inside the combine itself
/// (``FederatedCombine/reportJSON(spec:audit:rootSeed:submissions:limits:at:phases:)``), so the
/// phases of a run add up to its duration; `fairuse benchmark combine` reports them.
public struct CombinePhases: Sendable, Equatable {
    /// Decoding the sites' payloads (in parallel, kept in site order).
    public static let decode = "decode"
    /// Pooling the sites and evaluating every technique (`FairUseAudit.combine`, `RegressionAudit.combine`).
    public static let poolEvaluate = "pool_evaluate"
    /// The per-site heterogeneity tables (`Heterogeneity.entries`).
    public static let heterogeneity = "heterogeneity"
    /// The suspicious-site check over the heterogeneity tables (`SiteOutliers.flag`).
    public static let outliers = "outliers"
    /// Encoding the report document as JSON.
    public static let encode = "encode"
    /// Building the audit, task and submission records the combiner reads from the store (the
    /// benchmark's stand-in for the store read, which the coordinator does before combining).
    public static let records = "records"
    /// The rest of the run: the participation table, the notes, the report's assembly.
    public static let other = "other"

    /// Seconds per phase.
    public private(set) var seconds: [String: Double] = [:]

    /// No time spent yet.
    public init() {}

    /// Runs `body`, adding its duration to `phase`.
    mutating func time<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { seconds[phase, default: 0] += (ContinuousClock.now - start).phaseSeconds }
        return try body()
    }

    /// Adds `value` seconds to `phase`.
    mutating func add(_ phase: String, _ value: Double) {
        seconds[phase, default: 0] += value
    }
}

extension Duration {
    /// The duration in seconds.
    var phaseSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
