import Foundation

/// The period in which a certificate is valid: `notValidBefore ... notValidAfter` (RFC 5280 §4.1.2.5).
///
/// Certificates store whole seconds; both dates are truncated to seconds when a certificate is issued.
public struct CertificateValidity: Hashable, Sendable, CustomStringConvertible {
    /// The first instant at which the certificate is valid.
    public var notValidBefore: Date
    /// The last instant at which the certificate is valid.
    public var notValidAfter: Date

    /// The allowance for clocks that run behind: ``days(_:from:)`` starts this many seconds before `from`.
    public static let clockSkewAllowance: TimeInterval = 5 * 60

    /// Default lifetime of leaf certificates (coordinator, site, operator): 365 days.
    public static let defaultLeafDays = 365
    /// Default lifetime of the federation CA: 5 × 365 + 1 days (five years).
    public static let defaultAuthorityDays = 5 * 365 + 1

    /// An explicit period, e.g. in the past or the future for tests of expired and not-yet-valid certificates.
    public init(notValidBefore: Date, notValidAfter: Date) {
        self.notValidBefore = notValidBefore
        self.notValidAfter = notValidAfter
    }

    /// `days` days starting ``clockSkewAllowance`` before `from` (default: now).
    public static func days(_ days: Int, from start: Date = Date()) -> CertificateValidity {
        let begin = start.addingTimeInterval(-clockSkewAllowance)
        return CertificateValidity(notValidBefore: begin, notValidAfter: start.addingTimeInterval(Double(days) * 86_400))
    }

    /// The default for leaf certificates: 365 days from now.
    public static var leafDefault: CertificateValidity { .days(defaultLeafDays) }

    /// The default for the federation CA: five years from now.
    public static var authorityDefault: CertificateValidity { .days(defaultAuthorityDays) }

    /// Whether `date` lies in the period (both ends included).
    public func contains(_ date: Date) -> Bool { notValidBefore <= date && date <= notValidAfter }

    /// `notValidBefore … notValidAfter` in ISO 8601 (UTC).
    public var description: String {
        "\(Self.iso8601(notValidBefore)) … \(Self.iso8601(notValidAfter))"
    }

    /// Both dates truncated to whole seconds, as a certificate stores them.
    var truncatedToSeconds: CertificateValidity {
        CertificateValidity(
            notValidBefore: Date(timeIntervalSince1970: notValidBefore.timeIntervalSince1970.rounded(.down)),
            notValidAfter: Date(timeIntervalSince1970: notValidAfter.timeIntervalSince1970.rounded(.down))
        )
    }

    /// Throws ``PKIError/Code/invalidValidity`` unless the period is non-empty and, when `within` is given, inside it.
    func check(within outer: CertificateValidity?, subject: String) throws(PKIError) {
        guard notValidBefore < notValidAfter else {
            throw PKIError(
                code: .invalidValidity,
                message: "expected notValidBefore before notValidAfter for \(subject), found \(self)"
            )
        }
        if let outer, !(outer.notValidBefore <= notValidBefore && notValidAfter <= outer.notValidAfter) {
            throw PKIError(
                code: .invalidValidity,
                message: "expected the validity of \(subject) (\(self)) to lie within the CA's (\(outer)); "
                    + "issue a shorter certificate or rotate the CA first"
            )
        }
    }

    /// A date in ISO 8601 (UTC), as messages and files show it.
    public static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
