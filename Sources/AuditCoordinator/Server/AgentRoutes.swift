import AuditCore
import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The agent endpoints (Protocol/protocol.md): hello, long-poll for tasks, submit a result,
/// refuse a task, report progress, read the coordinator's record of the site's ledger head. Every
/// handler acts only as the authenticated site, and records the `Fairuse-Ledger-Head` the agent
/// sent (protocol §13) before anything else.
struct AgentRoutes {
    let coordinator: Coordinator

    func register(on router: Router<CoordinatorContext>) {
        let group = router.group("v1/agent")
        group.post("hello") { request, context in try await hello(request, context) }
        group.get("tasks") { request, context in try await tasks(request, context) }
        group.post("tasks/:id/result") { request, context in try await result(request, context) }
        group.post("tasks/:id/refusal") { request, context in try await refusal(request, context) }
        group.post("tasks/:id/progress") { request, context in try await progress(request, context) }
        group.get("ledger-head") { request, context in try await ledgerHead(request, context) }
    }

    /// Records the request's `Fairuse-Ledger-Head`, if any, and returns the highest head held for
    /// the site (nil when its agent never sent one). A malformed header is `400 malformed_payload`.
    func recordLedgerHead(_ request: Request, site: SiteID) async throws -> LedgerHead? {
        let sent = try LedgerHead.header(request.headers[HTTPField.Name(WireHeader.ledgerHead)!])
        if let sent {
            return try await coordinator.store.recordLedgerHead(sent, site: site, at: coordinator.clock.now())
        }
        return try await coordinator.store.ledgerHead(site: site)?.head
    }

    /// `GET /v1/agent/ledger-head`: the coordinator's record of the calling site's ledger, for
    /// `fairuse agent ledger verify` (a truncated or rewritten ledger no longer holds this head).
    func ledgerHead(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let site = try context.requireSite()
        let record = try await coordinator.store.ledgerHead(site: site)
        return try JSONResponse.make(SiteLedgerHead(site: site, head: record?.head, receivedAt: record?.receivedAt))
    }

    func body(_ request: Request, limit: Int) async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch {
            throw APIError(.payloadTooLarge, "the request body exceeds \(limit) bytes")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let config = coordinator.configuration
        let data = try await body(request, limit: config.maxCompressedBytes)
        return try PayloadCodec.decode(type, from: data,
                                       contentEncoding: request.headers[HTTPField.Name(WireHeader.contentEncoding)!],
                                       limits: limits)
    }

    /// The uncompressed JSON of a result or refusal and its idempotency key (protocol §9): the
    /// `Idempotency-Key` header must be present and equal the SHA-256 of that JSON.
    func answer(_ request: Request) async throws -> (json: Data, key: String) {
        let raw = try await body(request, limit: coordinator.configuration.maxCompressedBytes)
        let encoding = request.headers[HTTPField.Name(WireHeader.contentEncoding)!]
        let json = encoding == nil ? raw : try PayloadCodec.inflate(raw, limits: limits)
        let key = PayloadCodec.idempotencyKey(of: json)
        guard let claimed = request.headers[HTTPField.Name(WireHeader.idempotencyKey)!] else {
            throw APIError(.malformedPayload, "Idempotency-Key is missing", field: WireHeader.idempotencyKey)
        }
        guard claimed == key else {
            throw APIError(.malformedPayload, "Idempotency-Key is not the SHA-256 of the uncompressed body",
                           field: WireHeader.idempotencyKey)
        }
        return (json, key)
    }

    var limits: PayloadLimits {
        PayloadLimits(maxCompressedBytes: coordinator.configuration.maxCompressedBytes,
                      maxDecompressedBytes: coordinator.configuration.maxDecompressedBytes)
    }

    func hello(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let site = try context.requireSite()
        let head = try await recordLedgerHead(request, site: site)
        let hello = try await decode(AgentHello.self, request)
        try PayloadValidator.validate(hello, authenticatedSite: site)
        let policy = String(decoding: try PayloadCodec.encodeJSON(hello.policy), as: UTF8.self)
        try await coordinator.store.touch(site: site, agentVersion: hello.agentVersion, policyJSON: policy, at: coordinator.clock.now())
        return try JSONResponse.make(CoordinatorHello(coordinatorVersion: CoordinatorService.version, serverTime: coordinator.clock.now(),
                                                      pollSeconds: coordinator.configuration.longPollSeconds, ledgerHead: head))
    }

    /// Long-poll: open tasks now, or as soon as one appears, or an empty list after `wait` seconds.
    func tasks(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let site = try context.requireSite()
        _ = try await recordLedgerHead(request, site: site)
        try request.uri.queryParameters.allowOnly(["wait"])
        let wait = min(try Self.waitSeconds(request.uri.queryParameters.get("wait")), coordinator.configuration.longPollSeconds)
        let deadline = ContinuousClock.now + .seconds(wait)
        // The site's last contact is this request's arrival: touched once, not again at each wake-up
        // (at a launch every parked poll wakes at once, and each write waits for the single writer).
        try await coordinator.store.touch(site: site, agentVersion: nil, policyJSON: nil, at: coordinator.clock.now())
        while true {
            let seen = await coordinator.signals.generation(of: site)
            let open = try await coordinator.openTasks.call(site)
            if !open.isEmpty || ContinuousClock.now >= deadline {
                var tasks: [(task: SiteTask, specJSON: Data)] = []
                for item in open {
                    if item.task.state == .queued {
                        await coordinator.dispatch(try await coordinator.deliveries.call(item.task.id))
                    }
                    if let task = coordinator.wireTask(item) { tasks.append(task) }
                }
                return JSONResponse.make(json: try TaskList.canonicalJSON(tasks))
            }
            await coordinator.signals.wait(site: site, seen: seen, timeout: deadline - ContinuousClock.now)
        }
    }

