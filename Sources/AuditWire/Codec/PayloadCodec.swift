import Foundation

/// Message bodies on the wire: canonical JSON (``WireJSON``), optionally as one zlib stream
/// (`Content-Encoding: deflate`, RFC 1950). Decoding is bounded by ``PayloadLimits`` and every
/// failure is a ``WireError`` with a protocol code and, where known, the wire path of the field.
public enum PayloadCodec {
    /// zlib level used by ``encode(_:level:)`` unless told otherwise: about 2× on statistics; level 6
    /// saves another ~7% of bytes for ~7× the time.
    public static let defaultLevel: Int32 = 1

    /// The canonical JSON of `value`; a NaN or ±∞ anywhere throws `non_finite_number` naming the field.
    public static func encodeJSON<T: Encodable>(_ value: T) throws(WireError) -> Data {
        do {
            return try WireJSON.encoder.encode(value)
        } catch let error as EncodingError {
            throw DecodingFailure.map(error)
        } catch {
            throw WireError(code: .internal, message: "encoding failed: \(type(of: error))")
        }
    }

    /// The canonical JSON of `value` compressed into one zlib stream at `level` (0 … 9).
    public static func encode<T: Encodable>(_ value: T, level: Int32 = defaultLevel) throws(WireError) -> Data {
        compress(try encodeJSON(value), level: level)
    }

    /// `json` compressed into one zlib stream at `level` (0 … 9); use when the JSON is also needed,
    /// e.g. for the idempotency key and the egress ledger.
    public static func compress(_ json: Data, level: Int32 = defaultLevel) -> Data {
        precondition((0...9).contains(level), "zlib level must be 0 … 9")
        return json.withUnsafeBytes { Zlib.compress($0, level: level) }
    }

    /// Inflates a `Content-Encoding: deflate` body within `limits`.
    public static func inflate(_ body: Data, limits: PayloadLimits = .default) throws(WireError) -> Data {
        try checkWireSize(body, limits: limits)
        // `withUnsafeBytes` rethrows untyped errors, so the typed error travels in a Result.
        return try body.withUnsafeBytes { buffer in
            Result { () throws(WireError) -> Data in try Zlib.inflate(buffer, limits: limits) }
        }.get()
    }

    /// Decodes a zlib-compressed JSON body (`Content-Encoding: deflate`) within `limits`.
    public static func decode<T: Decodable>(_ type: T.Type, from body: Data,
                                            limits: PayloadLimits = .default) throws(WireError) -> T {
        try decodeInflated(type, from: try inflate(body, limits: limits))
    }

    /// Decodes a plain JSON body (no `Content-Encoding`) within `limits`.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from json: Data,
                                                limits: PayloadLimits = .default) throws(WireError) -> T {
        try checkWireSize(json, limits: limits)
        return try decodeInflated(type, from: json)
    }

    /// Decodes a body according to its `Content-Encoding` header: absent or `identity` is plain
    /// JSON, `deflate` is a zlib stream; anything else is `malformed_payload`.
    public static func decode<T: Decodable>(_ type: T.Type, from body: Data, contentEncoding: String?,
                                            limits: PayloadLimits = .default) throws(WireError) -> T {
        switch contentEncoding?.trimmingSpaces().lowercased() {
        case nil, "", "identity": return try decodeJSON(type, from: body, limits: limits)
        case "deflate": return try decode(type, from: body, limits: limits)
        default:
            throw WireError(code: .malformedPayload,
                            message: "unsupported \(WireHeader.contentEncoding); expected deflate or none")
        }
    }

    /// The `Idempotency-Key` of a body: SHA-256 of its uncompressed JSON, lowercase hex.
    public static func idempotencyKey(of json: Data) -> String {
        WireDigest.sha256Hex(json)
    }

    private static func checkWireSize(_ body: Data, limits: PayloadLimits) throws(WireError) {
        guard body.count <= limits.maxCompressedBytes else {
            throw WireError(code: .payloadTooLarge,
                            message: "body of \(body.count) bytes exceeds the limit of \(limits.maxCompressedBytes) bytes")
        }
    }

    /// The fast reader first (``FastWireDecoder``: Foundation's value or none); when it declines,
    /// Foundation's decoder, whose value or error then stands.
    private static func decodeInflated<T: Decodable>(_ type: T.Type, from json: Data) throws(WireError) -> T {
        if let value = FastWireDecoder.decode(type, from: json) { return value }
        return try decodeWithFoundation(type, from: json)
    }

    /// Decodes with Foundation's `JSONDecoder` alone (``WireJSON/decoder``), its errors mapped to ``WireError``.
    static func decodeWithFoundation<T: Decodable>(_ type: T.Type, from json: Data) throws(WireError) -> T {
        do {
            return try WireJSON.decoder.decode(type, from: json)
        } catch let error as DecodingError {
            throw DecodingFailure.map(error, json: json)
        } catch {
            throw WireError(code: .malformedPayload, message: "the body is not valid JSON")
        }
    }
}
