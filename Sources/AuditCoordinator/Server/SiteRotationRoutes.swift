import AuditCore
import AuditWire
import Foundation
import Hummingbird

/// `POST /v1/sites/{site}/rotate` (protocol §3): an active site gets a new certificate while the old one
/// stays accepted for an overlap window, so the site can install the new files without an outage.
struct SiteRotationRoutes {
    let coordinator: Coordinator

    func register(on router: Router<CoordinatorContext>) {
        router.post("v1/sites/:id/rotate") { request, context in try await rotate(request, context) }
    }

    func rotate(_ request: Request, _ context: CoordinatorContext) async throws -> Response {
        let who = try context.requireOperator()
        let id: SiteID = try context.pathID()
        let buffer = try await request.body.collect(upTo: 64 << 10)
        let rotation = try PayloadCodec.decodeJSON(SiteRotation.self, from: Data(buffer.readableBytesView))
        try rotation.validate()
        let record = try await coordinator.store.rotateSite(id: id, fingerprint: rotation.certificateFingerprintSHA256,
                                                            overlap: TimeInterval(rotation.overlapSeconds), at: coordinator.clock.now())
        coordinator.logger.notice("site certificate rotated", metadata: [
            "site": "\(id)", "by": "\(who)", "fingerprint": "\(record.fingerprint)", "overlap_seconds": "\(rotation.overlapSeconds)"])
        return try JSONResponse.make(OperatorRoutes.wire(record))
    }
}
