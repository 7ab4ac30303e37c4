/// An operator's name as it appears in the operator certificate (`urn:fairuse:operator:<name>`) and in
/// the store's record of who launched an audit. Same rule as site ids: `[a-z0-9][a-z0-9._-]{0,62}`.
public struct OperatorName: ValidatedIdentifier {
    /// The name, e.g. `alice`.
    public let rawValue: String

    /// `operator name`.
    public static let what = "operator name"
    /// The rule, for messages and documentation.
    public static let syntax = IdentifierSyntax.name

    /// The name, or nil when `rawValue` does not match ``syntax``.
    public init?(rawValue: String) {
        guard IdentifierSyntax.isName(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}
