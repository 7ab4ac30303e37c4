/// A site's identifier, `[a-z0-9][a-z0-9._-]{0,62}` (e.g. `st-olav`), as named in its client
/// certificate (`urn:fairuse:site:<id>`), in the site registry, the store, the payloads and the reports.
public struct SiteID: ValidatedIdentifier {
    /// The identifier text.
    public let rawValue: String

    /// `site id`.
    public static let what = "site id"
    /// The rule, for messages and documentation.
    public static let syntax = IdentifierSyntax.name

    /// The identifier, or nil when `rawValue` does not match ``syntax``.
    public init?(rawValue: String) {
        guard IdentifierSyntax.isName(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}
