import AuditAgent
import AuditClient
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditPostgres
import AuditReport
import AuditSpec
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// Two coordinator replicas sharing one store (issue 12, item 2), in process over loopback mutual
/// TLS: a submission stays exactly-once whichever replica receives it, and a combine whose replica
/// died is taken over by a live one once its lease lapses.
@Suite("Coordinator replicas")
struct ReplicaTests {
    static let policy = SitePolicy(allowedModels: ["logistic_regression"], allowedMetrics: ["error"],
                                   allowedTechniques: ["onehot", "intersectional", "decoupled"], minCell: 1)

    /// A site's honest result for its task, computed by the agent's own runner on bundled data.
    static func result(for task: SiteTask, site: String, data: String) async throws -> TaskResult {
        let runner = TaskRunner(site: try SiteID(validating: site), policy: policy, data: .csv(path: BundledSites.data(data)))
        guard case .result(let result) = await runner.run(task) else { throw CancellationError() }
        return result
    }

    static func launch(_ federation: FederationHarness, sites: [String]) async throws -> AuditID {
        var spec = try BundledSites.spec(bootstrap: 0)
        spec.metrics = [.error]
        let launch = LaunchAuditRequest(specYAML: spec.yaml(), sites: try sites.map { try SiteID(validating: $0) }, minSites: sites.count)
        return try await federation.withOperator { try await $0.launch(launch) }.id
    }

    static func client(_ federation: FederationHarness, site: String, url: String) throws -> CoordinatorClient {
        let role = CertificateRole.site(try SiteID(certificateName: site))
        return try CoordinatorClient(baseURL: url, certificatePath: federation.pki.certificatePath(for: role),
                                     keyPath: federation.pki.keyPath(for: role), caPath: federation.pki.caCertificatePath)
    }

    /// The outcome of one upload, for counting: the receipt's time, or the wire error's name.
    static func upload(_ client: CoordinatorClient, task: TaskID, json: Data) async -> String {
        do { return "stored \(try await client.submit(task: task, json: json).receivedAt.timeIntervalSince1970)" } catch let error as AgentError {
            return error.wireCode?.name ?? "\(error.code)"
        } catch { return "\(error)" }
    }

