import Logging

/// A security-relevant event at the coordinator: one log line with fixed metadata keys (so a
/// collector can alert on `event`) and one count in `fairuse_security_events_total`.
///
/// Metadata carries ids, certificate fingerprints, wire error codes and field names only — never
/// a payload value, a group level or a site's local path: a refused payload is logged by its code
/// and field, not by the refusal's message, which may quote what the site sent.
struct SecurityEvent: Sendable {
    /// What happened.
    enum Kind: String, Sendable, CaseIterable {
        /// An operator registered a site's certificate.
        case siteRegistered = "site_registered"
        /// An operator revoked a site.
        case siteRevoked = "site_revoked"
        /// A certificate was refused: not from the federation CA, expired, unknown or revoked
        /// fingerprint, or registered for another site.
        case identityRefused = "identity_refused"
        /// An authenticated principal called an endpoint of another role (a site on an operator
        /// route, an operator on an agent route, a site acting on another site's task).
        case roleRefused = "role_refused"
        /// An agent's upload was refused: malformed, too large, inconsistent or out of bounds.
        case payloadRefused = "payload_refused"

        /// The log line's message.
        var message: String { rawValue.replacingOccurrences(of: "_", with: " ") }

        /// Refusals are warnings; changes an operator made are notices.
        var level: Logger.Level {
            switch self {
            case .siteRegistered, .siteRevoked: .notice
            case .identityRefused, .roleRefused, .payloadRefused: .warning
            }
        }
    }

    let kind: Kind
    let metadata: Logger.Metadata

    /// Writes the line and counts the event.
    func record(logger: Logger, metrics: CoordinatorMetrics) {
        var metadata = metadata
        metadata["event"] = .string(kind.rawValue)
        logger.log(level: kind.level, "\(kind.message)", metadata: metadata)
        metrics.count(kind)
    }
}
