import Foundation

/// The coordinator's answer to ``AgentHello``: its version, clock and the poll interval to use.
public struct CoordinatorHello: Sendable, Codable, Equatable {
    /// The coordinator's protocol version.
    public var protocolVersion: ProtocolVersion
    /// The coordinator's build.
    public var coordinatorVersion: String
    /// The coordinator's clock, so an agent can warn about skew against task deadlines.
    public var serverTime: Date
    /// Seconds between task polls when a long-poll returns empty (the `wait` to use is separate).
    public var pollSeconds: Int
    /// The highest egress-ledger head the coordinator holds for the site (after this hello's), for
    /// the agent's `ack` entry; nil when the site never sent one.
    public var ledgerHead: LedgerHead?

    /// Creates a hello.
    public init(protocolVersion: ProtocolVersion = .current, coordinatorVersion: String, serverTime: Date,
                pollSeconds: Int, ledgerHead: LedgerHead? = nil) {
        self.protocolVersion = protocolVersion
        self.coordinatorVersion = coordinatorVersion
        self.serverTime = serverTime
        self.pollSeconds = pollSeconds
        self.ledgerHead = ledgerHead
    }
}
