import AuditCore
import AuditReport
import AuditSpec
import AuditWire
import Foundation
import Hummingbird
import NIOCore

/// The operator endpoints: launch, list, inspect, report and cancel audits; register, list and
/// revoke sites. Operator certificates only, except reading audits and reports, which researchers
/// with a read-only token may do too.
struct OperatorRoutes {
    let coordinator: Coordinator

    func register(on router: Router<CoordinatorContext>) {
        let audits = router.group("v1/audits")
        audits.post { request, context in try await launch(request, context) }
        audits.get { _, context in try await list(context) }
        audits.get(":id") { _, context in try await status(context) }
        audits.get(":id/report") { request, context in try await report(request, context) }
        audits.post(":id/cancel") { _, context in try await cancel(context) }
        let sites = router.group("v1/sites")
        sites.post { request, context in try await addSite(request, context) }
        sites.get { _, context in try await listSites(context) }
        sites.delete(":id") { _, context in try await revokeSite(context) }
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 4 << 20)
        return try PayloadCodec.decodeJSON(type, from: Data(buffer.readableBytesView))
    }

    func launch(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let who = try context.requireOperator()
        let launch = try await decode(LaunchAuditRequest.self, request)
        try launch.validate()
        var spec: AuditSpec
        do { spec = try AuditSpec.parse(yaml: launch.specYAML, source: "spec") } catch {
            throw APIError(.invalidShape, "the audit spec is invalid: \(error)", field: "spec_yaml")
        }
        // The audit's root seed: the operator's, or drawn here. It is written into the spec as
        // `tests.seed`, so the stored spec, its digest, the sites' tasks and the report's settings
        // all name the seed that actually ran, and relaunching with it reproduces the report.
        var generator = SystemRandomNumberGenerator()
        let rootSeed = launch.rootSeed ?? generator.next()
        spec.tests.seed = rootSeed
        let now = coordinator.clock.now()
        let sites = launch.sites
        if let site = try await coordinator.store.sitesNotActive(sites).first {
            throw APIError(.unknownSite, "site \(site) is not registered and active", field: "sites")
        }
        let audit = AuditID.generate()
        let new = NewAudit(
            id: audit, name: spec.name, specYAML: spec.yaml(), specSHA256: SiteTask.specDigest(spec),
            sites: sites, minSites: launch.minSites ?? sites.count,
            requiredSites: launch.requiredSites ?? [],
            deadline: launch.deadline ?? now.addingTimeInterval(TimeInterval(coordinator.configuration.defaultDeadlineSeconds)),
            rootSeed: rootSeed, taskIDs: Dictionary(uniqueKeysWithValues: sites.map { ($0, TaskID.generate()) }), spec: spec)
        let applied = try await coordinator.lifecycle.launch(new, at: now)
        coordinator.logger.info("audit launched", metadata: ["audit": "\(audit)", "operator": "\(who)", "sites": "\(sites.count)",
                                                             "seed": "\(rootSeed)\(launch.rootSeed == nil ? " (drawn)" : "")"])
        await coordinator.dispatch(applied)
        return try JSONResponse.make(try await summary(audit), status: .created)
    }

    func summary(_ id: AuditID) async throws -> AuditSummary {
        guard let audit = try await coordinator.store.audit(id: id) else { throw APIError(.notFound, "no audit \(id)") }
        let tasks = try await coordinator.store.tasks(of: id)
        return AuditSummary(
            id: audit.id, name: audit.name, state: audit.state,
            createdAt: audit.createdAt, deadline: audit.deadline,
            sites: tasks.map { task in
                SiteTaskStatus(site: task.siteID, task: task.id,
                               state: task.state, updatedAt: task.updatedAt, detail: task.detail,
                               progress: task.progress)
            },
            rootSeed: audit.rootSeed)
    }

    func list(_ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireReader()
        var summaries: [AuditSummary] = []
        for audit in try await coordinator.store.audits() { summaries.append(try await summary(audit.id)) }
        return try JSONResponse.make(AuditList(audits: summaries))
    }

    func status(_ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireReader()
        return try JSONResponse.make(try await summary(try context.pathID()))
    }

    /// The federated report: `format=json` (default), `md`, `table`, `html`, or `csv` with `table=summary|groups|envy|heterogeneity|sites`.
    func report(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireReader()
        let id: AuditID = try context.pathID()
        guard let audit = try await coordinator.store.audit(id: id) else { throw APIError(.notFound, "no audit \(id)") }
        guard let json = audit.resultJSON else {
            throw APIError(.conflict, "audit \(id) has no report yet (state \(audit.state.rawValue)\(audit.failure.map { ": \($0)" } ?? ""))")
        }
        try request.uri.queryParameters.allowOnly(["format", "table"])
        let format = request.uri.queryParameters.get("format") ?? "json"
        let document = try ReportDocument.decode(Data(json.utf8))
        let alpha = document.alpha, correction = document.correction
        let text: String, contentType: String
        switch format {
        case "json": (text, contentType) = (json, WireHeader.jsonMediaType)
        case "table": (text, contentType) = (TerminalReport.render(document, alpha: alpha, correction: correction), "text/plain; charset=utf-8")
        case "md", "markdown": (text, contentType) = (MarkdownReport.render(document, alpha: alpha, correction: correction), "text/markdown; charset=utf-8")
        case "html": (text, contentType) = (HTMLReport.render(document, alpha: alpha, correction: correction), "text/html; charset=utf-8")
        case "csv":
            let files = CSVExport.files(document, correction: correction)
            let table = request.uri.queryParameters.get("table") ?? "groups"
            guard let file = files.first(where: { $0.name == table + ".csv" }) else {
                throw APIError(.malformedPayload, "unknown table \(table); expected one of \(files.map { $0.name.replacingOccurrences(of: ".csv", with: "") }.joined(separator: ", "))", field: "table")
            }
            (text, contentType) = (file.contents, "text/csv; charset=utf-8")
        default: throw APIError(.malformedPayload, "unknown format \(format); expected json, md, table, html or csv", field: "format")
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func cancel(_ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireOperator()
        let id: AuditID = try context.pathID()
        await coordinator.dispatch(try await coordinator.lifecycle.apply(.cancelRequested, to: id, at: coordinator.clock.now()))
        return try JSONResponse.make(try await summary(id))
    }

    func addSite(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let who = try context.requireOperator()
        let registration = try await decode(SiteRegistration.self, request)
        try registration.validate()
        let (record, created) = try await coordinator.store.registerSite(id: registration.site,
                                                                         fingerprint: registration.certificateFingerprintSHA256, at: coordinator.clock.now())
        if created {
            SecurityEvent(kind: .siteRegistered, metadata: ["site": "\(record.id)", "fingerprint": "\(record.fingerprint)",
                                                            "operator": "\(who)"])
                .record(logger: coordinator.logger, metrics: coordinator.metrics)
        }
        return try JSONResponse.make(Self.wire(record), status: created ? .created : .ok)
    }

    func listSites(_ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireOperator()
        return try JSONResponse.make(SiteList(sites: try await coordinator.store.sites().map(Self.wire)))
    }

    func revokeSite(_ context: CoordinatorContext) async throws -> Response {
        let who = try context.requireOperator()
        let id: SiteID = try context.pathID()
        let closed = try await coordinator.store.revokeSite(id: id, at: coordinator.clock.now())
        for applied in closed { await coordinator.dispatch(applied) }
        guard let record = try await coordinator.store.site(id: id) else { throw APIError(.notFound, "no site \(id)") }
        SecurityEvent(kind: .siteRevoked, metadata: ["site": "\(record.id)", "fingerprint": "\(record.fingerprint)",
                                                     "operator": "\(who)", "audits_affected": "\(closed.count)"])
            .record(logger: coordinator.logger, metrics: coordinator.metrics)
        return try JSONResponse.make(Self.wire(record))
    }

    static func wire(_ record: SiteRecord) -> AuditWire.SiteRecord {
        AuditWire.SiteRecord(site: record.id, fingerprint: record.fingerprint,
                             status: record.status, addedAt: record.addedAt,
                             revokedAt: record.revokedAt, lastContactAt: record.lastContactAt, agentVersion: record.agentVersion)
    }
}