    /// `wait=S` of a long-poll (protocol §7): absent is 0; a non-negative integer (at most 6 digits)
    /// is the wait in seconds, capped by the caller; anything else is `400 malformed_payload`.
    static func waitSeconds(_ text: String?) throws -> Int {
        guard let text else { return 0 }
        guard (1...6).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int(text) else {
            throw APIError(.malformedPayload, "expected wait to be a whole number of seconds, 0 … 60", field: "wait")
        }
        return seconds
    }

    /// The task, if it belongs to the authenticated site. Another site's task is `404` exactly like a
    /// task that does not exist (protocol §2), so a site cannot probe which task ids are live.
    func ownTask(_ context: CoordinatorContext, site: SiteID) async throws -> (SiteTaskRecord, AuditRecord) {
        let id: TaskID = try context.pathID()
        guard let open = try await coordinator.store.taskWithAudit(id: id), open.task.siteID == site else {
            throw APIError(.notFound, "no task \(id)")
        }
        return (open.task, open.audit)
    }

    func result(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let site = try context.requireSite()
        let head = try await recordLedgerHead(request, site: site)
        let (task, audit) = try await ownTask(context, site: site)
        let (json, key) = try await answer(request)
        let result = try PayloadCodec.decodeJSON(TaskResult.self, from: json, limits: limits)
        guard let wireTask = coordinator.siteTask(OpenTask(task: task, audit: audit)) else {
            throw APIError(.internal, "the audit's spec cannot be read")
        }
        do {
            try PayloadValidator.validate(result, against: wireTask, authenticatedSite: site)
        } catch {
            try await rejected(task: task, error)
            throw error
        }
        let now = coordinator.clock.now()
        switch try await coordinator.submissions.call(NewSubmission(task: task.id, idempotencyKey: key, bodySHA256: key,
                                                                     payload: json, receivedAt: now)) {
        case .stored(let applied):
            await coordinator.dispatch(applied)
            return try JSONResponse.make(TaskReceipt(task: result.task, site: result.site, round: task.round,
                                                     idempotencyKey: key, receivedAt: now, ledgerHead: head))
        case .duplicate(let receivedAt):
            return try JSONResponse.make(TaskReceipt(task: result.task, site: result.site, round: task.round,
                                                     idempotencyKey: key, receivedAt: receivedAt, ledgerHead: head))
        case .conflict:
            throw APIError(.conflict, "a different result was already accepted for task \(task.id)")
        }
    }

    /// A result that fails validation fails its task (protocol §7): the site is never silently left
    /// out of the pooled result nor retried into it; the audit can then end `partial` at best, and the
    /// report and dashboard name the site with the validation error (field and bound, no data). A
    /// task that can no longer fail (already submitted, closed) keeps its state; the 422 still goes back.
    func rejected(task: SiteTaskRecord, _ error: WireError) async throws {
        let reason = String("result rejected: \(error.field.map { "\($0): " } ?? "")\(error.message)".prefix(400))
        if let applied = try? await coordinator.store.recordFailure(task: task.id, reason: reason, at: coordinator.clock.now()) {
            await coordinator.dispatch(applied)
        }
    }

    func refusal(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let site = try context.requireSite()
        let head = try await recordLedgerHead(request, site: site)
        let (task, audit) = try await ownTask(context, site: site)
        let (json, key) = try await answer(request)
        let refusal = try PayloadCodec.decodeJSON(TaskRefusal.self, from: json, limits: limits)
        guard let wireTask = coordinator.siteTask(OpenTask(task: task, audit: audit)) else {
            throw APIError(.internal, "the audit's spec cannot be read")
        }
        try PayloadValidator.validate(refusal, against: wireTask, authenticatedSite: site)
        let now = coordinator.clock.now()
        await coordinator.dispatch(try await coordinator.store.recordRefusal(task: task.id, code: refusal.code,
                                                                             reason: refusal.reason, at: now))
        return try JSONResponse.make(TaskReceipt(task: task.id, site: site, round: task.round, idempotencyKey: key,
                                                 receivedAt: now, ledgerHead: head))
    }

    /// A progress report: recorded for display while the task is open, ignored (204) after.
    func progress(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let site = try context.requireSite()
        let head = try await recordLedgerHead(request, site: site)
        let (task, audit) = try await ownTask(context, site: site)
        let data = try await body(request, limit: 4096)
        let progress = try PayloadCodec.decodeJSON(TaskProgress.self, from: data, limits: limits)
        guard let wireTask = coordinator.siteTask(OpenTask(task: task, audit: audit)) else {
            throw APIError(.internal, "the audit's spec cannot be read")
        }
        try progress.validate(against: wireTask, authenticatedSite: site)
        try await coordinator.store.recordProgress(task: task.id, text: progress.text, at: coordinator.clock.now())
        var response = Response(status: .noContent)
        if let head { response.headers[HTTPField.Name(WireHeader.ledgerHead)!] = head.description }
        return response
    }
}
