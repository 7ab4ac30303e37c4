import ArgumentParser
import AuditClient
import AuditCore
import AuditPKI
import AuditWire
import Foundation

extension CoordinatorCommand {
    /// `fairuse coordinator operator revoke|list`: operator certificates, one by one.
    struct Operator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke or list operator certificates.", subcommands: [Revoke.self, List.self])

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revoke an operator's certificates at once (by name), or one certificate.",
                discussion: """
                    By NAME: every certificate of that operator the coordinator has seen. By --fingerprint or \\
                    --certificate: that certificate, even if it was never used. Refused from the next request; \\
                    also publish the serial in the CA's revocation list (`fairuse pki revoke`).
                    """)
            @Argument(help: "The operator's name.") var name: String?
            @Option(help: "Or the SHA-256 fingerprint of one certificate (hex).") var fingerprint: String?
            @Option(help: "Or the certificate PEM.") var certificate: String?
            @OptionGroup var connection: OperatorConnection

            func validate() throws {
                guard [name, fingerprint, certificate].compactMap({ $0 }).count == 1 else {
                    throw ValidationError("give exactly one of NAME, --fingerprint or --certificate")
                }
            }

            func run() async throws {
                do {
                    let records: [OperatorCertificateRecord] = try await connection.with { client in
                        if let name { return try await client.revoke(operator: try OperatorName(certificateName: name)) }
                        let value: Fingerprint
                        if let certificate {
                            value = Fingerprint.sha256(ofDER: try PEMCertificate.der(path: certificate))
                        } else {
                            guard let parsed = Fingerprint(fingerprint ?? "") else {
                                throw ValidationError("--fingerprint: expected 64 hex digits (colons allowed)")
                            }
                            value = parsed
                        }
                        return try await client.revokeOperatorCertificate(fingerprint: value.hex)
                    }
                    for record in records { print("revoked \(Operator.line(record))") }
                } catch { throw fail(error) }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List operator certificates the coordinator has seen or revoked.")
            @OptionGroup var connection: OperatorConnection
            func run() async throws {
                do {
                    for record in try await connection.with({ try await $0.operators() }) { print(Operator.line(record)) }
                } catch { throw fail(error) }
            }
        }

        /// `name  status  fingerprint…  last seen …`, tab-separated like `site list`.
        static func line(_ record: OperatorCertificateRecord) -> String {
            let seen = record.lastSeenAt.map { "last seen \(WireJSON.formatDate($0))" } ?? "never seen"
            let revoked = record.revokedAt.map { "\trevoked \(WireJSON.formatDate($0))" } ?? ""
            return "\(record.name.isEmpty ? "?" : record.name)\t\(record.status)\t\(record.fingerprint.prefix(16))…\t\(seen)\(revoked)"
        }
    }
}
