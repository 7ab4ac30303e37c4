import Foundation

/// A faster reader of the wire's JSON for the coordinator's combine, which decodes every site's
/// statistics (16 MB at 100 sites) on each run: Foundation's `JSONDecoder` spends most of that
/// time converting every object's keys from snake case and in generic per-value machinery.
///
/// It gives Foundation's value or nothing. It takes on only plainly written JSON (``JSONDocument``)
/// and the value types the wire's messages are made of (objects, arrays, strings, Bool, Double,
/// the integer types, and dates as ``WireJSON/decoder`` reads them); keys are matched through Foundation's own snake-case conversion
/// (``SnakeCaseKeys``), and numbers are read with the same correctly rounded conversion. Anything
/// else — `Data`, a URL, a `Decimal`, a dictionary, a `Float`, a type mismatch, a missing
/// key, an error the type throws or catches — is a refusal, and ``PayloadCodec`` then decodes with
/// Foundation, so errors (and their wire paths) stay exactly Foundation's.
enum FastWireDecoder {
    /// Bodies above this are left to Foundation: the node list costs 16 bytes a value, and the
    /// largest a peer may send (`PayloadLimits`, 256 MiB inflated) need not cost that twice. A site's
    /// statistics are well under 1 MiB.
    static let maximumBytes = 16 << 20

    /// `T` decoded from `json`, or nil when the fast path refused (decode with Foundation then).
    static func decode<T: Decodable>(_ type: T.Type, from json: Data, maximumBytes: Int = maximumBytes) -> T? {
        guard json.count <= maximumBytes, let document = try? JSONDocument(json) else { return nil }
        let decoder = NodeDecoder(document: document, node: 0, codingPath: [])
        guard let value = try? decoder.value(T.self, at: 0), !document.refused else { return nil }
        return value
    }
}

/// Types Foundation's `JSONDecoder` decodes in a way of its own (key strategy off for dictionary
/// keys, date and data strategies): always refused by the fast path.
private protocol FoundationSpecialDecodable {}
extension Dictionary: FoundationSpecialDecodable {}
extension Date: FoundationSpecialDecodable {}
extension Data: FoundationSpecialDecodable {}
extension URL: FoundationSpecialDecodable {}
extension Decimal: FoundationSpecialDecodable {}

