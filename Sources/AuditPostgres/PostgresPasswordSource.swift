import Foundation

/// Where the password of a ``PostgresLocation`` is read from. Never the URL and never the command line,
/// where it would show in `ps`, shell history and configuration backups.
public enum PostgresPasswordSource: Sendable, Hashable {
    /// A file whose first line is the password (a trailing newline is ignored).
    case file(String)
    /// An environment variable holding the password.
    case environment(String)

    /// Whether `name` can be an environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(("0"..."9").contains(first)) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

extension PostgresLocation {
    /// Reads the password from its source: `nil` when none is configured. Errors name the key and the
    /// file or variable, never any of the file's content.
    public func readPassword(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresLocationError) -> String? {
        switch password {
        case nil:
            return nil
        case .file(let path):
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read (permissions?)" : "no such file"
                throw PostgresLocationError(code: .passwordUnavailable, key: keys.passwordFile,
                                    message: "cannot read the password file \(path): \(reason); expected a file holding the password of \(self)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw PostgresLocationError(code: .passwordUnavailable, key: keys.passwordFile,
                                    message: "the password file \(path) is not UTF-8 text")
            }
            let line = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).first.map(String.init) ?? ""
            let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard !password.isEmpty else {
                throw PostgresLocationError(code: .passwordUnavailable, key: keys.passwordFile,
                                    message: "the password file \(path) is empty; expected the password of \(self) on its first line")
            }
            return password
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw PostgresLocationError(code: .passwordUnavailable, key: keys.passwordEnvironment,
                                    message: "the environment variable \(name) is not set or empty; expected the password of \(self)")
            }
            return value
        }
    }
}
