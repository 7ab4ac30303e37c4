import AuditPostgres
import Foundation
import Testing

/// Parsing `postgres://` URLs and the settings beside them, and every refusal.
@Suite struct PostgresLocationTests {
    static let keys = PostgresLocation.Keys(url: "database", passwordFile: "database_password_file",
                                            passwordEnvironment: "database_password_env", tls: "database_tls", caFile: "database_ca")

    @Test(arguments: [
        ("postgres://fairuse@db.example.org/audits", "fairuse", "db.example.org", 5432, "audits"),
        ("postgresql://fairuse@db.example.org:6543/audits", "fairuse", "db.example.org", 6543, "audits"),
        ("postgres://app_user@127.0.0.1:55432/fairuse", "app_user", "127.0.0.1", 55432, "fairuse"),
        ("postgres://u@[::1]:5433/d", "u", "::1", 5433, "d"),
        ("postgres://fair%40use@h/my%20db", "fair@use", "h", 5432, "my db"),
    ])
    func parsesURL(url: String, user: String, host: String, port: Int, database: String) throws {
        let location = try PostgresLocation(url: url, tls: "require", keys: Self.keys)
        #expect(location.user == user)
        #expect(location.host == host)
        #expect(location.port == port)
        #expect(location.database == database)
        #expect(location.tls == .require)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        #expect(location.description == "\(user)@\(shownHost):\(port)/\(database)")
    }

    @Test func defaultsToVerifyFullWithoutPassword() throws {
        let location = try PostgresLocation(url: "postgres://a@db.example.org/b")
        #expect(location.tls == .verifyFull)
        #expect(location.password == nil)
        #expect(location.caFile == nil)
        #expect(location.url == "postgres://a@db.example.org:5432/b")
    }

    @Test(arguments: [
        "postgres://fairuse:s3cr3t-Pa55@db.example.org/audits",
        "postgresql://fairuse:s3cr3t-Pa55@127.0.0.1:5432/audits",
        "fairuse:s3cr3t-Pa55@db.example.org/audits",
        "mysql://fairuse:s3cr3t-Pa55@db/x",
        "postgres://fairuse:s3cr3t-Pa55@db.example.org/audits?sslmode=disable",
    ])
    func refusesInlinePasswordWithoutEchoingIt(url: String) {
        let error = #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: url, keys: Self.keys) }
        #expect(error?.code == .inlinePassword)
        #expect(error?.key == "database")
        let text = error.map { String(describing: $0) } ?? ""
        #expect(!text.contains("s3cr3t"))
        #expect(text.contains("database_password_file"))
        #expect(text.contains("database_password_env"))
    }

    @Test(arguments: [
        ("sqlite:/var/lib/fairuse.db", "is not a postgres:// URL"),
        ("http://u@h/d", "is not a postgres:// URL"),
        ("postgres://db.example.org/audits", "names no user"),
        ("postgres://@db.example.org/audits", "empty or badly %-encoded user"),
        ("postgres://u@/audits", "names no host"),
        ("postgres://u@db.example.org", "names no database"),
        ("postgres://u@db.example.org/", "names no database"),
        ("postgres://u@db.example.org/a/b", "more than one part"),
        ("postgres://u@db.example.org:0/a", "port '0'"),
        ("postgres://u@db.example.org:70000/a", "port '70000'"),
        ("postgres://u@db.example.org:x/a", "port 'x'"),
        ("postgres://u@db example/a", "characters other than"),
        ("postgres://u@[::1/a", "without ']'"),
        ("postgres://u@h/a?sslmode=require", "query parameters"),
        ("postgres://u%zz@h/a", "badly %-encoded"),
    ])
    func refusesMalformedURL(url: String, reason: String) {
        let error = #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: url, keys: Self.keys) }
        #expect(error?.code == .invalidURL)
        #expect(error?.key == "database")
        #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.message.contains("postgres://USER@HOST[:PORT]/DATABASE") == true)
    }

    @Test func refusesTLSDisableOffLoopback() {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation(url: "postgres://u@db.example.org/a", tls: "disable", keys: Self.keys)
        }
        #expect(error?.code == .invalidSetting)
        #expect(error?.key == "database_tls")
        #expect(error?.message.contains("db.example.org is not one") == true)
    }

    @Test(arguments: ["127.0.0.1", "127.3.4.5", "localhost", "[::1]"])
    func allowsTLSDisableOnLoopback(host: String) throws {
        let location = try PostgresLocation(url: "postgres://u@\(host)/a", tls: "disable", keys: Self.keys)
        #expect(location.isLoopback)
        #expect(try location.tlsConfiguration() == nil)
    }

    @Test func refusesUnknownTLSMode() {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation(url: "postgres://u@h/a", tls: "prefer", keys: Self.keys)
        }
        #expect(error?.code == .invalidSetting)
        #expect(error?.key == "database_tls")
        #expect(error?.message == "expected disable, require or verify-full, found 'prefer'")
    }

    @Test func refusesCAWithoutVerifyFull() {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation(url: "postgres://u@h/a", tls: "require", caFile: "/etc/ca.pem", keys: Self.keys)
        }
        #expect(error?.code == .invalidSetting)
        #expect(error?.key == "database_ca")
    }

    @Test func refusesTwoPasswordSources() {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation(url: "postgres://u@h/a", passwordFile: "/run/pw", passwordEnvironment: "PGPW", keys: Self.keys)
        }
        #expect(error?.code == .invalidSetting)
        #expect(error?.message == "set either database_password_file or database_password_env, not both")
    }

    @Test(arguments: ["", "1PW", "PG-PW", "PG PW"])
    func refusesBadVariableName(name: String) {
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation(url: "postgres://u@h/a", passwordEnvironment: name, keys: Self.keys)
        }
        #expect(error?.code == .invalidSetting)
        #expect(error?.key == "database_password_env")
    }

    @Test func refusesUnreadableCAFile() throws {
        let location = try PostgresLocation(url: "postgres://u@h/a", caFile: "/nonexistent/ca.pem", keys: Self.keys)
        let error = #expect(throws: PostgresLocationError.self) { try location.tlsConfiguration() }
        #expect(error?.code == .invalidSetting)
        #expect(error?.key == "database_ca")
        #expect(error?.message.contains("/nonexistent/ca.pem: no such file") == true)
    }
}
