import AuditPostgres
import Foundation
import Testing

/// Reading the password from a file or the environment, and the refusals, which never show a password.
@Suite struct PostgresPasswordTests {
    let keys = PostgresLocationTests.keys

    private func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgpw-\(UUID().uuidString)").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [("hunter2\n", "hunter2"), ("hunter2", "hunter2"), ("hunter2\r\nignored\n", "hunter2"), (" spaced pw \n", " spaced pw ")])
    func readsFirstLineOfFile(contents: String, expected: String) throws {
        let path = try temporaryFile(contents)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let location = try PostgresLocation(url: "postgres://u@h/a", passwordFile: path, keys: keys)
        #expect(try location.readPassword(environment: [:]) == expected)
    }

    @Test func emptyFileIsRefused() throws {
        let path = try temporaryFile("\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let location = try PostgresLocation(url: "postgres://u@h/a", passwordFile: path, keys: keys)
        let error = #expect(throws: PostgresLocationError.self) { try location.readPassword(environment: [:]) }
        #expect(error?.code == .passwordUnavailable)
        #expect(error?.key == "database_password_file")
        #expect(error?.message.contains("is empty") == true)
    }

    @Test func missingFileIsRefused() throws {
        let location = try PostgresLocation(url: "postgres://u@h/a", passwordFile: "/nonexistent/pw", keys: keys)
        let error = #expect(throws: PostgresLocationError.self) { try location.readPassword(environment: [:]) }
        #expect(error?.code == .passwordUnavailable)
        #expect(error?.message == "cannot read the password file /nonexistent/pw: no such file; expected a file holding the password of u@h:5432/a")
    }

    @Test func readsEnvironmentVariable() throws {
        let location = try PostgresLocation(url: "postgres://u@h/a", passwordEnvironment: "FAIRUSE_DB_PASSWORD", keys: keys)
        #expect(try location.readPassword(environment: ["FAIRUSE_DB_PASSWORD": "from-env"]) == "from-env")
        let error = #expect(throws: PostgresLocationError.self) { try location.readPassword(environment: ["OTHER": "x"]) }
        #expect(error?.code == .passwordUnavailable)
        #expect(error?.key == "database_password_env")
        #expect(error?.message.contains("FAIRUSE_DB_PASSWORD is not set") == true)
    }

    @Test func noSourceMeansNoPassword() throws {
        let location = try PostgresLocation(url: "postgres://u@h/a", keys: keys)
        #expect(try location.readPassword(environment: ["PGPASSWORD": "ignored"]) == nil)
    }
}
