import AsyncHTTPClient
import AuditPKI
import AuditCore
import AuditWire
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The agent's only network peer: HTTPS with TLS 1.3 and the site's client certificate, outbound
/// requests only (ANCHORS.md §3 item 1). Long-polls for tasks; submits compressed results.
public final class CoordinatorClient: Sendable {
    let client: HTTPClient
    let baseURL: String
    /// The client's certificate and the CA, for explaining failed handshakes.
    let certificatePath: String, caPath: String

    /// The revocation check of the coordinator's certificate, when the caller keeps a revocation list.
    public let revocation: CoordinatorRevocationCheck?

    /// A client for `baseURL` presenting the site's certificate and trusting only the federation CA; with
    /// `revocation`, every connection's server certificate is checked against the CA's revocation list.
    public init(baseURL: String, certificatePath: String, keyPath: String, caPath: String,
                revocation: CoordinatorRevocationCheck? = nil,
                fileKeys: (certificate: String, key: String, ca: String) = ("tls.certificate", "tls.key", "tls.ca")) throws {
        // A wrong file is named with its configuration key here, before swift-nio-ssl reads it.
        try TLSFiles.check(certificate: certificatePath, key: keyPath, ca: caPath, keys: fileKeys)
        self.certificatePath = certificatePath
        self.caPath = caPath
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(150))
        configuration.decompression = .disabled
        // The coordinator offers h2 and http/1.1 (protocol §1). An agent's requests are few, serial
        // and long-polled, so HTTP/2's multiplexing buys nothing, while over HTTP/2 the client's
        // pool retries a connection the server refused until the request's deadline, so a refused
        // certificate would surface as a timeout instead of at the request that caused it.
        configuration.httpVersion = .http1Only
        // A connection that cannot be made (refused, handshake failed, revoked coordinator) fails the request at
        // once with its reason instead of being retried until the connect timeout: the agent's loop backs off
        // itself, and an operator command should say at once why it cannot connect.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let revocation {
            configuration.http1_1ConnectionDebugInitializer = revocation.initializer()
            configuration.http2ConnectionDebugInitializer = revocation.initializer()
        }
        self.revocation = revocation
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = baseURL
    }

    /// Closes connections; call before dropping the client.
    public func shutdown() async throws { try await client.shutdown() }

    /// POST /v1/agent/hello.
    public func hello(_ hello: AgentHello, ledgerHead: LedgerHead? = nil) async throws -> CoordinatorHello {
        try await self.hello(json: try PayloadCodec.encodeJSON(hello), ledgerHead: ledgerHead)
    }

    /// POST /v1/agent/hello with the exact JSON the agent ledgered.
    public func hello(json: Data, ledgerHead: LedgerHead?) async throws -> CoordinatorHello {
        let (status, body, _) = try await exchange("POST", "/v1/agent/hello", json: json, compress: false, ledgerHead: ledgerHead)
        return try decode(CoordinatorHello.self, status, body)
    }

    /// GET /v1/agent/tasks?wait=S.
    public func tasks(wait: Int, ledgerHead: LedgerHead? = nil) async throws -> [SiteTask] {
        let (status, body, _) = try await exchange("GET", "/v1/agent/tasks?wait=\(wait)", json: nil, compress: false,
                                               ledgerHead: ledgerHead, timeout: .seconds(Int64(wait) + 30))
        return try decode(TaskList.self, status, body).tasks
    }

    /// POST /v1/agent/tasks/{id}/result with the exact JSON (compressed on the wire).
    public func submit(task: TaskID, json: Data, ledgerHead: LedgerHead? = nil) async throws -> TaskReceipt {
        let (status, body, _) = try await exchange("POST", "/v1/agent/tasks/\(task)/result", json: json, compress: true,
                                               ledgerHead: ledgerHead, timeout: .seconds(300))
        return try decode(TaskReceipt.self, status, body)
    }

    /// POST /v1/agent/tasks/{id}/progress (best effort; small, uncompressed). Returns the ledger head
    /// the coordinator holds for the site, from the response's `Fairuse-Ledger-Head`.
    @discardableResult
    public func progress(task: TaskID, json: Data, ledgerHead: LedgerHead? = nil) async throws -> LedgerHead? {
        let (status, body, head) = try await exchange("POST", "/v1/agent/tasks/\(task)/progress", json: json, compress: false,
                                                  ledgerHead: ledgerHead, timeout: .seconds(10))
        guard (200..<300).contains(status) else { throw error(status, body) }
        return head.flatMap(LedgerHead.init)
    }

    /// POST /v1/agent/tasks/{id}/refusal.
    @discardableResult
    public func refuse(task: TaskID, json: Data, ledgerHead: LedgerHead? = nil) async throws -> TaskReceipt {
        let (status, body, _) = try await exchange("POST", "/v1/agent/tasks/\(task)/refusal", json: json, compress: false,
                                               ledgerHead: ledgerHead)
        return try decode(TaskReceipt.self, status, body)
    }

    /// GET /v1/agent/ledger-head: the coordinator's record of this site's ledger.
    public func ledgerHead() async throws -> SiteLedgerHead {
        let (status, body, _) = try await exchange("GET", "/v1/agent/ledger-head", json: nil, compress: false, ledgerHead: nil)
        return try decode(SiteLedgerHead.self, status, body)
    }

    func send(_ method: String, _ path: String, json: Data?, compress: Bool,
              timeout: TimeAmount = .seconds(60)) async throws -> (Int, Data) {
        let (status, body, _) = try await exchange(method, path, json: json, compress: compress, ledgerHead: nil, timeout: timeout)
        return (status, body)
    }

    /// Sends a request (with the agent's ledger head when given); returns the status, the body and
    /// the response's `Fairuse-Ledger-Head`.
    func exchange(_ method: String, _ path: String, json: Data?, compress: Bool, ledgerHead: LedgerHead?,
                  timeout: TimeAmount = .seconds(60)) async throws -> (Int, Data, String?) {
        if let refusal = revocation?.refusal() { throw refusal }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: WireHeader.protocolVersion, value: ProtocolVersion.current.description)
        if let ledgerHead { request.headers.add(name: WireHeader.ledgerHead, value: ledgerHead.description) }
        if let json {
            request.headers.add(name: WireHeader.contentType, value: WireHeader.jsonMediaType)
            request.headers.add(name: WireHeader.idempotencyKey, value: PayloadCodec.idempotencyKey(of: json))
            let body = compress ? PayloadCodec.compress(json) : json
            if compress { request.headers.add(name: WireHeader.contentEncoding, value: "deflate") }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), Data(body.readableBytesView), response.headers.first(name: WireHeader.ledgerHead))
        } catch let error as NIOSSLError {
            throw AgentError(code: .identityRefused, message: await HandshakeDiagnosis.explain(
                error, baseURL: baseURL, certificatePath: certificatePath, caPath: caPath))
        } catch let error as BoringSSLError {
            throw AgentError(code: .identityRefused, message: await HandshakeDiagnosis.explain(
                error, baseURL: baseURL, certificatePath: certificatePath, caPath: caPath))
        } catch let error as AgentError {
            throw error
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw AgentError(code: .transient, message: "coordinator unreachable: \(error)")
        }
    }

    /// GET /v1/crl: the revocation list the coordinator serves (PEM), or nil when it serves none (404).
    public func revocationListPEM() async throws -> String? {
        let (status, body) = try await send("GET", "/v1/crl", json: nil, compress: false, timeout: .seconds(30))
        if status == 404 { return nil }
        guard (200..<300).contains(status) else { throw error(status, body) }
        return String(decoding: body, as: UTF8.self)
    }

    /// Fetches the coordinator's revocation list and adopts it when it is newer and signed by the CA (a list that
    /// does not verify is an error); then applies it to the coordinator connected to. No-op without a check.
    public func refreshRevocationList() async throws {
        guard let revocation, let pem = try await revocationListPEM() else { return }
        do { try revocation.adopt(pem: pem) } catch {
            throw AgentError(code: .identityRefused, message: "the coordinator served a revocation list that is not the federation CA's: \(error)")
        }
        if let refusal = revocation.refusal() { throw refusal }
    }

    /// POSTs raw bytes (for diagnostics and tests of the coordinator's defences).
    func sendRaw(path: String, body: Data, deflate: Bool, version: String = ProtocolVersion.current.description) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: WireHeader.protocolVersion, value: version)
        if deflate { request.headers.add(name: WireHeader.contentEncoding, value: "deflate") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(120))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Data(data.readableBytesView))
    }

    func decode<T: Decodable>(_ type: T.Type, _ status: Int, _ body: Data) throws -> T {
        guard (200..<300).contains(status) else { throw error(status, body) }
        do { return try PayloadCodec.decodeJSON(type, from: body) } catch {
            throw AgentError(code: .rejected, message: "unreadable response from the coordinator: \(error)")
        }
    }

    func error(_ status: Int, _ body: Data) -> AgentError {
        let wire = try? PayloadCodec.decodeJSON(ErrorBody.self, from: body)
        let wireCode = wire?.error.code
        let message = wire?.error.message ?? "HTTP \(status)"
        switch status {
        case 401, 403: return AgentError(code: .identityRefused, wireCode: wireCode, message: message)
        case 500...: return AgentError(code: .transient, wireCode: wireCode, message: message)
        default: return AgentError(code: .rejected, wireCode: wireCode, message: message)
        }
    }
}
