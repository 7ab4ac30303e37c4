import AuditClient
import AuditCore
import AuditPKI
import AuditTestSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Two (or more) `fairuse coordinator serve` processes sharing one store and CA behind HAProxy in
/// TCP mode (TLS passed through, health checks on each replica's `/readyz`), and real `fairuse
/// agent run` processes pointed at HAProxy — what Deploy/replicas/run.sh sets up by hand. Every
/// child is stopped and the folder removed at the end of ``with(database:_:)``.
final class ReplicaCluster: Sendable {
    static let haproxy = "/usr/sbin/haproxy"
    static let executable: String? = {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let candidate = folder.appendingPathComponent("fairuse").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }()
    static var isAvailable: Bool { executable != nil && FileManager.default.isExecutableFile(atPath: haproxy) }

    let root: String
    let pki: PKIStore
    let ca: CertificateAuthority
    /// The `database:` line of every replica's coordinator.yaml, and lines added after it (`postgres:`).
    let database: String, databaseExtra: String
    private let children = Mutex<[(name: String, process: Process)]>([])
    private let balancerPort = Mutex<Int?>(nil)

    /// `https://127.0.0.1:<HAProxy's port>`, once it runs.
    var url: String { "https://127.0.0.1:\(balancerPort.withLock { $0 } ?? 0)" }

    /// Runs `body` with a fresh PKI in a temporary folder; `database` is the store's `database:`
    /// value, given the folder (e.g. `{ "sqlite:\($0)/coordinator.db" }`).
    static func with<T>(database: (String) -> String, extra: String = "", _ body: (ReplicaCluster) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-replicas-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
        let cluster = try ReplicaCluster(root: root, database: database(root), extra: extra)
        do {
            let value = try await body(cluster)
            cluster.stopAll()
            // FAIRUSE_KEEP_REPLICA_LOGS=1 keeps the folder (logs, configurations, ledgers) of a passing run too.
            if ProcessInfo.processInfo.environment["FAIRUSE_KEEP_REPLICA_LOGS"] == nil {
                try? FileManager.default.removeItem(atPath: root)
            } else {
                print("replica cluster folder kept: \(root)")
            }
            return value
        } catch {
            cluster.stopAll()
            // Kept for a look at the logs when the test failed.
            print("replica cluster logs kept in \(root)/logs")
            throw error
        }
    }

