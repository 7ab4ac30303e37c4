import AuditCore
import Foundation

/// Turns Foundation's coding errors into protocol errors: the wire path of the failing field and
/// a message of our own (Foundation's messages may quote payload text, ours never do).
enum DecodingFailure {
    /// The spellings of non-finite numbers that peers might send as strings or bare tokens.
    static let nonFiniteSpellings: Set<String> = ["nan", "-nan", "+nan", "inf", "-inf", "+inf",
                                                  "infinity", "-infinity", "+infinity"]

    static func map(_ error: DecodingError, json: Data) -> WireError {
        switch error {
        case let .typeMismatch(type, context):
            let field = path(context.codingPath)
            if type == Double.self || type == Float.self,
               let text = value(at: context.codingPath, in: json) as? String,
               nonFiniteSpellings.contains(text.lowercased()) {
                return WireError(code: .nonFiniteNumber, message: "expected a finite number, found a non-finite one",
                                 field: field)
            }
            return WireError(code: .malformedPayload, message: "expected \(describe(type))", field: field)
        case let .valueNotFound(type, context):
            return WireError(code: .malformedPayload, message: "expected \(describe(type)), found null or nothing",
                             field: path(context.codingPath))
        case let .keyNotFound(key, context):
            return WireError(code: .malformedPayload, message: "missing required key '\(snakeCase(key.stringValue))'",
                             field: path(context.codingPath + [key]))
        case let .dataCorrupted(context):
            if let identifier = context.underlyingError as? IdentifierError {
                return WireError(identifier, field: path(context.codingPath))
            }
            if let wire = context.underlyingError as? WireError {
                return WireError(code: wire.code, message: wire.message, field: path(context.codingPath))
            }
            if context.codingPath.isEmpty {
                if let offset = firstNonFiniteToken(in: json) {
                    return WireError(code: .nonFiniteNumber, message:
                        "a non-finite number (NaN, Infinity, or beyond the Double range) at byte \(offset)")
                }
                return WireError(code: .malformedPayload, message: "the body is not valid JSON")
            }
            return WireError(code: .malformedPayload, message: "invalid value (e.g. a number out of range)",
                             field: path(context.codingPath))
        @unknown default:
            return WireError(code: .malformedPayload, message: "the body does not match the message schema")
        }
    }

    static func map(_ error: EncodingError) -> WireError {
        switch error {
        case let .invalidValue(value, context):
            if let number = value as? Double, !number.isFinite {
                return WireError(code: .nonFiniteNumber, message: "cannot encode a non-finite number",
                                 field: path(context.codingPath))
            }
            if let number = value as? Float, !number.isFinite {
                return WireError(code: .nonFiniteNumber, message: "cannot encode a non-finite number",
                                 field: path(context.codingPath))
            }
            return WireError(code: .internal, message: "cannot encode a value", field: path(context.codingPath))
        @unknown default:
            return WireError(code: .internal, message: "encoding failed")
        }
    }

    /// `techniques[1].statistics.groups[2].wrong[0]`, with keys in their wire (snake_case) form.
    static func path(_ codingPath: [any CodingKey]) -> String? {
        guard !codingPath.isEmpty else { return nil }
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += snakeCase(key.stringValue)
            }
        }
        return text
    }

    /// The snake-case form of a camel-case key, as `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`
    /// writes it (`rowCounts` → `row_counts`, `specSha256` → `spec_sha256`); snake-case keys are unchanged.
    static func snakeCase(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            let isUpper = ("A"..."Z").contains(scalar)
            if isUpper && i > 0 {
                let previous = scalars[i - 1]
                let previousUpper = ("A"..."Z").contains(previous)
                let nextLower = i + 1 < scalars.count && ("a"..."z").contains(scalars[i + 1])
                if !previousUpper || nextLower { out.append("_") }
            }
            out.append(contentsOf: isUpper ? scalar.properties.lowercaseMapping.unicodeScalars
                                           : String(scalar).unicodeScalars)
        }
        return String(out)
    }

    /// The raw JSON value at `codingPath` (only on the error path; the body already failed to decode).
    static func value(at codingPath: [any CodingKey], in json: Data) -> Any? {
        guard var node = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else { return nil }
        for key in codingPath {
            if let index = key.intValue, let array = node as? [Any] {
                guard array.indices.contains(index) else { return nil }
                node = array[index]
            } else if let object = node as? [String: Any] {
                guard let next = object[snakeCase(key.stringValue)] ?? object[key.stringValue] else { return nil }
                node = next
            } else {
                return nil
            }
        }
        return node
    }

    /// The byte offset of the first bare `NaN`, `Infinity` or `inf` token outside strings, or of a
    /// number literal that overflows a Double, if any.
    static func firstNonFiniteToken(in json: Data) -> Int? {
        json.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
            var i = 0, inString = false
            while i < bytes.count {
                let byte = bytes[i]
                if inString {
                    if byte == UInt8(ascii: "\\") { i += 2; continue }
                    if byte == UInt8(ascii: "\"") { inString = false }
                    i += 1
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = true; i += 1; continue }
                let isLetter = (65...90).contains(byte) || (97...122).contains(byte)
                let isNumeric = (48...57).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                if isLetter || isNumeric {
                    var end = i + 1
                    while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
                    let token = String(decoding: bytes[i..<end], as: UTF8.self).lowercased()
                    if nonFiniteSpellings.contains(token) { return i }
                    // A finite literal too large for a Double (1e400) would be infinite once read.
                    if isNumeric, let value = Double(token), value.isInfinite { return i }
                    i = end
                    continue
                }
                i += 1
            }
            return nil
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt64.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "a list"
                : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a value of another type"
        }
    }
}
