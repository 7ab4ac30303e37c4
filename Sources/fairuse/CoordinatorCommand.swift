import ArgumentParser
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditWire
import Foundation
import Logging

/// `fairuse coordinator serve|site|operator|events|token|retention|backup`.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator", abstract: "Run the coordinator, and manage its site registry.",
        subcommands: [Serve.self, Site.self, Operator.self, Events.self, Token.self, Retention.self, Backup.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a read-only researcher token for the dashboard and reports.",
            discussion: """
                Prints the token once on standard error (give it to the researcher), and on standard output only \
                the `researchers:` lines for coordinator.yaml, which stores the token's SHA-256, never the token. \
                With no `researchers:` yet, `fairuse coordinator token NAME >> coordinator.yaml` adds it; otherwise \
                copy the `- { name: …, token_sha256: … }` line under the existing key.
                """)
        @Argument(help: "The researcher's name (1–64 letters, digits, . _ - @).") var name: String

        func validate() throws {
            guard CoordinatorConfiguration.ResearcherToken.isValidName(name) else {
                throw ValidationError("the researcher's name must be 1–64 letters, digits, '.', '_', '-' or '@'")
            }
        }

        func run() throws {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let entry = CoordinatorConfiguration.ResearcherToken(name: name, sha256: WireDigest.sha256Hex(Array(token.utf8)))
            FileHandle.standardError.write(Data("""
                token for \(name) (shown once): \(token)
                dashboard: https://HOST:PORT/dashboard?token=\(token)  (or header Authorization: Bearer <token>)
                coordinator.yaml lines (standard output):

                """.utf8))
            print(CoordinatorConfiguration.ResearcherToken.yaml([entry]), terminator: "")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the coordinator API (mutual TLS 1.3) until SIGTERM.")
        @Option(help: "The coordinator's configuration file (coordinator.yaml).") var config: String
        @OptionGroup var logs: LogOptions

        func run() async throws {
            do {
                let configuration = try CoordinatorConfiguration.load(path: config)
                logs.bootstrap(configuration.logging)
                try await CoordinatorService.run(configuration: configuration, logger: Logger(label: "fairuse.coordinator"))
            } catch { throw fail(error) }
        }
    }

    struct Site: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register, rotate, revoke or list sites.",
                                                        subcommands: [Add.self, Rotate.self, Revoke.self, List.self])

        struct Rotate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Give an active site a new certificate; the old one stays accepted during an overlap window.",
                discussion: """
                    The old certificate is accepted until the window ends or until the site's agent first uses the \
                    new one, whichever comes first; then it is revoked for good.
                    """)
            @Argument(help: "Site id.") var site: String
            @Option(help: "The site's new certificate PEM.") var certificate: String
            @Option(help: "How long the old certificate stays accepted: 90s, 30m, 2h, 7d (at most 90d).") var overlap: String = "7d"
            @OptionGroup var connection: OperatorConnection

            func run() async throws {
                do {
                    let seconds = Int(try Duration.seconds(parsing: overlap))
                    let fingerprint = Fingerprint.sha256(ofDER: try PEMCertificate.der(path: certificate)).hex
                    let record = try await connection.with {
                        try await $0.rotate(site: try SiteID(validating: site), fingerprint: fingerprint, overlapSeconds: seconds)
                    }
                    print("rotated \(record.site) to \(record.fingerprint); the previous certificate is accepted for \(overlap) "
                          + "or until the new one is first used")
                } catch { throw fail(error) }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Register a site by its certificate (or fingerprint).")
            @Argument(help: "Site id.") var site: String
            @Option(help: "The site's certificate PEM.") var certificate: String?
            @Option(help: "Or its SHA-256 fingerprint (hex).") var fingerprint: String?
            @OptionGroup var connection: OperatorConnection

            func run() async throws {
                do {
                    let print_ = try await connection.with { client -> AuditWire.SiteRecord in
                        let value: String
                        if let fingerprint { value = fingerprint } else if let certificate {
                            value = Fingerprint.sha256(ofDER: try PEMCertificate.der(path: certificate)).hex
                        } else { throw ValidationError("give --certificate or --fingerprint") }
                        return try await client.register(site: try SiteID(validating: site), fingerprint: value)
                    }
                    print("registered \(print_.site) (\(print_.fingerprint))")
                } catch { throw fail(error) }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a site at once; its open tasks fail.")
            @Argument(help: "Site id.") var site: String
            @OptionGroup var connection: OperatorConnection
            func run() async throws {
                do {
                    let record = try await connection.with { try await $0.revoke(site: try SiteID(validating: site)) }
                    print("revoked \(record.site)")
                } catch { throw fail(error) }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List registered sites.")
            @OptionGroup var connection: OperatorConnection
            func run() async throws {
                do {
                    for s in try await connection.with({ try await $0.sites() }) {
                        print("\(s.site)\t\(s.status)\t\(s.fingerprint.prefix(16))…\tadded \(WireJSON.formatDate(s.addedAt))")
                    }
                } catch { throw fail(error) }
            }
        }
    }
}

/// Reads a PEM certificate's DER bytes.
enum PEMCertificate {
    static func der(path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let body = text.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { throw CommandError("\(path): not a PEM certificate") }
        return [UInt8](data)
    }
}
