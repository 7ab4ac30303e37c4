import ArgumentParser
import AuditPostgres
import Foundation

/// The PostgreSQL flags that go with a command's `--database postgres://…` (`fairuse demo`,
/// `fairuse benchmark load`): where the password is, TLS and its CA. Paths are made absolute
/// here, because the coordinator they configure runs in another folder.
struct DatabaseFlags: ParsableArguments {
    @Option(help: "File holding the database password (with --database postgres://…).") var databasePasswordFile: String?
    @Option(help: "Environment variable holding the database password (with --database postgres://…).") var databasePasswordEnv: String?
    @Option(help: "TLS to the database: verify-full (default), require, or disable (loopback only).") var databaseTls: String?
    @Option(help: "PEM file of the CA of the database server's certificate (verify-full).") var databaseCa: String?

    /// The keys of the flags, so their errors name what was typed.
    static let keys = PostgresLocation.Keys(url: "--database", passwordFile: "--database-password-file",
                                            passwordEnvironment: "--database-password-env", tls: "--database-tls",
                                            caFile: "--database-ca")

    /// The database at `url` with these flags; nil without a URL, when no flag may be given either.
    func location(url: String?) throws -> PostgresLocation? {
        guard let url else {
            guard databasePasswordFile == nil, databasePasswordEnv == nil, databaseTls == nil, databaseCa == nil else {
                throw CommandError("--database-password-file, --database-password-env, --database-tls and --database-ca need --database postgres://…")
            }
            return nil
        }
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String?) -> String? { path.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } }
        return try PostgresLocation(url: url, passwordFile: absolute(databasePasswordFile), passwordEnvironment: databasePasswordEnv,
                                    tls: databaseTls, caFile: absolute(databaseCa), keys: Self.keys)
    }
}
