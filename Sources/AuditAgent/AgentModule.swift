import AuditCore

/// The site agent of a federated fair-use audit: it runs inside a hospital, connects out to the
/// coordinator only, checks every task against the hospital's own policy, computes aggregate
/// statistics on local data, records every outgoing payload in its egress ledger, and sends them.
public enum AuditAgentModule {
    /// The agent's software version, sent in its hello.
    public static let version = FairuseVersion.current
}
