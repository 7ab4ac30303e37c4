import Foundation

/// Names one coordinator process among the replicas that share a store: the holder of a combine
/// claim (`combine_claim.holder`) and a field of the replica's log lines.
///
/// A new id per process start (`<host>-<pid>-<8 hex>`), never reused: a restarted replica does not
/// inherit the claims of its dead predecessor, whose leases must expire first (Deploy/REPLICAS.md).
public struct ReplicaID: Sendable, Hashable, CustomStringConvertible {
    /// The id as stored.
    public let rawValue: String

    /// Wraps an id; tests name their replicas.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// `<host>-<pid>-<8 random hex digits>`; the host name is cut to 40 characters.
    public static func generate() -> ReplicaID {
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return ReplicaID("\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(String(repeating: "0", count: 8 - random.count))\(random)")
    }

    /// The raw id.
    public var description: String { rawValue }
}
