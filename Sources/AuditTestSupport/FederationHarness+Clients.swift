import AsyncHTTPClient
import AuditClient
import AuditCore
import AuditPKI
import Foundation
import NIOCore
import NIOSSL

extension FederationHarness {
    /// Runs `body` with an operator client (certificate "op"), shut down afterwards.
    public func withOperator<T>(_ body: (OperatorClient) async throws -> T) async throws -> T {
        let role = CertificateRole.operator(try OperatorName(certificateName: "op"))
        let client = try OperatorClient(baseURL: url, certificatePath: pki.certificatePath(for: role), keyPath: pki.keyPath(for: role),
                                        caPath: pki.caCertificatePath)
        return try await Self.scoped { try await body(client) } cleanup: { try await client.shutdown() }
    }

    /// Runs `body` with the agent client of `site` (whose certificate must have been issued).
    public func withSiteClient<T>(_ site: String, _ body: (CoordinatorClient) async throws -> T) async throws -> T {
        try await withClient(certificateOf: .site(try SiteID(certificateName: site)), body)
    }

    /// Runs `body` with an agent client presenting the certificate of `role` from this federation's PKI.
    public func withClient<T>(certificateOf role: CertificateRole, in store: PKIStore? = nil,
                              revocation: CoordinatorRevocationCheck? = nil,
                              _ body: (CoordinatorClient) async throws -> T) async throws -> T {
        let store = store ?? pki
        let client = try CoordinatorClient(baseURL: url, certificatePath: store.certificatePath(for: role),
                                           keyPath: store.keyPath(for: role), caPath: pki.caCertificatePath, revocation: revocation)
        return try await Self.scoped { try await body(client) } cleanup: { try await client.shutdown() }
    }

    /// Runs `body` with a page client presenting `role`'s certificate, or none.
    public func withPages<T>(as role: CertificateRole?, _ body: (PageClient) async throws -> T) async throws -> T {
        let client = try PageClient(url: url, pki: pki, role: role)
        return try await Self.scoped { try await body(client) } cleanup: { try await client.client.shutdown() }
    }

    /// `value`, after `cleanup` has run, whether `value` was produced or thrown.
    static func scoped<T>(_ value: () async throws -> T, cleanup: () async throws -> Void) async throws -> T {
        do {
            let result = try await value()
            try await cleanup()
            return result
        } catch {
            try? await cleanup()
            throw error
        }
    }
}

/// An HTTPS client for pages and raw requests: an optional client certificate, any headers, and
/// the response's status, headers and body.
public struct PageClient: Sendable {
    let client: HTTPClient
    let url: String

    init(url: String, pki: PKIStore, role: CertificateRole?) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCertificatePath))
        if let role {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(pki.certificatePath(for: role)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: pki.keyPath(for: role), format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.url = url
    }

    /// GET (or POST with `{}`); response header names are lowercased.
    public func get(_ path: String, headers: [(String, String)] = [], post: Bool = false) async throws
        -> (status: Int, headers: [String: String], body: String) {
        var request = HTTPClientRequest(url: url + path)
        request.method = post ? .POST : .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if post { request.body = .bytes(ByteBuffer(string: "{}")) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 32 << 20)
        let fields = Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        return (Int(response.status.code), fields, String(buffer: body))
    }

    /// The HTTP version the client and the coordinator agreed on by ALPN for a GET of `path`.
    public func negotiatedVersion(_ path: String) async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: url + path), timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 32 << 20)
        return "\(response.version)"
    }

    /// Whether a request fails before any HTTP response (the TLS handshake is refused).
    public func handshakeFails() async -> Bool {
        do {
            _ = try await get("/v1/agent/tasks", headers: [("Fairuse-Protocol", "2.0")])
            return false
        } catch {
            return true
        }
    }
}
