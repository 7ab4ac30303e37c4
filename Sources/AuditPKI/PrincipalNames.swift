import AuditCore

/// How site ids and operator names appear in certificates: as SAN URIs `urn:fairuse:site:<id>` and
/// `urn:fairuse:operator:<name>`. The id syntax itself is `AuditCore.IdentifierSyntax`.
enum Identifier {
    static let urnPrefix = "urn:fairuse:"
    static let sitePrefix = "urn:fairuse:site:"
    static let operatorPrefix = "urn:fairuse:operator:"

    /// The id, or ``PKIError/Code/invalidIdentifier`` with a message quoting the offending text (safely).
    static func parse<ID: ValidatedIdentifier>(_ text: String, as type: ID.Type = ID.self) throws(PKIError) -> ID {
        guard let id = ID(rawValue: text) else {
            throw PKIError(code: .invalidIdentifier,
                           message: "expected a \(ID.what) matching \(ID.syntax), found \(quoted(text))")
        }
        return id
    }

    /// `text` in quotes for a message: at most 80 characters, anything but printable ASCII shown as `?`,
    /// so that a hostile certificate cannot inject lines into a log.
    static func quoted(_ text: String) -> String {
        var shown = String(text.unicodeScalars.prefix(80).map { scalar -> Character in
            (0x20...0x7e).contains(scalar.value) && scalar != "\"" ? Character(scalar) : "?"
        })
        if text.unicodeScalars.count > 80 { shown += "…" }
        return "\"" + shown + "\""
    }
}

extension SiteID {
    /// The SAN URI that names this site, `urn:fairuse:site:<id>`.
    public var uri: String { Identifier.sitePrefix + rawValue }

    /// Validates a site id given at the command line or in a certificate; throws
    /// ``PKIError/Code/invalidIdentifier`` quoting the text when it does not match the rule.
    public init(certificateName text: String) throws(PKIError) {
        self = try Identifier.parse(text)
    }
}

extension OperatorName {
    /// The SAN URI that names this operator, `urn:fairuse:operator:<name>`.
    public var uri: String { Identifier.operatorPrefix + rawValue }

    /// Validates an operator name given at the command line or in a certificate; throws
    /// ``PKIError/Code/invalidIdentifier`` quoting the text when it does not match the rule.
    public init(certificateName text: String) throws(PKIError) {
        self = try Identifier.parse(text)
    }
}
