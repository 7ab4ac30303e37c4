import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

extension PostgresLocation {
    /// The TLS settings for ``tls``: `nil` for ``PostgresTLSMode/disable``; certificate checks off for
    /// ``PostgresTLSMode/require``; full chain and host name checks against ``caFile`` (or the system's
    /// roots) for ``PostgresTLSMode/verifyFull``. TLS 1.2 is the minimum, as PostgreSQL's own default.
    public func tlsConfiguration() throws(PostgresLocationError) -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch tls {
        case .disable:
            return nil
        case .require:
            configuration.certificateVerification = .none
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            if let caFile {
                let certificates: [NIOSSLCertificate]
                do {
                    certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                } catch {
                    let reason = FileManager.default.fileExists(atPath: caFile) ? "it holds no readable PEM certificate" : "no such file"
                    throw PostgresLocationError(code: .invalidSetting, key: keys.caFile,
                                        message: "cannot load the CA file \(caFile): \(reason); expected the PEM certificate of the CA that signed the certificate of \(host)")
                }
                guard !certificates.isEmpty else {
                    throw PostgresLocationError(code: .invalidSetting, key: keys.caFile,
                                        message: "the CA file \(caFile) holds no PEM certificate")
                }
                configuration.trustRoots = .certificates(certificates)
            }
        }
        return configuration
    }

    /// A postgres-nio configuration for one connection, with the password read from its source now.
    public func connectionConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        connectTimeout: TimeAmount = .seconds(10)) throws(PostgresLocationError) -> PostgresConnection.Configuration {
        let password = try readPassword(environment: environment)
        let mode: PostgresConnection.Configuration.TLS
        if let tlsConfiguration = try tlsConfiguration() {
            do {
                mode = .require(try NIOSSLContext(configuration: tlsConfiguration))
            } catch {
                throw PostgresLocationError(code: .invalidSetting, key: keys.tls, message: "cannot set up TLS for \(self): \(error)")
            }
        } else {
            mode = .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: mode)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// A postgres-nio configuration for a pool of connections (`PostgresClient`), password read now.
    public func clientConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresLocationError) -> PostgresClient.Configuration {
        let password = try readPassword(environment: environment)
        let mode: PostgresClient.Configuration.TLS = try tlsConfiguration().map { .require($0) } ?? .disable
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
    }

    /// Opens one connection. Failures are thrown as ``PostgresLocationError`` naming the key, `user@host:port/db`
    /// and what was expected (see ``connectionFailure(_:)``); the caller closes the connection.
    public func connect(logger: Logger, id: Int = 0,
                        environment: [String: String] = ProcessInfo.processInfo.environment,
                        connectTimeout: TimeAmount = .seconds(10),
                        on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()) async throws -> PostgresConnection {
        let configuration = try connectionConfiguration(environment: environment, connectTimeout: connectTimeout)
        do {
            return try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger)
        } catch {
            throw connectionFailure(error)
        }
    }

    /// Opens a connection, runs `body` with it and closes it, whatever `body` does.
    public func withConnection<T: Sendable>(logger: Logger,
                                            environment: [String: String] = ProcessInfo.processInfo.environment,
                                            _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connect(logger: logger, environment: environment)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
