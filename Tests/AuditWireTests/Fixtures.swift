import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation

/// Deterministic messages: the content of `Protocol/vectors/` and the base of the validator tests.
enum Fixtures {
    static let site = SiteID(rawValue: "st-olav")!
    static let otherSite = SiteID(rawValue: "haukeland")!
    static let audit = AuditID(rawValue: "aud_7k2mq4zt3xw5bn6ra2cd")!
    static let task = TaskID(rawValue: "tsk_3vpe6yk2hq7ma4tn5wrs")!
    static let otherTask = TaskID(rawValue: "tsk_x2b4d6f7h2j3k4m5n6p7")!
    static let created = Date(timeIntervalSince1970: 1_772_442_000)  // 2026-03-02T09:00:00Z
    static let deadline = Date(timeIntervalSince1970: 1_773_046_800)  // 2026-03-09T09:00:00Z
    static let fingerprint = "3f1c0b7e2a9d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60"

    /// A two-group spec with two techniques, B = 3 replicates and 4 ECE bins, so vectors stay small.
    static var spec: AuditSpec {
        var spec = AuditSpec(name: "wire-vector", outcome: OutcomeSpec(column: "death_5y"),
                             groups: [GroupAttributeSpec(column: "sex")])
        spec.techniques = [.onehot, .intersectional]
        spec.tests = TestSpec(alpha: 0.10, correction: .holm, bootstrapReplicates: 3, eceBins: 4, seed: 7)
        return spec
    }

    static var siteTask: SiteTask {
        SiteTask(id: task, audit: audit, round: 1, spec: spec, rootSeed: 7, createdAt: created, deadline: deadline)
    }

    static let policy = PolicySummary(allowedModelClasses: ["logistic_regression"],
                                      allowedMetrics: ["error", "auc", "ece"], minCell: 5, maxGroups: 16,
                                      manualApproval: true)

    /// 24 test rows at one site, two groups, probabilities on a 0.01 grid (with ties). Technique
    /// `shift` moves the personalized predictions of each group's own column.
    static func predictions(shift: Double, rows: Int = 24) -> Predictions {
        let keys = ["sex=F", "sex=M"]
        var groups: [Int32] = [], labels: [UInt8] = [], generic: [Double] = [], personalized: [Double] = []
        for i in 0..<rows {
            let g = i % 2
            let base = Double((i * 37) % 90 + 5) / 100
            // Labels follow the score with deterministic noise, so AUCs are above ½ but not 1.
            let y: UInt8 = base + Double((i * 11) % 7 - 3) / 10 >= 0.5 ? 1 : 0
            groups.append(Int32(g))
            labels.append(y)
            generic.append(base)
            for j in 0..<2 {
                let offset = j == g ? shift * (y == 1 ? 1 : -1) : (j == 0 ? 0.05 : -0.05)
                personalized.append(min(0.99, max(0.01, ((base + offset) * 100).rounded() / 100)))
            }
        }
        return Predictions(keys: keys, sites: Array(repeating: site.rawValue, count: rows), groups: groups,
                           labels: labels, generic: generic, personalized: personalized)
    }

    /// The site's statistics; rows of the groups in `withheld` are left out, as a site's disclosure
    /// policy withholds a suppressed group before computing anything.
    static func statistics(shift: Double, rows: Int = 24, replicates: Int = 3, withheld: Set<Int32> = []) -> SiteStatistics {
        let settings = ExtractionSettings(eceBins: 4, bootstrapReplicates: replicates, rootSeed: 7, site: site.rawValue)
        var all = predictions(shift: shift, rows: rows)
        if !withheld.isEmpty {
            let keep = all.groups.indices.filter { !withheld.contains(all.groups[$0]) }
            let m = all.keys.count
            all = Predictions(keys: all.keys, sites: keep.map { all.sites[$0] }, groups: keep.map { all.groups[$0] },
                              labels: keep.map { all.labels[$0] }, generic: keep.map { all.generic[$0] },
                              personalized: keep.flatMap { i in (0..<m).map { all.personalized[i * m + $0] } })
        }
        return SiteStatistics.extract(from: all, site: site.rawValue, settings: settings)
    }

    static var taskResult: TaskResult {
        TaskResult(task: task, audit: audit, site: site, round: 1, specSHA256: siteTask.specSHA256,
                   rootSeed: siteTask.rootSeed, agentVersion: "fairuse 0.1.0 (linux-x86_64)",
                   techniques: [TechniqueStatistics(technique: "onehot", statistics: statistics(shift: 0.1)),
                                TechniqueStatistics(technique: "intersectional", statistics: statistics(shift: 0.2))],
                   suppressed: [], rowCounts: RowCounts(total: 120, train: 96, test: 24))
    }

