import AuditCore
import AuditWire
import Foundation
import Hummingbird

/// `GET /v1/events` (operators only): the coordinator's event log, filtered by `audit`, `site`,
/// `since` (RFC 3339) and `limit` (1–10000, default 100) — what `fairuse coordinator events`
/// shows. It goes through the API like the rest of `fairuse coordinator site …`, so an operator
/// needs no shell on the coordinator host and no access to its database file.
struct EventRoutes {
    let coordinator: Coordinator

    func register(on router: Router<CoordinatorContext>) {
        router.get("v1/events") { request, context in try await events(request, context) }
    }

    func events(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireOperator()
        let filter = try Self.filter(request.uri.queryParameters)
        let rows = try await coordinator.store.events(matching: filter)
        return try JSONResponse.make(EventList(events: rows.map {
            EventEntry(id: $0.id, at: $0.at, kind: $0.kind.rawValue, audit: $0.auditID, task: $0.taskID, site: $0.siteID, detail: $0.detail)
        }))
    }

    /// The filter of the query; a malformed value is `400 malformed_payload` naming the parameter.
    static func filter(_ query: Parameters) throws -> Store.EventFilter {
        try query.allowOnly(["audit", "site", "since", "limit"])
        var filter = Store.EventFilter()
        if let text = query.get("audit") {
            guard let id = AuditID(rawValue: text) else { throw APIError(.malformedPayload, "expected an audit id", field: "audit") }
            filter.audit = id
        }
        if let text = query.get("site") {
            guard let id = SiteID(rawValue: text) else { throw APIError(.malformedPayload, "expected a site id", field: "site") }
            filter.site = id
        }
        if let text = query.get("since") {
            guard let date = WireJSON.parseDate(text) else {
                throw APIError(.malformedPayload, "expected an RFC 3339 time such as 2026-12-04T18:00:00Z", field: "since")
            }
            filter.since = date
        }
        if let text = query.get("limit") {
            guard let limit = Int(text), (1...10_000).contains(limit) else {
                throw APIError(.malformedPayload, "expected limit to be a whole number 1 … 10000", field: "limit")
            }
            filter.limit = limit
        }
        return filter
    }
}
