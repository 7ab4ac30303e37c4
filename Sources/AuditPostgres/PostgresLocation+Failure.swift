import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

extension PostgresLocation {
    /// Turns an error from connecting to this database into a ``PostgresLocationError`` a person can act on:
    /// it names the key that would fix it, `user@host:port/db`, and what was expected. postgres-nio's own
    /// description is deliberately generic; this reads its code, the server's SQLSTATE and the
    /// underlying socket or TLS error. The password never appears (the server does not echo it).
    public func connectionFailure(_ error: any Error) -> PostgresLocationError {
        if let error = error as? PostgresLocationError { return error }
        let target = "\(host):\(port)"
        guard let error = error as? PSQLError else {
            return PostgresLocationError(code: .unreachable, key: keys.url, message: "cannot connect to \(self): \(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?"
            let said = error.serverInfo?[.message] ?? "no message"
            switch state {
            case "28P01":
                return PostgresLocationError(code: .authenticationFailed, key: passwordKey, message: """
                    password authentication failed for \(self); expected the password of role \(user) \
                    (the server says: \(said))
                    """)
            case "28000":
                return PostgresLocationError(code: .authenticationFailed, key: keys.url, message: """
                    the server at \(target) refused role \(user) for database \(database) (SQLSTATE 28000: \(said)); \
                    expected a pg_hba.conf entry that lets \(user) in from this host
                    """)
            case "3D000":
                return PostgresLocationError(code: .databaseMissing, key: keys.url,
                                     message: "database \(database) does not exist on \(target); expected an existing database (\(self))")
            default:
                return PostgresLocationError(code: .server, key: keys.url, message: "the server at \(target) refused \(self) (SQLSTATE \(state): \(said))")
            }
        case .authMechanismRequiresPassword:
            return PostgresLocationError(code: .passwordRequired, key: passwordKey, message: """
                the server at \(target) asks \(user) for a password and none is configured; \
                set \(keys.passwordFile) or \(keys.passwordEnvironment)
                """)
        case .sslUnsupported:
            return PostgresLocationError(code: .tls, key: keys.tls, message: """
                the server at \(target) does not offer TLS, and \(keys.tls) is \(tls); expected a server with ssl = on \
                (or \(keys.tls): disable, for a loopback host only)
                """)
        case .unsupportedAuthMechanism, .saslError:
            return PostgresLocationError(code: .authenticationFailed, key: passwordKey,
                                 message: "logging in to \(self) failed (\(error.code)); expected scram-sha-256, md5 or password authentication")
        default:
            break
        }
        return underlyingFailure(error.underlying, code: error.code, target: target)
    }

    private var passwordKey: String {
        switch password {
        case .environment: keys.passwordEnvironment
        default: keys.passwordFile
        }
    }

    private func underlyingFailure(_ underlying: (any Error)?, code: PSQLError.Code, target: String) -> PostgresLocationError {
        switch underlying {
        case let error as NIOSSLError:
            return tlsFailure("\(error)", target: target)
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return PostgresLocationError(code: .tls, key: keys.url, message: """
                TLS: the certificate of the server at \(target) does not name \(host); expected a certificate whose \
                subject alternative names include \(host)
                """)
        case let error as NIOSSLExtraError:
            return tlsFailure("\(error)", target: target)
        case let error as NIOConnectionError:
            let reasons = (error.connectionErrors.map { "\($0.error)" } + [error.dnsAAAAError, error.dnsAError].compactMap { $0.map { "\($0)" } })
            return unreachable(target: target, reasons: reasons)
        case let error as ChannelError:
            if case .connectTimeout = error {
                return PostgresLocationError(code: .unreachable, key: keys.url,
                                     message: "nothing answered at \(target) within the connect timeout; expected a PostgreSQL server for \(self)")
            }
            return unreachable(target: target, reasons: ["\(error)"])
        case let error as IOError:
            return unreachable(target: target, reasons: ["\(error)"])
        case let error?:
            return PostgresLocationError(code: .unreachable, key: keys.url, message: "cannot connect to \(self) (\(code)): \(error)")
        case nil:
            return PostgresLocationError(code: .unreachable, key: keys.url, message: "cannot connect to \(self) (\(code))")
        }
    }

    private func unreachable(target: String, reasons: [String]) -> PostgresLocationError {
        let text = reasons.joined(separator: "; ")
        let refused = text.contains("refused") || text.contains("ECONNREFUSED")
        let what = refused ? "nothing listens on \(target) (connection refused)" : "cannot reach \(target)"
        return PostgresLocationError(code: .unreachable, key: keys.url,
                             message: "\(what); expected a PostgreSQL server for \(self)\(text.isEmpty || refused ? "" : " (\(text))")")
    }

    private func tlsFailure(_ detail: String, target: String) -> PostgresLocationError {
        let untrusted = detail.contains("CERTIFICATE_VERIFY_FAILED") || detail.contains("certificate verify failed")
            || detail.contains("unable to get local issuer") || detail.contains("self signed") || detail.contains("self-signed")
        if untrusted {
            let trust = caFile.map { "the CA in \(keys.caFile) (\($0))" } ?? "the system's trusted roots (set \(keys.caFile) to the CA that signed it)"
            return PostgresLocationError(code: .tls, key: keys.caFile, message: """
                TLS: server certificate not trusted: the certificate of the server at \(target) does not chain to \(trust)
                """)
        }
        return PostgresLocationError(code: .tls, key: keys.tls, message: "TLS to \(target) failed (\(keys.tls): \(tls)): \(detail)")
    }
}
