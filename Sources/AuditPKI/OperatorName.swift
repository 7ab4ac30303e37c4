/// An operator's name as it appears in the operator certificate (`urn:fairuse:operator:<name>`).
///
/// Valid names follow the same rule as site ids: `[a-z0-9][a-z0-9._-]{0,62}`.
public struct OperatorName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name, e.g. `alice`.
    public let name: String

    /// Validates and wraps an operator name; throws ``PKIError/Code/invalidIdentifier`` when it does not match the pattern.
    public init(_ name: String) throws(PKIError) {
        guard Identifier.isValid(name) else {
            throw PKIError(code: .invalidIdentifier, message: Identifier.problem(name, kind: "operator name"))
        }
        self.name = name
    }

    /// The SAN URI that names this operator, `urn:fairuse:operator:<name>`.
    public var uri: String { Identifier.operatorPrefix + name }

    /// The name itself.
    public var description: String { name }

    /// Orders by name.
    public static func < (lhs: OperatorName, rhs: OperatorName) -> Bool { lhs.name < rhs.name }
}
