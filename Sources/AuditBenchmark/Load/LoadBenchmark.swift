import AuditClient
import AuditCore
import AuditPKI
import AuditSpec
import AuditWire
import Foundation
import Synchronization

/// `fairuse benchmark load`: N simulated agents, each its own mutual-TLS 1.3 client with its own
/// site certificate, against a real coordinator process on loopback. A throwaway PKI and store in a
/// temporary folder; the operator registers the N sites and launches K audits of the bundled flchain
/// spec with all of them once every agent has said hello; each agent long-polls, reports progress
/// and submits a real result re-bound to its task (``TemplateResult``); the coordinator validates,
/// stores and combines them. Measures every agent request per endpoint, the audits' outcome and
/// the coordinator's memory (``LoadFigures``). The coordinator is always stopped.
public struct LoadBenchmark: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// Simulated agents N, and audits K (each agent answers one task per audit).
        public var agents: Int, tasksPerAgent: Int
        /// The coordinator's store.
        public var database: BenchmarkDatabase
        /// Mean pause before each progress report and the submit, ms.
        public var thinkMilliseconds: Int
        /// The agents' start times are uniform on 0 … this many ms (0: all at once).
        public var rampMilliseconds: Int
        /// Bootstrap replicates B of the audits (nil: the spec's).
        public var bootstrap: Int?
        /// The bundled `Sites` folder (data, policy and spec of the template result).
        public var sitesFolder: String
        /// The `fairuse` executable that serves the coordinator.
        public var executable: String
        /// Keep the working folder (certificates, configuration, coordinator log) instead of removing it.
        public var keep: Bool

        /// Creates options.
        public init(agents: Int, tasksPerAgent: Int = 1, database: BenchmarkDatabase = .sqlite, thinkMilliseconds: Int = 1000,
                    rampMilliseconds: Int = 1000, bootstrap: Int? = nil, sitesFolder: String, executable: String, keep: Bool = false) {
            self.agents = agents
            self.tasksPerAgent = tasksPerAgent
            self.database = database
            self.thinkMilliseconds = thinkMilliseconds
            self.rampMilliseconds = rampMilliseconds
            self.bootstrap = bootstrap
            self.sitesFolder = sitesFolder
            self.executable = executable
            self.keep = keep
        }
    }

    let options: Options

    /// Creates the benchmark.
    public init(options: Options) { self.options = options }

    /// The long-poll wait of the agents and the coordinator's cap, seconds.
    static let pollSeconds = 30

    /// Runs it; `progress` gets one line per phase.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> LoadFigures {
        guard (1...5000).contains(options.agents) else { throw BenchmarkError("--agents must be between 1 and 5000") }
        guard (1...20).contains(options.tasksPerAgent) else { throw BenchmarkError("--tasks-per-agent must be between 1 and 20") }
        guard (0...60_000).contains(options.thinkMilliseconds) else { throw BenchmarkError("--think-ms must be between 0 and 60000") }
        guard (0...600_000).contains(options.rampMilliseconds) else { throw BenchmarkError("--ramp-ms must be between 0 and 600000") }
        let specPath = options.sitesFolder + "/specs/flchain_5y_mortality.yaml"
        var spec: AuditSpec
        do { spec = try AuditSpec.load(path: specPath) } catch {
            throw BenchmarkError("the bundled spec cannot be read: \(error)")
        }
        if let bootstrap = options.bootstrap { spec.tests.bootstrapReplicates = bootstrap }
        let rootSeed: UInt64 = 20_261_204

        progress("computing one real site result (the agent's task runner on olmsted-central)")
        let template = try await TemplateResult(spec: spec, rootSeed: rootSeed, siteFolder: options.sitesFolder + "/olmsted-central")

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-load-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        progress("issuing \(options.agents) site certificates in \(root)")
        let pki = try LoadPKI(root: root, sites: options.agents)

        let store = try await options.database.prepare(root: root)
        do {
            let figures = try await serve(root: root, store: store, pki: pki, spec: spec, rootSeed: rootSeed, template: template,
                                          progress: progress)
            await store.dispose()
            return figures
        } catch {
            await store.dispose()
            throw error
        }
    }

    /// Starts the coordinator on `store`, measures, and stops it (before the store is disposed of).
    func serve(root: String, store: PreparedStore, pki: LoadPKI, spec: AuditSpec, rootSeed: UInt64, template: TemplateResult,
               progress: @Sendable (String) -> Void) async throws -> LoadFigures {
        let portFile = root + "/coordinator.port"
        let config = """
            listen: { host: 127.0.0.1, port: 0 }
            tls: { certificate: \(pki.store.certificatePath(for: .coordinator)), key: \(pki.store.keyPath(for: .coordinator)), ca: \(pki.store.caCertificatePath) }
            \(store.yaml)
            port_file: \(portFile)
            observability: { listen: "127.0.0.1:0", port_file: \(root)/metrics.port }
            limits: { long_poll_seconds: \(Self.pollSeconds) }
            logging: { format: text, level: warning }
            """
        try config.write(toFile: root + "/coordinator.yaml", atomically: true, encoding: .utf8)
        let coordinator = try CoordinatorProcess(executable: options.executable, config: root + "/coordinator.yaml",
                                                 log: root + "/coordinator.log")
        defer { coordinator.stop() }
        let url = "https://127.0.0.1:\(try await coordinator.waitForPort(file: portFile))"
        progress("coordinator (pid \(coordinator.pid)) on \(url), store \(options.database.name)")

        let operatorClient = try OperatorClient(baseURL: url, certificatePath: pki.store.certificatePath(for: pki.operatorRole),
                                                keyPath: pki.store.keyPath(for: pki.operatorRole), caPath: pki.store.caCertificatePath)
        do {
            let figures = try await measure(url: url, root: root, spec: spec, rootSeed: rootSeed, template: template, pki: pki,
                                            operatorClient: operatorClient, coordinator: coordinator, progress: progress)
            try await operatorClient.shutdown()
            return figures
        } catch {
            try? await operatorClient.shutdown()
            throw error
        }
    }

    func measure(url: String, root: String, spec: AuditSpec, rootSeed: UInt64, template: TemplateResult, pki: LoadPKI,
                 operatorClient: OperatorClient, coordinator: CoordinatorProcess,
                 progress: @Sendable (String) -> Void) async throws -> LoadFigures {
        for (site, fingerprint) in pki.sites {
            _ = try await operatorClient.register(site: site, fingerprint: fingerprint)
        }
        var clients: [CoordinatorClient] = []
        for (site, _) in pki.sites {
            clients.append(try CoordinatorClient(baseURL: url, certificatePath: pki.store.certificatePath(for: .site(site)),
                                                 keyPath: pki.store.keyPath(for: .site(site)), caPath: pki.store.caCertificatePath))
        }
        defer { for client in clients { Task.detached { try? await client.shutdown() } } }
        let launches = LaunchTimes()
        let agents = zip(pki.sites, clients).map { entry, client in
            SimulatedAgent(site: entry.site, client: client, template: template, tasks: options.tasksPerAgent,
                           think: .milliseconds(options.thinkMilliseconds), start: .milliseconds(Int.random(in: 0...options.rampMilliseconds)),
                           pollSeconds: Self.pollSeconds, launches: launches)
        }
        progress("\(agents.count) agents saying hello")
        let (greetings, greeted) = AsyncStream.makeStream(of: Void.self)
        var launchMilliseconds: [Double] = [], audits: [AuditID] = [], ledgerHeads = 0
        var firstLaunch = ContinuousClock.now
        let outcome: SimulatedAgent.Outcome = try await withThrowingTaskGroup(of: SimulatedAgent.Outcome.self) { group in
            for agent in agents { group.addTask { await agent.run(greeted: { greeted.yield() }) } }
            var count = 0
            for await _ in greetings {
                count += 1
                if count == agents.count { break }
            }
            progress("launching \(options.tasksPerAgent) audit(s) of \(agents.count) sites, B = \(spec.tests.bootstrapReplicates)")
            firstLaunch = ContinuousClock.now
            do {
                for _ in 0..<options.tasksPerAgent {
                    let request = LaunchAuditRequest(specYAML: spec.yaml(), sites: pki.sites.map(\.site), minSites: agents.count,
                                                     deadline: Date().addingTimeInterval(1800), rootSeed: rootSeed)
                    let index = launches.starting()
                    let start = ContinuousClock.now
                    let summary = try await operatorClient.launch(request)
                    let end = ContinuousClock.now
                    launches.ended(index)
                    launchMilliseconds.append(SimulatedAgent.ms(end - start))
                    audits.append(summary.id)
                }
            } catch {
                group.cancelAll()
                throw BenchmarkError("the operator's launch failed: \(error)")
            }
            var all = SimulatedAgent.Outcome(ledgerHeadRecorded: true)
            var recorded = 0
            for try await result in group {
                all.samples += result.samples
                all.emptyPolls += result.emptyPolls
                if result.ledgerHeadRecorded { recorded += 1 }
            }
            ledgerHeads = recorded
            return all
        }
        progress("agents done (\(outcome.samples.count) requests); waiting for the combine")
        // Before the combine, so the scrape competes with nothing; the agents' requests are all answered.
        let serverTimes: ServerTimes?
        do {
            serverTimes = try await ServerTimes.scrape(port: try await coordinator.waitForPort(file: root + "/metrics.port", seconds: 5))
        } catch {
            progress("the coordinator's /metrics could not be read (\(error)); its own request times are not shown")
            serverTimes = nil
        }
        var states: [AuditState] = []
        let waitUntil = ContinuousClock.now + .seconds(600)
        while true {
            states = []
            for id in audits { states.append(try await operatorClient.audit(id).state) }
            if states.allSatisfy(\.isFinal) || ContinuousClock.now >= waitUntil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let auditSeconds = SimulatedAgent.ms(ContinuousClock.now - firstLaunch) / 1000
        let memory = try coordinator.memory()
        var figures = Self.figures(outcome.samples, emptyPolls: outcome.emptyPolls, options: options, states: states,
                                   auditSeconds: auditSeconds, launchMilliseconds: launchMilliseconds, memory: memory,
                                   resultBytes: (try? PayloadCodec.encodeJSON(template.result).count) ?? 0, serverTimes: serverTimes)
        figures.ledgerHeadsRecorded = ledgerHeads
        return figures
    }

    static func figures(_ samples: [Sample], emptyPolls: Int, options: Options, states: [AuditState], auditSeconds: Double,
                        launchMilliseconds: [Double], memory: (resident: Int, peak: Int), resultBytes: Int,
                        serverTimes: ServerTimes? = nil) -> LoadFigures {
        let all = LoadFigures.summary("all", samples)
        let endpoints = ["hello", "tasks", "progress", "result"].map { name in
            LoadFigures.summary(name, samples.filter { $0.endpoint == name })
        }
        var counts: [String: Int] = [:]
        for sample in samples { if let error = sample.error { counts[error, default: 0] += 1 } }
        let messages = counts.sorted { $0.value > $1.value }.prefix(5).map { "\($0.value) × \($0.key)" }
        let order: [AuditState] = [.complete, .partial, .combining, .collecting, .dispatched, .created, .cancelled, .failed]
        let worst = states.max { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }
        return LoadFigures(agents: options.agents, tasksPerAgent: options.tasksPerAgent, database: options.database.name,
                           thinkMilliseconds: options.thinkMilliseconds, rampMilliseconds: options.rampMilliseconds,
                           requests: all.requests, errors: all.errors, p50Milliseconds: all.p50Milliseconds,
                           p99Milliseconds: all.p99Milliseconds, maxMilliseconds: all.maxMilliseconds, endpoints: endpoints,
                           emptyPolls: emptyPolls, auditStates: states.map(\.rawValue), auditState: worst?.rawValue ?? "none",
                           auditSeconds: auditSeconds, launchMilliseconds: launchMilliseconds, rssBytes: memory.resident,
                           rssPeakBytes: memory.peak, resultBytes: resultBytes, errorMessages: messages, serverTimes: serverTimes)
    }
}

/// The benchmark's throwaway federation PKI: a CA, the coordinator's and an operator's
/// certificates, and one certificate per simulated site (`load-0001` …).
struct LoadPKI {
    let store: PKIStore
    let operatorRole: CertificateRole
    /// Each site with the SHA-256 fingerprint its registration names.
    let sites: [(site: SiteID, fingerprint: String)]

    init(root: String, sites count: Int) throws {
        store = PKIStore(directory: root + "/pki")
        let ca = try CertificateAuthority.create(commonName: "fairuse load benchmark CA")
        try store.save(ca)
        try store.save(try ca.issueCoordinator(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        let operatorCertificate = try ca.issueOperator(name: try OperatorName(certificateName: "load-operator"))
        try store.save(operatorCertificate)
        operatorRole = operatorCertificate.role
        var sites: [(SiteID, String)] = []
        for i in 1...count {
            let site = try SiteID(validating: String(format: "load-%04d", i))
            let issued = try ca.issueSite(site)
            try store.save(issued)
            sites.append((site, issued.fingerprint.hex))
        }
        self.sites = sites
    }
}
