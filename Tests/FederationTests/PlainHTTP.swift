import AsyncHTTPClient
import Foundation

/// GET over plain HTTP, as Prometheus and a probe reach the observability listener.
enum PlainHTTP {
    static func get(_ url: String) async throws -> (status: Int, contentType: String?, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), response.headers.first(name: "content-type"), String(decoding: body.readableBytesView, as: UTF8.self))
    }
}
