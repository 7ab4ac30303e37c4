import Foundation

/// A JSON text (RFC 8259) checked strictly and laid out as a flat list of nodes in document order,
/// for ``FastWireDecoder``. It accepts a subset of what Foundation's `JSONDecoder` accepts and
/// never more: anything unusual — a `\u` escape, nesting deeper than ``maximumDepth``, bytes that
/// are not UTF-8, a byte-order mark — is a ``FastJSONRefusal``, and the caller then decodes with
/// Foundation, whose answer (value or error) is the one that counts.
final class JSONDocument {
    /// What a node is.
    enum Kind: UInt8 {
        case object, array, string, escapedString, number, `true`, `false`, null
    }

    /// One value. Objects and arrays: `start` = number of members (an object's members are key,
    /// value pairs of nodes), `end` unused; strings: the bytes between the quotes; numbers: the
    /// token. `next` is the index of the node after this value's subtree.
    struct Node {
        var kind: Kind
        var start: Int32
        var end: Int32
        var next: Int32
    }

    /// Nesting deeper than this is refused (Foundation allows 512; the wire's messages need ~10).
    static let maximumDepth = 64

    /// The text.
    let bytes: [UInt8]
    /// Every value, in document order; node 0 is the top-level value. A constant once parsed, so
    /// reading it needs no run-time exclusivity check.
    let nodes: [Node]
    /// Set when the fast decoder refused anything, even an error the type's own `init(from:)`
    /// caught: then its result is discarded and Foundation decodes.
    var refused = false
    /// Snake-case keys already converted in this document.
    var convertedKeys: [String: String] = [:]

    /// Parses `data`; throws ``FastJSONRefusal`` for anything it does not take on.
    init(_ data: Data) throws(FastJSONRefusal) {
        let bytes = [UInt8](data)
        guard bytes.count < Int(Int32.max) else { throw FastJSONRefusal() }
        var parser = Parser()
        parser.nodes.reserveCapacity(bytes.count / 8)
        try bytes.withUnsafeBufferPointer { (text) throws(FastJSONRefusal) in
            var i = 0
            try parser.parseValue(text, &i, depth: 0)
            Parser.skipWhitespace(text, &i)
            guard i == text.count else { throw FastJSONRefusal() }
        }
        self.bytes = bytes
        nodes = parser.nodes
    }
}

/// The strict recursive-descent parser behind ``JSONDocument``.
private struct Parser {
    typealias Node = JSONDocument.Node
    var nodes: [Node] = []

    static func skipWhitespace(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < text.count {
            switch text[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    /// The byte at `i`, 0 past the end (0 is invalid everywhere in JSON outside strings).
    private static func byte(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt8 {
        i < text.count ? text[i] : 0
    }

    mutating func parseValue(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int, depth: Int) throws(FastJSONRefusal) {
        Self.skipWhitespace(text, &i)
        switch Self.byte(text, i) {
        case UInt8(ascii: "{"):
            try parseContainer(text, &i, depth: depth, object: true)
        case UInt8(ascii: "["):
            try parseContainer(text, &i, depth: depth, object: false)
        case UInt8(ascii: "\""):
            try parseString(text, &i)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try parseNumber(text, &i)
        case UInt8(ascii: "t"):
            try parseLiteral(text, &i, "true", .true)
        case UInt8(ascii: "f"):
            try parseLiteral(text, &i, "false", .false)
        case UInt8(ascii: "n"):
            try parseLiteral(text, &i, "null", .null)
        default:
            throw FastJSONRefusal()
        }
    }

    private mutating func parseContainer(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int, depth: Int,
                                object: Bool) throws(FastJSONRefusal) {
        guard depth < JSONDocument.maximumDepth else { throw FastJSONRefusal() }
        let index = nodes.count
        nodes.append(Node(kind: object ? .object : .array, start: 0, end: 0, next: 0))
        let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
        i += 1
        Self.skipWhitespace(text, &i)
        var members: Int32 = 0
        if Self.byte(text, i) == close {
            i += 1
        } else {
            while true {
                if object {
                    Self.skipWhitespace(text, &i)
                    guard Self.byte(text, i) == UInt8(ascii: "\"") else { throw FastJSONRefusal() }
                    try parseString(text, &i)
                    Self.skipWhitespace(text, &i)
                    guard Self.byte(text, i) == UInt8(ascii: ":") else { throw FastJSONRefusal() }
                    i += 1
                }
                try parseValue(text, &i, depth: depth + 1)
                members += 1
                Self.skipWhitespace(text, &i)
                let separator = Self.byte(text, i)
                i += 1
                if separator == UInt8(ascii: ",") { continue }
                if separator == close { break }
                throw FastJSONRefusal()
            }
        }
        nodes[index].start = members
        nodes[index].next = Int32(nodes.count)
    }

    /// A string: unescaped control characters refused (as JSON requires), `\u` escapes refused
    /// (left to Foundation), non-ASCII bytes checked as UTF-8 here, so every string node is valid.
    private mutating func parseString(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws(FastJSONRefusal) {
        let start = i + 1
        var j = start, escaped = false, ascii = true
        while true {
            guard j < text.count else { throw FastJSONRefusal() }
            let c = text[j]
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw FastJSONRefusal() }
            if c == UInt8(ascii: "\\") {
                switch Self.byte(text, j + 1) {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    escaped = true
                    j += 2
                    continue
                default:
                    throw FastJSONRefusal()
                }
            }
            if c >= 0x80 { ascii = false }
            j += 1
        }
        if !ascii {
            guard String(validating: UnsafeBufferPointer(rebasing: text[start..<j]), as: UTF8.self) != nil else {
                throw FastJSONRefusal()
            }
        }
        nodes.append(Node(kind: escaped ? .escapedString : .string, start: Int32(start), end: Int32(j),
                          next: Int32(nodes.count + 1)))
        i = j + 1
    }

    /// A number token: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, nothing else.
    private mutating func parseNumber(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws(FastJSONRefusal) {
        let start = i
        var j = i
        func digits() -> Int {
            let from = j
            while j < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[j]) { j += 1 }
            return j - from
        }
        if Self.byte(text, j) == UInt8(ascii: "-") { j += 1 }
        if Self.byte(text, j) == UInt8(ascii: "0") {
            j += 1
        } else {
            guard digits() > 0 else { throw FastJSONRefusal() }
        }
        if Self.byte(text, j) == UInt8(ascii: ".") {
            j += 1
            guard digits() > 0 else { throw FastJSONRefusal() }
        }
        if Self.byte(text, j) == UInt8(ascii: "e") || Self.byte(text, j) == UInt8(ascii: "E") {
            j += 1
            if Self.byte(text, j) == UInt8(ascii: "+") || Self.byte(text, j) == UInt8(ascii: "-") { j += 1 }
            guard digits() > 0 else { throw FastJSONRefusal() }
        }
        nodes.append(Node(kind: .number, start: Int32(start), end: Int32(j), next: Int32(nodes.count + 1)))
        i = j
    }

    private mutating func parseLiteral(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ word: StaticString,
                              _ kind: JSONDocument.Kind) throws(FastJSONRefusal) {
        let length = word.utf8CodeUnitCount
        guard i + length <= text.count else { throw FastJSONRefusal() }
        for k in 0..<length where text[i + k] != word.utf8Start[k] { throw FastJSONRefusal() }
        nodes.append(Node(kind: kind, start: Int32(i), end: Int32(i + length), next: Int32(nodes.count + 1)))
        i += length
    }
}

/// The fast decoder does not take this input on; Foundation's decoder decides instead.
struct FastJSONRefusal: Error {}
