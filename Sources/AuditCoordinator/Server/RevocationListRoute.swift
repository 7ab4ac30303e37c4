import Hummingbird
import NIOCore

/// `GET /v1/crl`: the federation CA's revocation list in force at this coordinator (PEM), for any
/// authenticated site or operator; agents fetch it to check the coordinator's own certificate. The list is
/// signed by the CA, so serving it needs no trust in the coordinator; `404 not_found` when none is configured.
struct RevocationListRoute {
    let revocations: RevocationListFile?

    func register(on router: Router<CoordinatorContext>) {
        router.get("v1/crl") { _, context in
            guard context.principal != nil else {
                throw APIError(.forbidden, "this endpoint is for sites and operators; present a certificate")
            }
            guard let revocations else { throw APIError(.notFound, "this coordinator has no revocation list (tls.crl)") }
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file"],
                            body: .init(byteBuffer: ByteBuffer(string: revocations.current().pem)))
        }
    }
}
