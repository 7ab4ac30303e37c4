import AsyncHTTPClient
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

    /// A client for `baseURL` presenting the site's certificate and trusting only the federation CA.
    public init(baseURL: String, certificatePath: String, keyPath: String, caPath: String) throws {
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
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = baseURL
    }

    /// Closes connections; call before dropping the client.
    public func shutdown() async throws { try await client.shutdown() }

    /// POST /v1/agent/hello.
    public func hello(_ hello: AgentHello) async throws -> CoordinatorHello {
        let (status, body) = try await send("POST", "/v1/agent/hello", json: try PayloadCodec.encodeJSON(hello), compress: false)
        return try decode(CoordinatorHello.self, status, body)
    }

    /// GET /v1/agent/tasks?wait=S.
    public func tasks(wait: Int) async throws -> [SiteTask] {
        let (status, body) = try await send("GET", "/v1/agent/tasks?wait=\(wait)", json: nil, compress: false,
                                            timeout: .seconds(Int64(wait) + 30))
        return try decode(TaskList.self, status, body).tasks
    }

    /// POST /v1/agent/tasks/{id}/result with the exact JSON (compressed on the wire).
    public func submit(task: TaskID, json: Data) async throws -> TaskReceipt {
        let (status, body) = try await send("POST", "/v1/agent/tasks/\(task)/result", json: json, compress: true,
                                            timeout: .seconds(300))
        return try decode(TaskReceipt.self, status, body)
    }

    /// POST /v1/agent/tasks/{id}/progress (best effort; small, uncompressed).
    public func progress(task: TaskID, json: Data) async throws {
        let (status, body) = try await send("POST", "/v1/agent/tasks/\(task)/progress", json: json, compress: false,
                                            timeout: .seconds(10))
        guard (200..<300).contains(status) else { throw error(status, body) }
    }

    /// POST /v1/agent/tasks/{id}/refusal.
    public func refuse(task: TaskID, json: Data) async throws {
        let (status, body) = try await send("POST", "/v1/agent/tasks/\(task)/refusal", json: json, compress: false)
        guard (200..<300).contains(status) else { throw error(status, body) }
    }

    func send(_ method: String, _ path: String, json: Data?, compress: Bool,
              timeout: TimeAmount = .seconds(60)) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: WireHeader.protocolVersion, value: ProtocolVersion.current.description)
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
            return (Int(response.status.code), Data(body.readableBytesView))
        } catch let error as NIOSSLError {
            throw AgentError(code: .identityRefused, message: "TLS handshake failed: \(error)")
        } catch let error as BoringSSLError {
            throw AgentError(code: .identityRefused, message: "TLS handshake failed: \(error)")
        } catch let error as AgentError {
            throw error
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw AgentError(code: .transient, message: "coordinator unreachable: \(error)")
        }
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