    @Test func aSubmissionThroughTwoReplicasAtOnceIsStoredOnce() async throws {
        try await Self.submissionThroughTwoReplicas(postgres: nil)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aSubmissionThroughTwoReplicasOnPostgreSQLIsStoredOnce() async throws {
        try await TestPostgres.withDatabase { location in try await Self.submissionThroughTwoReplicas(postgres: location) }
    }

    static func submissionThroughTwoReplicas(postgres: PostgresLocation?) async throws {
        try await FederationHarness.withFederation(postgres: postgres) { federation in
            try await federation.addSite("alpha")
            try await federation.addSite("beta")
            let audit = try await Self.launch(federation, sites: ["alpha", "beta"])
            try await federation.withReplica { replicaURL, _ in
                let alphaOne = try Self.client(federation, site: "alpha", url: federation.url)
                let alphaTwo = try Self.client(federation, site: "alpha", url: replicaURL)
                let betaOne = try Self.client(federation, site: "beta", url: federation.url)
                let betaTwo = try Self.client(federation, site: "beta", url: replicaURL)
                defer { for client in [alphaOne, alphaTwo, betaOne, betaTwo] { Task { try? await client.shutdown() } } }

                // The same result, four times through each replica at once: one stored, every receipt the same.
                let alphaTask = try #require(try await alphaTwo.tasks(wait: 0).first)
                let json = try PayloadCodec.encodeJSON(try await Self.result(for: alphaTask, site: "alpha", data: "olmsted-north"))
                let outcomes = await withTaskGroup(of: String.self) { group in
                    for client in Array(repeating: [alphaOne, alphaTwo], count: 4).flatMap({ $0 }) {
                        group.addTask { await Self.upload(client, task: alphaTask.id, json: json) }
                    }
                    return await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(outcomes.count == 8 && Set(outcomes).count == 1 && outcomes[0].hasPrefix("stored"), "\(outcomes)")

                // Two different results for beta's task, one through each replica at once: exactly one
                // stored, the other a 409 conflict, and the stored body is the accepted one.
                let betaTask = try #require(try await betaOne.tasks(wait: 0).first)
                let honest = try await Self.result(for: betaTask, site: "beta", data: "olmsted-south")
                var other = honest
                other.agentVersion = "another build"
                let bodies = [try PayloadCodec.encodeJSON(honest), try PayloadCodec.encodeJSON(other)]
                async let first = Self.upload(betaOne, task: betaTask.id, json: bodies[0])
                async let second = Self.upload(betaTwo, task: betaTask.id, json: bodies[1])
                let pair = [await first, await second]
                #expect(pair.filter { $0.hasPrefix("stored") }.count == 1 && pair.filter { $0 == "conflict" }.count == 1, "\(pair)")
                let accepted = bodies[pair[0].hasPrefix("stored") ? 0 : 1]

                let end = try await federation.waitForEnd(audit, timeout: .seconds(120))
                #expect(end.state == .complete)
                try await federation.withOwnStore { store in
                    let submissions = try await store.submissions(of: audit)
                    #expect(submissions.count == 2)
                    #expect(submissions.first { $0.taskID == alphaTask.id }?.payload == json)
                    #expect(submissions.first { $0.taskID == betaTask.id }?.payload == accepted)
                    let events = try await store.events(of: audit)
                    #expect(events.filter { $0.kind == .taskSubmitted }.count == 2)
                    #expect(events.filter { $0.kind == .auditComplete }.count == 1)
                }
            }
        }
    }

    /// The replica that committed the last submission claimed the combine and died (its claim's
    /// lease is not renewed): the live replica leaves the audit alone while the lease holds, then
    /// takes the combine over and completes it, once.
    @Test func aCombineLeftByADeadReplicaIsTakenOverWhenItsLeaseLapses() async throws {
        try await Self.combineTakenOver(postgres: nil)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aCombineLeftByADeadReplicaOnPostgreSQLIsTakenOver() async throws {
        try await TestPostgres.withDatabase { location in try await Self.combineTakenOver(postgres: location) }
    }

    static func combineTakenOver(postgres: PostgresLocation?) async throws {
        let manual = ManualClock(start: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        try await FederationHarness.withFederation(clock: manual.clock, postgres: postgres) { federation in
            try await federation.addSite("alpha")
            try await federation.addSite("beta")
            let audit = try await Self.launch(federation, sites: ["alpha", "beta"])
            // The dead replica: its own handle on the shared store, used the way its routes would.
            try await federation.withOwnStore { dead in
                for (site, data) in [("alpha", "olmsted-north"), ("beta", "olmsted-south")] {
                    let task = try #require(try await federation.withSiteClient(site) { try await $0.tasks(wait: 0).first })
                    let json = try PayloadCodec.encodeJSON(try await Self.result(for: task, site: site, data: data))
                    let key = PayloadCodec.idempotencyKey(of: json)
                    _ = try await dead.recordSubmission(task: task.id, idempotencyKey: key, bodySHA256: key, payload: json, at: manual.now)
                }
                let claimed = try #require(try await dead.claimCombine(audit, holder: ReplicaID("replica-dead"), at: manual.now, lease: .seconds(30)))
                #expect(claimed.attempts == 1)

                // The live coordinator sweeps every 20 ms; while the lease holds it neither combines nor claims.
                try await Task.sleep(for: .milliseconds(600))
                #expect(try await dead.audit(id: audit)?.state == .combining)
                #expect(try await dead.combineClaim(of: audit) == claimed)

                manual.advance(by: 31)
                let end = try await federation.waitForEnd(audit, timeout: .seconds(120))
                #expect(end.state == .complete)
                let live = try #require(federation.coordinator)
                let claim = try #require(try await dead.combineClaim(of: audit))
                #expect(claim.holder == live.replica.rawValue && claim.attempts == 2)
                #expect(try await dead.events(of: audit).filter { $0.kind == .auditComplete }.count == 1)
                let stored = try #require(try await dead.audit(id: audit)?.resultJSON)
                let document = try ReportDocument.decode(Data(stored.utf8))
                #expect(document.federation?.sites.map(\.site.rawValue).sorted() == ["alpha", "beta"], "\(String(describing: document.federation))")
            }
        }
    }

    /// The replica committed the last submission and died before it claimed the combine: the
    /// live replica's sweep finds a combining audit without a claim and combines it at once.
    @Test func aCombineNeverClaimedIsPickedUpByTheSweep() async throws {
        try await Self.combineNeverClaimed(postgres: nil)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
    func aCombineNeverClaimedOnPostgreSQLIsPickedUpByTheSweep() async throws {
        try await TestPostgres.withDatabase { location in try await Self.combineNeverClaimed(postgres: location) }
    }

    static func combineNeverClaimed(postgres: PostgresLocation?) async throws {
        try await FederationHarness.withFederation(postgres: postgres) { federation in
            try await federation.addSite("alpha")
            let audit = try await Self.launch(federation, sites: ["alpha"])
            try await federation.withOwnStore { dead in
                let task = try #require(try await federation.withSiteClient("alpha") { try await $0.tasks(wait: 0).first })
                let json = try PayloadCodec.encodeJSON(try await Self.result(for: task, site: "alpha", data: "olmsted-north"))
                let key = PayloadCodec.idempotencyKey(of: json)
                guard case .stored(let applied) = try await dead.recordSubmission(task: task.id, idempotencyKey: key, bodySHA256: key,
                                                                                  payload: json, at: Date()) else {
                    Issue.record("not stored"); return
                }
                #expect(applied.state == .combining)
                let end = try await federation.waitForEnd(audit, timeout: .seconds(120))
                #expect(end.state == .complete)
                let live = try #require(federation.coordinator)
                #expect(try await dead.combineClaim(of: audit)?.holder == live.replica.rawValue)
            }
        }
    }
}
