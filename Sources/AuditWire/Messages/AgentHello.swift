import AuditCore

/// The first call of a site agent (`POST /v1/agent/hello`): its protocol version, build, site and
/// a summary of its disclosure policy. The coordinator answers with ``CoordinatorHello``.
public struct AgentHello: Sendable, Codable, Equatable {
    /// The agent's protocol version; a different major than the coordinator's is refused.
    public var protocolVersion: ProtocolVersion
    /// The agent's build, e.g. `fairuse 0.3.0 (linux-x86_64)`.
    public var agentVersion: String
    /// The site the agent speaks for; must equal the site of its client certificate.
    public var site: SiteID
    /// What the site's policy allows, so operators can see why a task would be refused.
    public var policy: PolicySummary

    /// Creates a hello.
    public init(protocolVersion: ProtocolVersion = .current, agentVersion: String, site: SiteID,
                policy: PolicySummary) {
        self.protocolVersion = protocolVersion
        self.agentVersion = agentVersion
        self.site = site
        self.policy = policy
    }
}
