import Foundation
import Yams

/// One mapping of a configuration file: the top level, or the value of a key such as `tls`.
public struct ConfigurationSection {
    /// The dotted key path (`""` at the top level).
    public let path: String
    /// The line of the key that opens the section (`nil` at the top level).
    public let line: Int?
    let entries: [SpecReader.Entry]
}

/// Typed reads from a YAML configuration file with errors in the spec's style: a
/// ``ConfigurationError`` with a code, the file, the line, the dotted key and what was expected,
/// and "did you mean …" for a misspelt key. It is the one piece the agent's and the coordinator's
/// configurations share; which keys each file has, and what they mean, live beside them
/// (`AgentConfiguration+YAML.swift`, `CoordinatorConfiguration+YAML.swift`).
///
/// An absent key and a key written with no value both mean "use the default".
public struct ConfigurationReader {
    /// The file named in errors.
    public let file: String
    /// The top-level mapping.
    public let root: ConfigurationSection
    private let reader: SpecReader

    /// The largest configuration file ``text(ofFile:)`` reads.
    public static let maximumFileSize = 1 << 20

    /// The UTF-8 text of a configuration file (at most ``maximumFileSize`` bytes).
    public static func text(ofFile path: String) throws(ConfigurationError) -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw ConfigurationError(code: .unreadable, file: path, key: nil, line: nil,
                                     message: "cannot read the configuration file: \(reason)")
        }
        guard data.count <= maximumFileSize else {
            throw ConfigurationError(code: .unreadable, file: path, key: nil, line: nil,
                                     message: "expected a file of at most \(maximumFileSize) bytes, found \(data.count)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(code: .unreadable, file: path, key: nil, line: nil, message: "expected UTF-8 text")
        }
        return text
    }

    /// Parses YAML text whose top level must be a mapping with only the `allowed` keys.
    public init(yaml: String, file: String, allowed: [String]) throws(ConfigurationError) {
        self.file = file
        let reader = SpecReader(source: file)
        self.reader = reader
        let composed: Node?
        do { composed = try Yams.compose(yaml: yaml) } catch {
            throw Self.converted(AuditSpec.syntaxError(error, reader: reader))
        }
        guard let node = composed else {
            throw ConfigurationError(code: .wrongType, file: file, key: nil, line: nil,
                                     message: "expected a mapping with the keys \(allowed.joined(separator: ", ")), found an empty document")
        }
        let entries = try Self.converting { () throws(SpecError) in try reader.mapping(node, at: "") }
        root = ConfigurationSection(path: "", line: nil, entries: entries)
        try Self.converting { () throws(SpecError) in try reader.checkKeys(entries, allowed: allowed, at: "") }
    }

    // MARK: Errors

    /// An error about `key` of `section`, at the line of its value (or of the section).
    public func error(_ code: ConfigurationError.Code, _ key: String, in section: ConfigurationSection,
                      _ message: String) -> ConfigurationError {
        let path = SpecReader.path(section.path, key)
        let line = section.entries.first { $0.key == key }?.value.mark?.line ?? section.line
        return ConfigurationError(code: code, file: file, key: path, line: line, message: message)
    }

    private static func converted(_ error: SpecError) -> ConfigurationError {
        ConfigurationError(code: ConfigurationError.Code(spec: error.code), file: error.file, key: error.key, line: error.line,
                           message: error.message)
    }

    private static func converting<T>(_ body: () throws(SpecError) -> T) throws(ConfigurationError) -> T {
        do { return try body() } catch { throw converted(error) }
    }

    // MARK: Reads

    /// The value node of `key`, or `nil` when absent or null; a missing required key is an error
    /// at the line of the section's own key.
    private func node(_ key: String, in section: ConfigurationSection, required: Bool, expected: String) throws(ConfigurationError) -> Node? {
        if let node = reader.optional(key, in: section.entries, at: section.path) { return node }
        guard required else { return nil }
        let present = section.entries.contains { $0.key == key }
        let place = section.path.isEmpty ? "" : " in \(section.path)"
        throw ConfigurationError(
            code: .missingKey, file: file, key: SpecReader.path(section.path, key),
            line: present ? section.entries.first { $0.key == key }?.keyNode.mark?.line : section.line,
            message: present ? "'\(key)' has no value; expected \(expected)" : "missing required key '\(key)'\(place); expected \(expected)")
    }

    /// A nested mapping with only the `allowed` keys; `nil` when absent and not required.
    public func section(_ key: String, in parent: ConfigurationSection, allowed: [String], required: Bool = false)
        throws(ConfigurationError) -> ConfigurationSection? {
        let expected = "a mapping with the keys \(allowed.joined(separator: ", "))"
        guard let node = try node(key, in: parent, required: required, expected: expected) else { return nil }
        let path = SpecReader.path(parent.path, key)
        let line = parent.entries.first { $0.key == key }?.keyNode.mark?.line
        return try section(node, at: path, line: line, allowed: allowed)
    }

    private func section(_ node: Node, at path: String, line: Int?, allowed: [String]) throws(ConfigurationError) -> ConfigurationSection {
        let reader = self.reader
        let entries = try Self.converting { () throws(SpecError) in try reader.mapping(node, at: path) }
        try Self.converting { () throws(SpecError) in try reader.checkKeys(entries, allowed: allowed, at: path) }
        return ConfigurationSection(path: path, line: line ?? node.mark?.line, entries: entries)
    }

    /// A list of mappings, each with only the `allowed` keys (`researchers: [{name, token_sha256}]`).
    public func sections(_ key: String, in parent: ConfigurationSection, allowed: [String]) throws(ConfigurationError) -> [ConfigurationSection]? {
        let expected = "a list of mappings with the keys \(allowed.joined(separator: ", "))"
        guard let node = try node(key, in: parent, required: false, expected: expected) else { return nil }
        let reader = self.reader, path = SpecReader.path(parent.path, key)
        let elements = try Self.converting { () throws(SpecError) in try reader.list(node, at: path, expected: expected) }
        var sections: [ConfigurationSection] = []
        for element in elements {
            sections.append(try section(element.node, at: element.path, line: element.node.mark?.line, allowed: allowed))
        }
        return sections
    }

    /// Any scalar as text (a port or a name may look like a number).
    public func string(_ key: String, in section: ConfigurationSection, required: Bool = false, expected: String) throws(ConfigurationError) -> String? {
        guard let node = try node(key, in: section, required: required, expected: expected) else { return nil }
        let reader = self.reader, path = SpecReader.path(section.path, key)
        return try Self.converting { () throws(SpecError) in try reader.text(node, at: path, expected: expected) }
    }

    /// An integer in `range`.
    public func int(_ key: String, in section: ConfigurationSection, range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        let expected = "an integer in \(range.lowerBound) … \(range.upperBound)"
        guard let node = try node(key, in: section, required: false, expected: expected) else { return nil }
        let reader = self.reader, path = SpecReader.path(section.path, key)
        let value = try Self.converting { () throws(SpecError) in try reader.integer(node, at: path) }
        guard range.contains(value) else { throw error(.invalidValue, key, in: section, "expected \(expected), found \(value)") }
        return value
    }

    /// `true` or `false`.
    public func bool(_ key: String, in section: ConfigurationSection) throws(ConfigurationError) -> Bool? {
        guard let node = try node(key, in: section, required: false, expected: "true or false") else { return nil }
        guard Resolver.default.resolveTag(of: node) == .bool, let value = node.bool else {
            throw error(.wrongType, key, in: section, "expected true or false, found \(SpecReader.describe(node))")
        }
        return value
    }

    /// A list of scalars as text.
    public func strings(_ key: String, in section: ConfigurationSection, expected: String) throws(ConfigurationError) -> [String]? {
        guard let node = try node(key, in: section, required: false, expected: expected) else { return nil }
        let reader = self.reader, path = SpecReader.path(section.path, key)
        return try Self.converting { () throws(SpecError) in
            try reader.list(node, at: path, expected: expected).map { element throws(SpecError) in
                try reader.text(element.node, at: element.path, expected: "a name")
            }
        }
    }
}
