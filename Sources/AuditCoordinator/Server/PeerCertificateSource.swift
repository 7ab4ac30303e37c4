import Hummingbird
import NIOSSL

/// Where the authentication middleware finds the certificate the caller presented: the seam
/// between the TLS connection and authorization. The coordinator uses ``TLSPeerCertificate``; a
/// test hands the router a source of its own, so every route is exercised in process while the
/// principal is still derived, as in production, from a CA-verified, registered certificate.
protocol PeerCertificateSource: Sendable {
    /// The DER bytes of the caller's leaf certificate, or nil when it presented none.
    func certificateDER(of request: Request, context: CoordinatorContext) async throws -> [UInt8]?
}

/// The client certificate the mutual-TLS handshake verified on the request's connection. Fails
/// closed: a connection with no TLS handler is an error, never "no certificate".
///
/// Over HTTP/1.1 the request's channel is the TLS connection. Over HTTP/2 (negotiated by ALPN) it
/// is a stream whose parent is the TLS connection; the listening socket, the parent of an HTTP/1.1
/// connection, has no TLS handler, so looking one level up never finds another connection's peer.
struct TLSPeerCertificate: PeerCertificateSource {
    func certificateDER(of request: Request, context: CoordinatorContext) async throws -> [UInt8]? {
        let channel = context.channel
        let hasTLS = (try? await channel.pipeline.containsHandler(type: NIOSSLHandler.self).get()) != nil
        let connection = hasTLS ? channel : (channel.parent ?? channel)
        return try await connection.nioSSL_peerCertificate().get()?.toDERBytes()
    }
}
