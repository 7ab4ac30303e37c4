import AuditPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// Connecting to the real throwaway server: success over verified TLS, and each refusal with its message.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct PostgresConnectTests {
    let logger = TestServer.logger

    /// The error of connecting to `location`; records an issue (and closes the connection) if it succeeds.
    private func connectError(_ location: PostgresLocation) async -> PostgresLocationError? {
        do {
            let connection = try await location.connect(logger: logger)
            try? await connection.close()
            Issue.record("connecting to \(location) succeeded; expected a refusal")
            return nil
        } catch let error as PostgresLocationError {
            if ProcessInfo.processInfo.environment["SHOW_ERRORS"] != nil { print("ERROR:", error) }
            return error
        } catch {
            Issue.record("expected a PostgresLocationError, got \(error)")
            return nil
        }
    }

    /// Whether the server sees this connection as TLS, asked of the server itself (`pg_stat_ssl`).
    private func serverSeesTLS(_ connection: PostgresConnection) async throws -> (user: String, ssl: Bool) {
        let rows = try await connection.query("SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
        for try await (user, ssl) in rows.decode((String, Bool).self) { return (user, ssl) }
        throw PostgresLocationError(code: .server, key: nil, message: "pg_stat_ssl returned no row")
    }

    @Test func connectsOverVerifiedTLSToItsOwnDatabase() async throws {
        try await TestServer.withDatabase { location in
            let seen = try await location.withConnection(logger: logger) { try await serverSeesTLS($0) }
            #expect(seen.user == location.user)
            #expect(seen.ssl)
        }
    }

    @Test func requireEncryptsWithoutCheckingAndDisableDoesNotEncrypt() async throws {
        var location = try TestServer.location()
        location.caFile = nil
        location.tls = .require
        #expect(try await location.withConnection(logger: logger) { try await serverSeesTLS($0) }.ssl)
        location.tls = .disable
        #expect(try await location.withConnection(logger: logger) { try await serverSeesTLS($0) }.ssl == false)
    }

    @Test func wrongPasswordIsNamedWithoutThePassword() async throws {
        let wrong = FileManager.default.temporaryDirectory.appendingPathComponent("pgpw-\(UUID().uuidString)").path
        try Data("not-the-Password-42\n".utf8).write(to: URL(fileURLWithPath: wrong))
        defer { try? FileManager.default.removeItem(atPath: wrong) }
        var location = try TestServer.location()
        let real = try #require(try location.readPassword())
        location.password = .file(wrong)
        let error = await connectError(location)
        #expect(error?.code == .authenticationFailed)
        #expect(error?.key == "password_file")
        let text = error.map { String(describing: $0) } ?? ""
        #expect(text.contains("password authentication failed for \(location)"))
        #expect(text.contains("fairuse@127.0.0.1:55432/") || !location.description.contains("55432"))
        #expect(!text.contains("not-the-Password-42"))
        #expect(!text.contains(real))
    }

    @Test func missingPasswordIsNamed() async throws {
        var location = try TestServer.location()
        location.password = nil
        let error = await connectError(location)
        #expect(error?.code == .passwordRequired)
        #expect(error?.message.contains("set password_file or password_env") == true)
    }

    @Test func closedPortSaysNothingListens() async throws {
        var location = try TestServer.location()
        location.port = 1
        let error = await connectError(location)
        #expect(error?.code == .unreachable)
        #expect(error?.key == "url")
        #expect(error?.message.contains("nothing listens on \(location.host):1") == true, "\(String(describing: error))")
    }

    @Test func systemRootsDoNotTrustTheTestServer() async throws {
        var location = try TestServer.location()
        location.caFile = nil
        let error = await connectError(location)
        #expect(error?.code == .tls)
        #expect(error?.key == "ca")
        #expect(error?.message.contains("TLS: server certificate not trusted") == true, "\(String(describing: error))")
    }

    @Test func anotherCADoesNotTrustTheTestServer() async throws {
        // A real CA that did not sign the test server's certificate: the first one of the system's bundle.
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        try #require(FileManager.default.fileExists(atPath: bundle))
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem").path
        let text = try String(contentsOfFile: bundle, encoding: .utf8)
        let end = try #require(text.range(of: "-----END CERTIFICATE-----"))
        try (String(text[..<end.upperBound]) + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: other) }
        var location = try TestServer.location()
        location.caFile = other
        let error = await connectError(location)
        #expect(error?.code == .tls)
        #expect(error?.message.contains("does not chain to the CA in ca (\(other))") == true, "\(String(describing: error))")
    }

    @Test func missingDatabaseIsNamed() async throws {
        let location = try TestServer.location(database: "fairuse_no_such_db_\(UInt32.random(in: 0...UInt32.max))")
        let error = await connectError(location)
        #expect(error?.code == .databaseMissing)
        #expect(error?.message.contains("database \(location.database) does not exist on \(location.host):\(location.port)") == true)
    }
}