    /// A ledger head as an agent sends it (entry 7 of its ledger).
    static let ledgerHead = LedgerHead(sequence: 7, hash: String(repeating: "5e", count: 32))

    /// The `Idempotency-Key` of the task-result vector.
    static var taskResultKey: String {
        (try? PayloadCodec.encodeJSON(taskResult)).map(PayloadCodec.idempotencyKey(of:)) ?? ""
    }

    /// Every vector: file name (without `.json`) and the message it holds.
    static var vectors: [(name: String, message: any WireMessage)] {
        [
            ("agent-hello", AgentHello(agentVersion: "fairuse 0.1.0 (linux-x86_64)", site: site, policy: policy)),
            ("coordinator-hello", CoordinatorHello(coordinatorVersion: "fairuse 0.1.0 (linux-x86_64)",
                                                   serverTime: created, pollSeconds: 30, ledgerHead: ledgerHead)),
            ("task-list", TaskList(tasks: [siteTask])),
            ("task-list-empty", TaskList(tasks: [])),
            ("task-result", taskResult),
            ("task-refusal", TaskRefusal(task: task, site: site, code: RefusalCode.tooManyGroups,
                                         reason: "the spec defines 24 groups; the site policy allows at most 16")),
            ("task-receipt", TaskReceipt(task: task, site: site, round: 1,
                                         idempotencyKey: taskResultKey,
                                         receivedAt: created.addingTimeInterval(3600), ledgerHead: ledgerHead)),
            ("site-ledger-head", SiteLedgerHead(site: site, head: ledgerHead, receivedAt: created.addingTimeInterval(3600))),
            ("launch-audit-request", LaunchAuditRequest(specYAML: spec.yaml(), sites: [site, otherSite], minSites: 1,
                                                        requiredSites: [site], deadline: deadline,
                                                        rootSeed: 12_345_678_901_234_567_890)),
            ("audit-summary", AuditSummary(id: audit, name: "wire-vector", state: .collecting, createdAt: created,
                                           deadline: deadline, sites: [
                                            SiteTaskStatus(site: otherSite, task: otherTask, state: .refused,
                                                           updatedAt: created.addingTimeInterval(600),
                                                           detail: "too_many_groups: the site policy allows at most 16"),
                                            SiteTaskStatus(site: site, task: task, state: .delivered,
                                                           updatedAt: created.addingTimeInterval(60)),
                                           ], rootSeed: 12_345_678_901_234_567_890)),
            ("site-registration", SiteRegistration(site: site, certificateFingerprintSHA256: fingerprint)),
            ("site-list", SiteList(sites: [
                SiteRecord(site: otherSite, fingerprint: fingerprint, status: .revoked, addedAt: created,
                           revokedAt: deadline),
                SiteRecord(site: site, fingerprint: fingerprint, status: .active, addedAt: created),
            ])),
            ("error-unsupported-version", ErrorBody(error: WireError(
                code: .unsupportedVersion, message: "protocol version 2.0 is not supported; this peer speaks 1.x",
                field: "protocol_version"))),
            ("error-payload-too-large", ErrorBody(error: WireError(
                code: .payloadTooLarge, message: "inflated body exceeds 1000 times its compressed size"))),
            ("error-inconsistent-counts", ErrorBody(error: WireError(
                code: .inconsistentCounts, message: "expected 0 … 12 wrong predictions",
                field: "techniques[1].statistics.groups[0].wrong[2]"))),
            ("error-site-mismatch", ErrorBody(error: WireError(
                code: .siteMismatch, message: "the message names a site other than the authenticated one",
                field: "site"))),
        ]
    }
}

/// A message type of the protocol, as the vector tests handle them.
protocol WireMessage: Codable, Equatable, Sendable {}

extension AgentHello: WireMessage {}
extension CoordinatorHello: WireMessage {}
extension TaskList: WireMessage {}
extension TaskResult: WireMessage {}
extension TaskRefusal: WireMessage {}
extension TaskReceipt: WireMessage {}
extension SiteLedgerHead: WireMessage {}
extension LaunchAuditRequest: WireMessage {}
extension AuditSummary: WireMessage {}
extension SiteRegistration: WireMessage {}
extension SiteList: WireMessage {}
extension ErrorBody: WireMessage {}
