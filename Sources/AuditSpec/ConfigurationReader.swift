import Foundation
import Yams

/// A configuration problem: names the file and the key, and what was expected.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The configuration file.
    public var file: String
    /// Dotted key, when the problem concerns one.
    public var key: String?
    /// What was expected.
    public var message: String
    /// "file: key: message".
    public var description: String { "\(file): " + (key.map { "\($0): " } ?? "") + message }
    /// Creates an error.
    public init(file: String, key: String?, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }
}

/// Small typed reads from a YAML configuration file (`coordinator.yaml`, `agent.yaml`) with
/// errors that name the file and the dotted key, and say what was expected.
public struct ConfigurationReader {
    let root: [String: Any]
    let file: String

    /// Parses YAML text whose top level must be a mapping.
    public init(yaml: String, file: String) throws {
        self.file = file
        let loaded: Any?
        do { loaded = try Yams.load(yaml: yaml) } catch {
            throw ConfigurationError(file: file, key: nil, message: "not valid YAML (\(error))")
        }
        guard let mapping = loaded as? [String: Any] else {
            throw ConfigurationError(file: file, key: nil, message: "expected a mapping of keys at the top level")
        }
        root = mapping
    }

    /// Fails on a top-level key outside `keys`.
    public func allowOnly(_ keys: Set<String>) throws {
        if let unknown = root.keys.sorted().first(where: { !keys.contains($0) }) {
            throw ConfigurationError(file: file, key: unknown, message: "unknown key; expected one of \(keys.sorted().joined(separator: ", "))")
        }
    }

    /// A nested mapping (empty when absent and not required), checked for unknown keys.
    public func mapping(_ key: String, allowed: Set<String>, required: Bool = false) throws -> (String, [String: Any]) {
        guard let value = root[key] else {
            if required { throw ConfigurationError(file: file, key: key, message: "missing; expected a mapping") }
            return (key, [:])
        }
        guard let mapping = value as? [String: Any] else {
            throw ConfigurationError(file: file, key: key, message: "expected a mapping")
        }
        if let unknown = mapping.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ConfigurationError(file: file, key: "\(key).\(unknown)", message: "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
        return (key, mapping)
    }

    /// A string value.
    public func string(_ key: String, in section: (String, [String: Any])?, required: Bool = false) throws -> String? {
        let (name, value) = lookup(key, section)
        guard let value else {
            if required { throw ConfigurationError(file: file, key: name, message: "missing; expected a string") }
            return nil
        }
        if let s = value as? String { return s }
        if let i = value as? Int { return String(i) }
        throw ConfigurationError(file: file, key: name, message: "expected a string")
    }

    /// An integer value in a range.
    public func int(_ key: String, in section: (String, [String: Any])?, range: ClosedRange<Int>) throws -> Int? {
        let (name, value) = lookup(key, section)
        guard let value else { return nil }
        guard let i = value as? Int, range.contains(i) else {
            throw ConfigurationError(file: file, key: name, message: "expected an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return i
    }

    /// A boolean value.
    public func bool(_ key: String, in section: (String, [String: Any])?) throws -> Bool? {
        let (name, value) = lookup(key, section)
        guard let value else { return nil }
        guard let b = value as? Bool else { throw ConfigurationError(file: file, key: name, message: "expected true or false") }
        return b
    }

    /// A list of strings.
    public func strings(_ key: String, in section: (String, [String: Any])?) throws -> [String]? {
        let (name, value) = lookup(key, section)
        guard let value else { return nil }
        guard let list = value as? [Any], let strings = list.map({ $0 as? String }) as? [String] else {
            throw ConfigurationError(file: file, key: name, message: "expected a list of strings")
        }
        return strings
    }

    /// The raw value of a top-level key.
    public func value(_ key: String) -> Any? { root[key] }

    func lookup(_ key: String, _ section: (String, [String: Any])?) -> (String, Any?) {
        if let section { return ("\(section.0).\(key)", section.1[key]) }
        return (key, root[key])
    }
}
