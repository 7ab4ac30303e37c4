import Foundation

/// The JSON configuration every peer uses (`Protocol/protocol.md` §6): snake_case keys, sorted
/// keys and no whitespace (so one message has one canonical byte form), ISO-8601 UTC dates with
/// second precision, and no NaN or ±∞: encoding a non-finite number throws, and the decoder reads
/// none. Each property returns a fresh, fully configured instance.
public enum WireJSON {
    /// The canonical encoder: snake_case, sorted keys, compact, `/` unescaped, non-finite numbers throw.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    /// The decoder: snake_case keys, ISO-8601 dates (fractional seconds accepted), unknown keys
    /// ignored, NaN and ±∞ refused in any spelling.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "invalid date",
                    underlyingError: WireError(code: .malformedPayload,
                                               message: "expected an ISO-8601 UTC time such as 2026-01-31T09:30:00Z")))
            }
            return date
        }
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }

    /// `2026-01-31T09:30:00Z`: UTC, whole seconds (fractions are dropped).
    public static func formatDate(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
            .formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// Parses an ISO-8601 time with a zone designator, with or without fractional seconds.
    public static func parseDate(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
    }
}

/// Limits a receiver applies to a request body before and while decoding it (`Protocol/protocol.md` §8).
public struct PayloadLimits: Sendable, Equatable {
    /// The largest body accepted on the wire, compressed or plain JSON (default 32 MiB).
    public var maxCompressedBytes: Int
    /// The largest inflated JSON accepted (default 256 MiB).
    public var maxDecompressedBytes: Int
    /// The largest inflated-to-compressed ratio, enforced while inflating (default 1000:1).
    public var maxRatio: Int

    /// Creates limits; the defaults are the protocol's.
    public init(maxCompressedBytes: Int = 32 << 20, maxDecompressedBytes: Int = 256 << 20, maxRatio: Int = 1000) {
        self.maxCompressedBytes = maxCompressedBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxRatio = maxRatio
    }

    /// The protocol's default limits.
    public static let `default` = PayloadLimits()
}
