/// How the connection to PostgreSQL is protected, as in libpq's `sslmode` (a subset).
///
/// The default is ``verifyFull``: the server's certificate must chain to the configured CA (or the
/// system's roots) and name the host of the URL (DNS name or IP address in its subject alternative
/// names). ``require`` encrypts without checking who answers, which only protects against a passive
/// listener; ``disable`` sends the password exchange and every row in clear and is therefore accepted
/// only for a loopback host (see ``PostgresLocation/validate()``).
public enum PostgresTLSMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No TLS. Loopback hosts only.
    case disable
    /// TLS required, the server's certificate not checked.
    case require
    /// TLS required, certificate chain and host name checked (the default).
    case verifyFull = "verify-full"

    /// The spelling used in configuration files: `disable`, `require` or `verify-full`.
    public var description: String { rawValue }
}