/// The decoder at one node of a ``JSONDocument``.
struct NodeDecoder: Decoder {
    let document: JSONDocument
    let node: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The value of `T` at node `index`, the scalar types read directly.
    func value<T: Decodable>(_ type: T.Type, at index: Int, key: (any CodingKey)? = nil) throws -> T {
        if T.self == Double.self { return unsafeBitCast(try document.double(index), to: T.self) }
        if T.self == String.self { return unsafeBitCast(try document.string(index), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try document.integer(index, as: Int.self), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try document.boolean(index), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try document.integer(index, as: Int64.self), to: T.self) }
        if T.self == UInt64.self { return unsafeBitCast(try document.integer(index, as: UInt64.self), to: T.self) }
        if T.self == Int32.self { return unsafeBitCast(try document.integer(index, as: Int32.self), to: T.self) }
        if T.self == UInt8.self { return unsafeBitCast(try document.integer(index, as: UInt8.self), to: T.self) }
        if T.self == Date.self {
            // ``WireJSON/decoder``'s date strategy: a string that ``WireJSON/parseDate(_:)`` reads.
            guard let date = WireJSON.parseDate(try document.string(index)) else { throw document.refuse() }
            return unsafeBitCast(date, to: T.self)
        }
        if T.self is any FoundationSpecialDecodable.Type || T.self == Float.self { throw document.refuse() }
        let path = key.map { codingPath + [$0] } ?? codingPath
        return try T(from: NodeDecoder(document: document, node: index, codingPath: path))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try NodeKeyedContainer<Key>(document: document, node: node, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try NodeUnkeyedContainer(document: document, node: node, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        NodeSingleValueContainer(decoder: self)
    }
}

extension JSONDocument {
    /// The Bool of a `true` or `false` node.
    func boolean(_ index: Int) throws(FastJSONRefusal) -> Bool {
        switch nodes[index].kind {
        case .true: return true
        case .false: return false
        default: throw refuse()
        }
    }
}

/// An object's members, keys converted, first occurrence first (Foundation keeps the first of
/// duplicate keys).
struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    private let members: [(key: String, value: Int)]
    var codingPath: [any CodingKey] { decoder.codingPath }

    init(document: JSONDocument, node: Int, codingPath: [any CodingKey]) throws {
        let object = document.nodes[node]
        guard object.kind == .object else { throw document.refuse() }
        var members: [(key: String, value: Int)] = []
        members.reserveCapacity(Int(object.start))
        var child = node + 1
        for _ in 0..<object.start {
            members.append((try document.key(child), child + 1))
            child = Int(document.nodes[child + 1].next)
        }
        self.members = members
        decoder = NodeDecoder(document: document, node: node, codingPath: codingPath)
    }

    private func member(_ key: Key) throws -> Int {
        let name = key.stringValue
        for member in members where member.key == name { return member.value }
        throw decoder.document.refuse()
    }

    var allKeys: [Key] {
        var seen: Set<String> = []
        return members.compactMap { seen.insert($0.key).inserted ? Key(stringValue: $0.key) : nil }
    }
    func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }
    func decodeNil(forKey key: Key) throws -> Bool { decoder.document.nodes[try member(key)].kind == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.document.boolean(try member(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.document.string(try member(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.document.double(try member(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw decoder.document.refuse() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.document.integer(try member(key), as: type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.document.integer(try member(key), as: type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.value(type, at: try member(key), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try NodeKeyedContainer<NestedKey>(document: decoder.document, node: try member(key),
                                                                 codingPath: codingPath + [key]))
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeUnkeyedContainer(document: decoder.document, node: try member(key), codingPath: codingPath + [key])
    }
    func superDecoder() throws -> any Decoder { throw decoder.document.refuse() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw decoder.document.refuse() }
}

/// An array's elements in order.
struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let count: Int?
    private(set) var currentIndex = 0
    private var current: Int
    var codingPath: [any CodingKey] { decoder.codingPath }
    var isAtEnd: Bool { currentIndex >= count! }

    init(document: JSONDocument, node: Int, codingPath: [any CodingKey]) throws {
        let array = document.nodes[node]
        guard array.kind == .array else { throw document.refuse() }
        count = Int(array.start)
        current = node + 1
        decoder = NodeDecoder(document: document, node: node, codingPath: codingPath)
    }

    /// The next element's node, then moves past it.
    private mutating func next() throws -> Int {
        guard !isAtEnd else { throw decoder.document.refuse() }
        let element = current
        current = Int(decoder.document.nodes[element].next)
        currentIndex += 1
        return element
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw decoder.document.refuse() }
        guard decoder.document.nodes[current].kind == .null else { return false }
        _ = try next()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decoder.document.boolean(try next()) }
    mutating func decode(_ type: String.Type) throws -> String { try decoder.document.string(try next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decoder.document.double(try next()) }
    mutating func decode(_ type: Float.Type) throws -> Float { throw decoder.document.refuse() }
    mutating func decode(_ type: Int.Type) throws -> Int { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.document.integer(try next(), as: type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.document.integer(try next(), as: type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = currentIndex
        return try decoder.value(type, at: try next(), key: ElementKey(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let index = currentIndex
        return KeyedDecodingContainer(try NodeKeyedContainer<NestedKey>(document: decoder.document, node: try next(),
                                                                        codingPath: codingPath + [ElementKey(index)]))
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let index = currentIndex
        return try NodeUnkeyedContainer(document: decoder.document, node: try next(), codingPath: codingPath + [ElementKey(index)])
    }
    mutating func superDecoder() throws -> any Decoder { throw decoder.document.refuse() }
}

/// A single value.
struct NodeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var document: JSONDocument { decoder.document }

    func decodeNil() -> Bool { document.nodes[decoder.node].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try document.boolean(decoder.node) }
    func decode(_ type: String.Type) throws -> String { try document.string(decoder.node) }
    func decode(_ type: Double.Type) throws -> Double { try document.double(decoder.node) }
    func decode(_ type: Float.Type) throws -> Float { throw document.refuse() }
    func decode(_ type: Int.Type) throws -> Int { try document.integer(decoder.node, as: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try document.integer(decoder.node, as: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try document.integer(decoder.node, as: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try document.integer(decoder.node, as: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try document.integer(decoder.node, as: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try document.integer(decoder.node, as: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try document.integer(decoder.node, as: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try document.integer(decoder.node, as: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try document.integer(decoder.node, as: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try document.integer(decoder.node, as: type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.value(type, at: decoder.node) }
}

/// The coding key of an array element, as Foundation names it (`Index n`).
struct ElementKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
