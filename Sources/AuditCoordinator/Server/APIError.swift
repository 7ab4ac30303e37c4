import AuditWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An API failure carried to the client as `ErrorBody` JSON with the code's HTTP status.
struct APIError: Error {
    let wire: WireError

    init(_ code: WireErrorCode, _ message: String, field: String? = nil) {
        wire = WireError(code: code, message: message, field: field)
    }

    init(_ wire: WireError) { self.wire = wire }

    var response: Response {
        let body = (try? PayloadCodec.encodeJSON(ErrorBody(error: wire))) ?? Data("{}".utf8)
        return Response(status: .init(code: wire.code.httpStatus),
                        headers: [.contentType: WireHeader.jsonMediaType],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every failure into an `ErrorBody` response, never leaking internals: store and other
/// unexpected errors become `internal` with a generic message (details go to the log, without
/// payload contents).
struct ErrorMappingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        // Every response, errors included, names the protocol version this coordinator speaks
        // (protocol §2), so a peer refused with `unsupported_version` can tell which one is needed.
        var response = await mapped(request, context: context, next: next)
        response.headers[HTTPField.Name(WireHeader.protocolVersion)!] = ProtocolVersion.current.description
        return response
    }

    private func mapped(_ request: Request, context: Context,
                        next: (Request, Context) async throws -> Response) async -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let mapped = APIError(mapping: error) { return mapped.response }
            context.logger.error("request failed", metadata: ["error": "\(type(of: error))"])
            return APIError(.internal, "internal error").response
        }
    }
}

extension APIError {
    /// The API error a failure is answered with, or nil for an unexpected failure (answered
    /// `internal`). One mapping, so the metrics and security log see the status the client gets.
    init?(mapping error: any Error) {
        switch error {
        case let error as APIError: self = error
        case let error as WireError: self.init(error)
        case let error as StoreError: self.init(ErrorMappingMiddleware<CoordinatorContext>.code(for: error), error.message)
        case let error as HTTPError:
            let code: WireErrorCode = error.status == .notFound ? .notFound
                : (error.status == .contentTooLarge ? .payloadTooLarge : .malformedPayload)
            self.init(code, error.body ?? "\(error.status)")
        default: return nil
        }
    }
}

extension ErrorMappingMiddleware {
    /// The wire code of a store failure (its message names ids only).
    static func code(for error: StoreError) -> WireErrorCode {
        switch error.code {
        case .notFound: .notFound
        case .duplicateSite, .duplicateFingerprint, .duplicateAudit, .conflict: .conflict
        case .illegalTransition: .taskClosed
        case .invalidArgument: .malformedPayload
        default: .internal
        }
    }
}

/// JSON responses in the wire encoding.
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        make(json: try PayloadCodec.encodeJSON(value), status: status)
    }

    /// A response of JSON already encoded canonically.
    static func make(json: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: WireHeader.jsonMediaType], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
