/// An error located in a YAML file: the spec's and the configuration files' errors share this
/// shape and its one-line rendering, so the two read alike at a terminal and in logs.
public protocol FileLocatedError: Error, CustomStringConvertible {
    /// The file (or the name given to the parser).
    var file: String { get }
    /// The dotted key path, e.g. `tests.alpha` or `tls.key`; `nil` for whole-file problems.
    var key: String? { get }
    /// The 1-based line in the file, when known.
    var line: Int? { get }
    /// What was expected and what was found.
    var message: String { get }
}

extension FileLocatedError {
    /// `file:line: key: message`, e.g. `spec.yaml:14: tests.alpha: expected a number in (0, 0.5),
    /// found 0.7`. The line and the key are left out when unknown.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
