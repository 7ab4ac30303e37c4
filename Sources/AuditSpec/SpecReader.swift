import Yams

/// Reads typed values out of a composed YAML node tree, naming the dotted key path of every
/// problem and remembering the line of every key path it visits (for later cross-field checks).
final class SpecReader {
    /// One entry of a YAML mapping with a scalar key.
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    let source: String
    /// The 1-based line of each visited key path.
    private(set) var lines: [String: Int] = [:]

    init(source: String) {
        self.source = source
    }

    // MARK: Errors

    func error(_ code: SpecError.Code, _ path: String?, line: Int?, _ message: String) -> SpecError {
        SpecError(code: code, file: source, key: path.flatMap { $0.isEmpty ? nil : $0 }, line: line, message: message)
    }

    func error(_ code: SpecError.Code, _ path: String?, _ node: Node?, _ message: String) -> SpecError {
        error(code, path, line: node?.mark?.line, message)
    }

    /// The dotted path of `key` under `parent` (`tests` + `alpha` → `tests.alpha`).
    static func path(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }

    /// The path of a list element (`groups` + 1 → `groups[1]`).
    static func path(_ parent: String, index: Int) -> String {
        "\(parent)[\(index)]"
    }

    func record(_ path: String, _ node: Node) {
        if let line = node.mark?.line, lines[path] == nil { lines[path] = line }
    }

    // MARK: Structure

    /// The entries of a mapping node, in document order.
    func mapping(_ node: Node, at path: String) throws(SpecError) -> [Entry] {
        record(path, node)
        guard case let .mapping(mapping) = node else {
            throw error(.wrongType, path, node, "expected a mapping of keys to values, found \(Self.describe(node))")
        }
        var entries: [Entry] = []
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode else {
                throw error(.wrongType, path, keyNode, "expected a plain key, found \(Self.describe(keyNode)) as a key")
            }
            entries.append(Entry(key: scalar.string, keyNode: keyNode, value: value))
        }
        return entries
    }

    /// Rejects keys not in `allowed`, suggesting the nearest allowed key.
    func checkKeys(_ entries: [Entry], allowed: [String], at path: String) throws(SpecError) {
        for entry in entries where !allowed.contains(entry.key) {
            var message = "unknown key '\(entry.key)'"
            if !path.isEmpty { message += " in \(path)" }
            message += "; expected one of " + allowed.joined(separator: ", ")
            if let suggestion = Suggestion.nearest(to: entry.key, among: allowed) {
                message += " (did you mean '\(suggestion)'?)"
            }
            throw error(.unknownKey, Self.path(path, entry.key), entry.keyNode, message)
        }
    }

    /// The value of `key`, or `nil` when it is absent or explicitly null (both mean "use the default").
    func optional(_ key: String, in entries: [Entry], at path: String) -> Node? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        record(Self.path(path, key), entry.value)
        return Self.isNull(entry.value) ? nil : entry.value
    }

    /// The value of a required `key`; `parent` is the mapping node, for the line of a missing key.
    func required(_ key: String, in entries: [Entry], at path: String, parent: Node, expected: String) throws(SpecError) -> Node {
        let keyPath = Self.path(path, key)
        guard let entry = entries.first(where: { $0.key == key }) else {
            let line = path.isEmpty ? nil : parent.mark?.line
            let place = path.isEmpty ? "the spec" : path
            throw error(.missingKey, keyPath, line: line, "missing required key '\(key)' in \(place); expected \(expected)")
        }
        record(keyPath, entry.value)
        if Self.isNull(entry.value) {
            throw error(.missingKey, keyPath, entry.keyNode, "'\(key)' has no value; expected \(expected)")
        }
        return entry.value
    }

    /// The elements of a list node with their paths.
    func list(_ node: Node, at path: String, expected: String) throws(SpecError) -> [(node: Node, path: String)] {
        record(path, node)
        guard case let .sequence(sequence) = node else {
            throw error(.wrongType, path, node, "expected \(expected), found \(Self.describe(node))")
        }
        return sequence.enumerated().map { index, element in
            let elementPath = Self.path(path, index: index)
            record(elementPath, element)
            return (element, elementPath)
        }
    }

    // MARK: Scalars

    /// Any non-null scalar as its text (column names may look like numbers or booleans).
    func text(_ node: Node, at path: String, expected: String) throws(SpecError) -> String {
        guard case let .scalar(scalar) = node, !Self.isNull(node) else {
            throw error(.wrongType, path, node, "expected \(expected), found \(Self.describe(node))")
        }
        return scalar.string
    }

    /// A number (a YAML int or float; a quoted number is a string and is refused).
    func number(_ node: Node, at path: String) throws(SpecError) -> Double {
        let tag = Resolver.default.resolveTag(of: node)
        guard tag == .int || tag == .float, let value = node.float else {
            throw error(.wrongType, path, node, "expected a number, found \(Self.describe(node))")
        }
        return value
    }

    /// An integer (a YAML int; `2000.0` and `"2000"` are refused).
    func integer(_ node: Node, at path: String) throws(SpecError) -> Int {
        guard Resolver.default.resolveTag(of: node) == .int else {
            throw error(.wrongType, path, node, "expected an integer, found \(Self.describe(node))")
        }
        guard let value = node.int else {
            throw error(.invalidValue, path, node, "expected an integer that fits in 64 bits, found \(Self.describe(node))")
        }
        return value
    }

    /// An unsigned 64-bit integer (seeds).
    func unsigned(_ node: Node, at path: String) throws(SpecError) -> UInt64 {
        guard case let .scalar(scalar) = node, Resolver.default.resolveTag(of: node) == .int else {
            throw error(.wrongType, path, node, "expected an unsigned integer, found \(Self.describe(node))")
        }
        let digits = scalar.string.filter { $0 != "_" }
        if let value = UInt64(digits.hasPrefix("+") ? String(digits.dropFirst()) : digits) { return value }
        if let value = node.int, value >= 0 { return UInt64(value) }
        throw error(.invalidValue, path, node,
                    "expected an unsigned integer in 0 … \(UInt64.max), found \(Self.describe(node))")
    }

    /// One of a fixed set of names, e.g. a technique.
    func choice<T: RawRepresentable>(_ node: Node, at path: String, what: String, allowed: [T]) throws(SpecError) -> T
    where T.RawValue == String {
        let names = allowed.map(\.rawValue)
        let value = try text(node, at: path, expected: "one of \(names.joined(separator: ", "))")
        guard let match = allowed.first(where: { $0.rawValue == value }) else {
            var message = "unknown \(what) '\(value)'; expected one of " + names.joined(separator: ", ")
            if let suggestion = Suggestion.nearest(to: value, among: names) {
                message += " (did you mean '\(suggestion)'?)"
            }
            throw error(.invalidValue, path, node, message)
        }
        return match
    }

    /// A list of column names.
    func columns(_ node: Node, at path: String) throws(SpecError) -> [String] {
        var names: [String] = []
        for (element, elementPath) in try list(node, at: path, expected: "a list of column names") {
            names.append(try text(element, at: elementPath, expected: "a column name"))
        }
        return names
    }

    // MARK: Descriptions

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return Resolver.default.resolveTag(of: node) == .null
    }

    /// How a node reads in "found …": `0.7`, `the string '0.1'`, `a list`, `nothing (null)`.
    static func describe(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar):
            switch Resolver.default.resolveTag(of: node) {
            case .null: return "nothing (null)"
            case .int, .float: return scalar.string
            case .bool: return "the boolean \(scalar.string)"
            default: return "the string '\(scalar.string)'"
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