    private init(root: String, database: String, extra: String) throws {
        self.root = root
        self.database = database
        self.databaseExtra = extra
        pki = PKIStore(directory: root + "/pki")
        ca = try CertificateAuthority.create(commonName: "replica test CA")
        try pki.save(ca)
        // One certificate for every replica: agents see one coordinator, whichever replica answers.
        try pki.save(try ca.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try pki.save(try ca.issueOperator(name: try OperatorName(certificateName: "op")))
    }

    /// Starts replica `name` (its own port and metrics port, picked by the kernel) and returns
    /// both once it listens.
    func startReplica(_ name: String, longPollSeconds: Int = 5) async throws -> (api: Int, metrics: Int) {
        let yaml = """
            listen: { host: 127.0.0.1, port: 0 }
            observability: { listen: "127.0.0.1:0", port_file: \(root)/\(name).metrics-port }
            tls: { certificate: \(pki.certificatePath(for: .coordinator)), key: \(pki.keyPath(for: .coordinator)), ca: \(pki.caCertificatePath) }
            database: \(database)
            \(databaseExtra)
            port_file: \(root)/\(name).port
            limits: { long_poll_seconds: \(longPollSeconds) }
            replicas: { combine_lease_seconds: 6 }
            """
        try yaml.write(toFile: "\(root)/\(name).yaml", atomically: true, encoding: .utf8)
        try start(name, Self.executable ?? "fairuse", ["coordinator", "serve", "--config", "\(root)/\(name).yaml"])
        return (try await port(in: "\(root)/\(name).port", of: name), try await port(in: "\(root)/\(name).metrics-port", of: name))
    }

    /// Starts HAProxy in front of `replicas` (name → API and metrics ports), with the configuration
    /// of Deploy/replicas/haproxy.cfg.
    func startBalancer(_ replicas: [(name: String, api: Int, metrics: Int)]) async throws {
        let port = try Self.freePort()
        let servers = replicas.map { "    server \($0.name) 127.0.0.1:\($0.api) check port \($0.metrics)" }.joined(separator: "\n")
        let config = """
            global
                maxconn 256
            defaults
                mode tcp
                timeout connect 2s
                timeout client 120s
                timeout server 120s
                retries 3
                option redispatch
            frontend fairuse
                bind 127.0.0.1:\(port)
                default_backend coordinators
            backend coordinators
                balance roundrobin
                option httpchk GET /readyz
                http-check expect status 200
                default-server inter 300ms fall 2 rise 2 on-marked-down shutdown-sessions
            \(servers)

            """
        try config.write(toFile: "\(root)/haproxy.cfg", atomically: true, encoding: .utf8)
        try start("haproxy", Self.haproxy, ["-f", "\(root)/haproxy.cfg", "-db"])
        balancerPort.withLock { $0 = port }
        // Ready once a TLS connection through it reaches a replica.
        for _ in 0..<200 {
            if (try? await withOperator { try await $0.sites() }) != nil { return }
            if let dead = exited() { throw ClusterError("\(dead) stopped during start-up; see \(root)/logs/\(dead).log") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError("HAProxy on port \(port) did not pass a request within 20 s; see \(root)/logs/haproxy.log")
    }

    /// Issues `site`'s certificate and registers it through HAProxy.
    func register(_ site: String) async throws {
        let issued = try ca.issueSite(try SiteID(certificateName: site))
        try pki.save(issued, overwrite: true)
        _ = try await withOperator { try await $0.register(site: try SiteID(validating: site), fingerprint: issued.fingerprint.hex) }
    }

    /// Writes the registered `site`'s agent.yaml (the bundled site's, pointed at HAProxy) and starts
    /// `fairuse agent run`.
    func startAgent(_ site: String) async throws {
        let id = try SiteID(certificateName: site)
        let folder = "\(root)/sites/\(site)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var yaml = try String(contentsOfFile: "\(BundledSites.root)/\(site)/agent.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "https://coordinator.example.org:8443", with: url)
            .replacingOccurrences(of: "certificate: site.pem", with: "certificate: \(pki.certificatePath(for: .site(id)))")
            .replacingOccurrences(of: "key: site-key.pem", with: "key: \(pki.keyPath(for: .site(id)))")
            .replacingOccurrences(of: "ca: ca.pem", with: "ca: \(pki.caCertificatePath)")
            .replacingOccurrences(of: "csv: data.csv", with: "csv: \(BundledSites.data(site))")
            .replacingOccurrences(of: "poll_seconds: 20", with: "poll_seconds: 5")
        try yaml.write(toFile: "\(folder)/agent.yaml", atomically: true, encoding: .utf8)
        try start(site, Self.executable ?? "fairuse", ["agent", "run", "--config", "\(folder)/agent.yaml"])
    }

    /// The operator client (certificate "op") through HAProxy, shut down afterwards.
    func withOperator<T>(_ body: (OperatorClient) async throws -> T) async throws -> T {
        let role = CertificateRole.operator(try OperatorName(certificateName: "op"))
        let client = try OperatorClient(baseURL: url, certificatePath: pki.certificatePath(for: role), keyPath: pki.keyPath(for: role),
                                        caPath: pki.caCertificatePath)
        do {
            let value = try await body(client)
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// SIGKILLs child `name` (no graceful shutdown, no flushing) and waits until it is gone.
    func kill(_ name: String) async throws {
        guard let process = children.withLock({ $0.first { $0.name == name }?.process }) else { throw ClusterError("no child \(name)") }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// The first child that exited, other than those in `expected`.
    func exited(except expected: Set<String> = []) -> String? {
        children.withLock { all in all.first { !$0.process.isRunning && !expected.contains($0.name) }?.name }
    }

    /// The log of child `name`.
    func log(_ name: String) -> String { (try? String(contentsOfFile: "\(root)/logs/\(name).log", encoding: .utf8)) ?? "" }

    private func start(_ name: String, _ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = "\(root)/logs/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        children.withLock { $0.append((name, process)) }
    }

    private func port(in file: String, of name: String) async throws -> Int {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return port
            }
            if exited() == name { throw ClusterError("\(name) stopped during start-up: \(log(name).suffix(2000))") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError("\(name) did not write \(file) within 60 s")
    }

    /// SIGTERM to every child still running, newest first, then waits for each.
    func stopAll() {
        children.withLock { all in
            for child in all.reversed() where child.process.isRunning { child.process.terminate() }
            for child in all { child.process.waitUntilExit() }
        }
    }

    /// A loopback port that was free a moment ago (HAProxy cannot report a kernel-picked port).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw ClusterError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw ClusterError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A cluster that could not be set up, naming the child and its log.
struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
