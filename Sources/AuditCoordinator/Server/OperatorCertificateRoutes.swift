import AuditCore
import AuditPKI
import AuditWire
import Foundation
import Hummingbird

/// The operator certificates the coordinator knows, and their individual revocation (protocol §3):
/// `GET /v1/operators`, `DELETE /v1/operators/{name}` (every certificate of that operator seen so far)
/// and `DELETE /v1/operator-certificates/{fingerprint}` (one certificate, seen or not). Operator
/// certificates only; a revoked certificate is refused by the authentication middleware from the next request.
struct OperatorCertificateRoutes {
    let coordinator: Coordinator

    func register(on router: Router<CoordinatorContext>) {
        router.get("v1/operators") { _, context in try await list(context) }
        router.delete("v1/operators/:name") { _, context in try await revoke(context) }
        router.delete("v1/operator-certificates/:fingerprint") { _, context in try await revokeCertificate(context) }
    }

    func list(_ context: CoordinatorContext) async throws -> Response {
        _ = try context.requireOperator()
        return try JSONResponse.make(OperatorList(operators: try await coordinator.store.operatorCertificates().map(Self.wire)))
    }

    func revoke(_ context: CoordinatorContext) async throws -> Response {
        let who = try context.requireOperator()
        let name: OperatorName = try context.pathID("name")
        // An operator cannot lock itself (possibly the last one) out; another operator, or the CA's list, can.
        guard name != who else {
            throw APIError(.conflict, "operator \(name) cannot revoke its own certificates; another operator must, or publish them in the CA's revocation list")
        }
        let records = try await coordinator.store.revokeOperator(name: name, at: coordinator.clock.now())
        coordinator.logger.notice("operator revoked", metadata: [
            "operator": "\(name)", "by": "\(who)", "certificates": "\(records.map(\.fingerprint).joined(separator: ","))"])
        return try JSONResponse.make(OperatorList(operators: records.map(Self.wire)))
    }

    func revokeCertificate(_ context: CoordinatorContext) async throws -> Response {
        let who = try context.requireOperator()
        let text = try context.parameters.require("fingerprint")
        guard let fingerprint = Fingerprint(text) else {
            throw APIError(.malformedPayload, "expected a SHA-256 fingerprint of 64 hex digits", field: "fingerprint")
        }
        let record = try await coordinator.store.revokeOperatorCertificate(fingerprint: fingerprint.hex, at: coordinator.clock.now())
        coordinator.logger.notice("operator certificate revoked", metadata: [
            "operator": "\(record.name)", "by": "\(who)", "fingerprint": "\(fingerprint.hex)"])
        return try JSONResponse.make(OperatorList(operators: [Self.wire(record)]))
    }

    static func wire(_ record: AuditCoordinator.OperatorCertificateRecord) -> AuditWire.OperatorCertificateRecord {
        AuditWire.OperatorCertificateRecord(name: record.name, fingerprint: record.fingerprint, status: record.status,
                                            firstSeenAt: record.firstSeenAt, lastSeenAt: record.lastSeenAt, revokedAt: record.revokedAt)
    }
}
