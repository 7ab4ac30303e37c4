import AuditCore
import AuditSpec
import Foundation

/// One site's share of an audit (`GET /v1/agent/tasks`): the spec to run, its digest, and the
/// root seed of the bootstrap streams, so every site draws from the same keyed streams.
public struct SiteTask: Sendable, Codable, Equatable {
    /// The task.
    public var id: TaskID
    /// The audit the task belongs to.
    public var audit: AuditID
    /// The protocol round, 1 today (multi-round statistics may be added).
    public var round: Int
    /// The audit spec.
    public var spec: AuditSpec
    /// ``specDigest(_:)`` of ``spec``; the agent recomputes it and refuses on mismatch.
    public var specSHA256: String
    /// Root seed of the stratum bootstrap streams (methods spec §2.5).
    public var rootSeed: UInt64
    /// When the coordinator created the task.
    public var createdAt: Date
    /// After this time the task is closed (`task_closed`); nil for no deadline.
    public var deadline: Date?

    /// Creates a task; the digest is computed from the spec.
    public init(id: TaskID, audit: AuditID, round: Int = 1, spec: AuditSpec, rootSeed: UInt64, createdAt: Date,
                deadline: Date? = nil) {
        self.init(id: id, audit: audit, round: round, spec: spec, specSHA256: Self.specDigest(spec), rootSeed: rootSeed,
                  createdAt: createdAt, deadline: deadline)
    }

    /// Creates a task whose spec digest the caller computed once with ``specDigest(_:)`` (the
    /// coordinator keeps it per audit: rendering the YAML is most of the cost of a task).
    public init(id: TaskID, audit: AuditID, round: Int = 1, spec: AuditSpec, specSHA256: String, rootSeed: UInt64,
                createdAt: Date, deadline: Date? = nil) {
        self.id = id
        self.audit = audit
        self.round = round
        self.spec = spec
        self.specSHA256 = specSHA256
        self.rootSeed = rootSeed
        self.createdAt = createdAt
        self.deadline = deadline
    }

    /// SHA-256 (lowercase hex) of the UTF-8 bytes of the spec's canonical YAML (`AuditSpec.yaml()`),
    /// the text a site's approver reads.
    public static func specDigest(_ spec: AuditSpec) -> String {
        WireDigest.sha256Hex(Array(spec.yaml().utf8))
    }

    enum CodingKeys: String, CodingKey {
        case id, audit, round, spec, rootSeed, createdAt, deadline
        // The snake-case key strategy turns `specSha256` into `spec_sha256` and back.
        case specSHA256 = "specSha256"
    }
}

/// The open tasks of the calling site (`GET /v1/agent/tasks`); empty when a long-poll times out.
public struct TaskList: Sendable, Codable, Equatable {
    /// Open tasks, oldest first.
    public var tasks: [SiteTask]

    /// Creates a list.
    public init(tasks: [SiteTask]) { self.tasks = tasks }
}
