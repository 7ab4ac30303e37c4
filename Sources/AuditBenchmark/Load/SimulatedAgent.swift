import AuditClient
import AuditCore
import AuditWire
import Foundation
import Synchronization

/// When the operator's launches started and returned, so a long poll that was parked before a task
/// existed is timed from the moment its task could be delivered, not from when the agent started waiting.
final class LaunchTimes: Sendable {
    private let launches = Mutex<[(start: ContinuousClock.Instant, end: ContinuousClock.Instant?)]>([])

    /// Records that a launch is starting now; returns its index for ``ended(_:)``.
    func starting() -> Int {
        launches.withLock { $0.append((ContinuousClock.now, nil)); return $0.count - 1 }
    }

    /// Records that launch `index` has returned.
    func ended(_ index: Int) { launches.withLock { $0[index].end = ContinuousClock.now } }

    /// The moment from which a poll that started at `start` and answered at `end` is timed: the
    /// latest launch that started before `end` — from its return when it had returned by `end`
    /// (its tasks existed by then), else from its start (the poll was answered while the launch was
    /// still running, so its task came from this launch, created no earlier than that) — and never
    /// before the poll itself started.
    func origin(start: ContinuousClock.Instant, end: ContinuousClock.Instant) -> ContinuousClock.Instant {
        launches.withLock { all in
            guard let launch = all.last(where: { $0.start <= end }) else { return start }
            if let returned = launch.end, returned <= end { return max(start, returned) }
            return max(start, launch.start)
        }
    }
}

/// One simulated site agent: its own `CoordinatorClient` (own mutual-TLS 1.3 connection and client
/// certificate), saying hello, long-polling for tasks and, for each, sending the progress reports
/// a real run sends, then the re-bound real result. Like the real agent (`LedgeredClient`), every
/// request carries the head of its disclosure ledger (`Fairuse-Ledger-Head`): a message it sends
/// (hello, progress, result) is a new entry first, a poll carries the last head; so the coordinator
/// records a head on every request, as it does for real sites. Every request is timed and its
/// outcome kept; nothing is retried silently (a failed request is a sample with its error).
struct SimulatedAgent: Sendable {
    let site: SiteID
    let client: CoordinatorClient
    let template: TemplateResult
    /// Tasks to answer before stopping.
    let tasks: Int
    /// Mean pause before each progress report and before the submit (uniform on 0 … 2 × think),
    /// standing for the site's computation between them.
    let think: Duration
    /// When the agent starts (says hello), after the benchmark starts the agents: a real federation's
    /// agents do not all connect in the same millisecond (see ``LoadBenchmark/Options/rampMilliseconds``).
    let start: Duration
    /// Long-poll wait, seconds.
    let pollSeconds: Int
    let launches: LaunchTimes

    /// What one agent's run gave.
    struct Outcome: Sendable {
        var samples: [Sample] = []
        var emptyPolls = 0
        /// Whether the coordinator's record of this site's ledger head (`GET /v1/agent/ledger-head`,
        /// asked once at the end, untimed) is the agent's last head.
        var ledgerHeadRecorded = false
    }

    /// Says hello, then signals `greeted`, then answers `tasks` tasks, then checks the coordinator's
    /// record of its ledger head.
    func run(greeted: @Sendable () -> Void) async -> Outcome {
        var samples: [Sample] = [], empty = 0
        var ledger = Ledger()
        if start > .zero { try? await Task.sleep(for: start) }
        let hello = AgentHello(agentVersion: "benchmark", site: site, policy: template.policy)
        let start = ContinuousClock.now
        do {
            let json = try PayloadCodec.encodeJSON(hello)
            _ = try await client.hello(json: json, ledgerHead: ledger.append(json))
            samples.append(Sample(endpoint: "hello", milliseconds: Self.ms(ContinuousClock.now - start), error: nil))
        } catch {
            samples.append(Sample(endpoint: "hello", milliseconds: 0, error: "\(error)"))
        }
        greeted()
        var answered: Set<TaskID> = [], failures = 0
        while answered.count < tasks && !Task.isCancelled && failures < 10 {
            let start = ContinuousClock.now
            let list: [SiteTask]
            do {
                list = try await client.tasks(wait: pollSeconds, ledgerHead: ledger.head)
            } catch {
                if Task.isCancelled { break }
                samples.append(Sample(endpoint: "tasks", milliseconds: 0, error: "\(error)"))
                failures += 1
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            let end = ContinuousClock.now
            let fresh = list.filter { !answered.contains($0.id) }
            if fresh.isEmpty { empty += 1; continue }
            let from = launches.origin(start: start, end: end)
            samples.append(Sample(endpoint: "tasks", milliseconds: Self.ms(end - from), error: nil))
            for task in fresh {
                answered.insert(task.id)
                samples += await answer(task, ledger: &ledger)
            }
        }
        let recorded = (try? await client.ledgerHead())?.head
        return Outcome(samples: samples, emptyPolls: empty, ledgerHeadRecorded: recorded != nil && recorded == ledger.head)
    }

    /// The progress reports and the result of one task.
    func answer(_ task: SiteTask, ledger: inout Ledger) async -> [Sample] {
        var samples: [Sample] = []
        let reports: [Data]
        do {
            reports = try template.progressJSON(for: task, site: site)
        } catch {
            return [Sample(endpoint: "progress", milliseconds: 0, error: "the progress reports could not be encoded: \(error)")]
        }
        for report in reports {
            await pause()
            let head = ledger.append(report)
            samples.append(await timed("progress") { try await client.progress(task: task.id, json: report, ledgerHead: head) })
        }
        // Encoded when it is sent, as a real agent makes its result at the end of its run: encoding
        // 200 results of 34 KiB the moment the tasks arrive was a burst of the load generator's own
        // (it shares the coordinator's cores), not of the federation.
        let result: Data
        do {
            result = try template.json(for: task, site: site)
        } catch {
            return samples + [Sample(endpoint: "result", milliseconds: 0, error: "the result could not be encoded: \(error)")]
        }
        await pause()
        let head = ledger.append(result)
        samples.append(await timed("result") { _ = try await client.submit(task: task.id, json: result, ledgerHead: head) })
        return samples
    }

    func timed(_ endpoint: String, _ body: () async throws -> Void) async -> Sample {
        let start = ContinuousClock.now
        do {
            try await body()
            return Sample(endpoint: endpoint, milliseconds: Self.ms(ContinuousClock.now - start), error: nil)
        } catch {
            return Sample(endpoint: endpoint, milliseconds: 0, error: "\(error)")
        }
    }

    func pause() async {
        let limit = Double(think.components.seconds) * 2e3 + Double(think.components.attoseconds) * 2e-15
        guard limit > 0 else { return }
        try? await Task.sleep(for: .milliseconds(Int.random(in: 0...Int(limit))))
    }

    /// The agent's disclosure ledger as the coordinator sees it: a head per entry, each entry's hash
    /// chained over the previous hash and the message (what the real ledger's head looks like; the
    /// coordinator does not check the chain, it keeps the highest head).
    struct Ledger {
        private(set) var head: LedgerHead?

        mutating func append(_ message: Data) -> LedgerHead {
            let previous = head?.hash ?? String(repeating: "0", count: 64)
            let next = LedgerHead(sequence: (head?.sequence ?? 0) + 1, hash: WireDigest.sha256Hex(Data(previous.utf8) + message))
            head = next
            return next
        }
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
    }
}
