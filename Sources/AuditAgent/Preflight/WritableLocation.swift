import Foundation

/// A place the agent writes, named by the `agent.yaml` key that sets it, so a failed probe can say
/// which setting to change. ``probe()`` writes there exactly as the agent will — create, append,
/// fsync, remove — because "the folder exists" is not "the agent can write it" (read-only mounts,
/// a parent that is a file, a full disk, another user's folder).
public struct WritableLocation: Sendable, Equatable {
    /// A folder the agent creates files in, or a file it appends to.
    public enum Kind: Sendable, Equatable { case folder, file }

    /// What it is for people: "the state folder", "the egress ledger".
    public var what: String
    /// The path.
    public var path: String
    /// Folder or file.
    public var kind: Kind
    /// The setting that chooses it: `state_dir in agent.yaml`.
    public var setting: String

    /// Creates a location.
    public init(what: String, path: String, kind: Kind, setting: String) {
        self.what = what
        self.path = path
        self.kind = kind
        self.setting = setting
    }

    /// Every place the agent of `configuration` writes: the state folder and its sub-folders and the
    /// ledger. (No data source writes: a query's rows stream into memory, never to a temporary file.)
    public static func all(for configuration: AgentConfiguration) -> [WritableLocation] {
        let state = configuration.stateDirectory
        var out = [WritableLocation(what: "the state folder", path: state, kind: .folder, setting: "state_dir in agent.yaml")]
        for sub in ["completed", "approvals", "pending"] {
            out.append(WritableLocation(what: "the state folder's \(sub)/", path: state + "/" + sub, kind: .folder,
                                        setting: "state_dir in agent.yaml"))
        }
        out.append(WritableLocation(what: "the egress ledger", path: configuration.ledgerPath, kind: .file, setting: "ledger in agent.yaml"))
        return out
    }

    /// Writes a probe where the agent will write, and removes it. A folder is created (mode 0700,
    /// as the agent does) when missing; a file is opened for appending without writing to it, and
    /// its folder gets the probe. Returns nil when the agent can write here, else what is wrong
    /// and what to do.
    public func probe() -> String? {
        let folder = kind == .folder ? path : URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else { return problem("\(folder) is a file, not a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                return problem("cannot create the folder \(folder): \(Self.reason(error))")
            }
        }
        if kind == .file, FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard !isFolder.boolValue else { return problem("\(path) is a folder, not a file") }
            let fd = open(path, O_WRONLY | O_APPEND)
            guard fd >= 0 else { return problem("cannot open \(path) for appending: \(Self.errnoText())") }
            close(fd)
        }
        let probe = folder + "/.fairuse-write-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o600)
        guard fd >= 0 else { return problem("cannot create a file in \(folder): \(Self.errnoText())") }
        defer { unlink(probe) }
        let bytes = Array("fairuse agent check\n".utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        let failure = written != bytes.count || synced != 0 ? Self.errnoText() : nil
        close(fd)
        if let failure { return problem("cannot write and sync a file in \(folder): \(failure)") }
        return nil
    }

    func problem(_ text: String) -> String {
        "\(what) \(path): \(text) — fix the path or its permissions for the agent's user, or change \(setting)"
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedFailureReason ?? ns.localizedDescription
    }
}

extension WritableLocation {
    /// Probes every location of `configuration`; throws the problems of those the agent cannot
    /// write, so `agent run` stops at start with the path and the fix instead of retrying forever.
    public static func requireAll(for configuration: AgentConfiguration) throws {
        let problems = all(for: configuration).compactMap { $0.probe() }
        if !problems.isEmpty { throw UnwritableLocationError(problems: problems) }
    }
}

/// Places the agent must write but cannot, each with its path and the setting to change.
public struct UnwritableLocationError: Error, Sendable, CustomStringConvertible {
    /// One line per location.
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
