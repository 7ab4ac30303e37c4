import AuditWire
import Foundation

/// The agent's small durable state in its `state_dir`: which tasks are finished (so a restarted
/// agent does not redo them) and the human approvals of audit specs (`fairuse agent approve`).
/// One file per fact, written atomically; nothing here is patient data.
public struct AgentState: Sendable {
    /// The state folder.
    public let directory: String

    /// State in `directory` (created with mode 0700 when missing).
    public init(directory: String) {
        self.directory = directory
        try? FileManager.default.createDirectory(atPath: directory + "/completed", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        try? FileManager.default.createDirectory(atPath: directory + "/approvals", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        try? FileManager.default.createDirectory(atPath: directory + "/pending", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }

    func safe(_ id: String) -> String { id.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }

    /// Whether a task was submitted or refused already.
    public func isCompleted(_ task: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(directory)/completed/\(safe(task))")
    }

    /// Records a finished task.
    public func markCompleted(_ task: String) {
        _ = FileManager.default.createFile(atPath: "\(directory)/completed/\(safe(task))", contents: Data())
    }

    /// The approval decision for a task's spec: true approved, false declined, nil undecided.
    /// An approval binds the spec's SHA-256, so a changed spec needs a new approval.
    public func approval(task: String, specSHA256: String) -> Bool? {
        guard let text = try? String(contentsOfFile: "\(directory)/approvals/\(safe(task))", encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 2, parts[1].trimmingCharacters(in: .whitespacesAndNewlines) == specSHA256 else { return nil }
        return parts[0] == "approve"
    }

    /// Records a person's decision on a pending task.
    public func decide(task: String, approve: Bool) throws {
        guard let pending = try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/pending/\(safe(task)).json")),
              let item = try? PayloadCodec.decodeJSON(SiteTask.self, from: pending) else {
            throw ApprovalError(code: .noPendingTask, task: task, message: "no pending task \(task) in \(directory)/pending")
        }
        let line = "\(approve ? "approve" : "decline") \(item.specSHA256)\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: "\(directory)/approvals/\(safe(task))"), options: .atomic)
    }

    /// Saves a task awaiting approval (once); returns true the first time.
    func noteAwaitingApproval(_ task: SiteTask) -> Bool {
        let path = "\(directory)/pending/\(safe(task.id.rawValue)).json"
        if FileManager.default.fileExists(atPath: path) { return false }
        guard let json = try? PayloadCodec.encodeJSON(task) else { return false }
        return FileManager.default.createFile(atPath: path, contents: json, attributes: [.posixPermissions: 0o600])
    }

    /// The pending task `id` (whether or not it was decided), for the approver's preview.
    public func pendingTask(_ id: String) -> SiteTask? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/pending/\(safe(id)).json")) else { return nil }
        return try? PayloadCodec.decodeJSON(SiteTask.self, from: data)
    }

    /// Tasks awaiting a decision.
    public func pending() -> [SiteTask] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/pending")) ?? []
        return names.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/pending/\(name)")) else { return nil }
            return try? PayloadCodec.decodeJSON(SiteTask.self, from: data)
        }.filter { approval(task: $0.id.rawValue, specSHA256: $0.specSHA256) == nil }
    }
}
