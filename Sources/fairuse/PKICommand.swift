import ArgumentParser
import AuditCore
import AuditPKI
import Foundation

/// `fairuse pki init|issue`: the federation's certificates (Deploy/PKI.md).
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki", abstract: "Create the federation CA and issue coordinator, site and operator certificates.",
        subcommands: [Init.self, Issue.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a new federation CA in --dir.")
        @Option(help: "PKI folder (created with mode 0700).") var dir: String
        @Option(help: "CA common name.") var name: String = "fairuse federation CA"
        @Flag(help: "Replace existing files.") var overwrite = false

        func run() throws {
            let ca = try CertificateAuthority.create(commonName: name, organization: "fairuse", validity: .authorityDefault)
            try PKICommand.saving { try PKIStore(directory: dir).save(ca, overwrite: overwrite) }
            print("CA created in \(dir); fingerprint \(ca.fingerprint.colonSeparated)")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a certificate: coordinator, site ID, or operator NAME.")
        /// The kinds of certificate.
        enum Role: String, ExpressibleByArgument, CaseIterable { case coordinator, site, `operator` }

        @Argument(help: "What the certificate is for.") var role: Role
        @Argument(help: "The site id or operator name.") var name: String?
        @Option(help: "PKI folder holding the CA.") var dir: String
        @Option(help: "DNS names of the coordinator.") var dns: [String] = ["localhost"]
        @Option(help: "IP addresses of the coordinator.") var ip: [String] = ["127.0.0.1"]
        @Option(help: "Validity in days, 1 … 3650.") var days: Int = 365
        @Flag(help: "Replace existing files.") var overwrite = false

        func validate() throws {
            // A validity of 0 days would issue a certificate that expires within minutes.
            guard (1...3650).contains(days) else { throw ValidationError("--days must be 1 … 3650, found \(days)") }
            if role == .site && name == nil { throw ValidationError("give the site id: fairuse pki issue site ID --dir \(dir)") }
            if role == .operator && name == nil { throw ValidationError("give the operator name: fairuse pki issue operator NAME --dir \(dir)") }
        }

        func run() throws {
            let store = PKIStore(directory: dir)
            let ca = try store.loadAuthority()
            let validity = CertificateValidity.days(days)
            let issued: IssuedCertificate
            switch role {
            case .coordinator: issued = try ca.issueCoordinator(dnsNames: dns, ipAddresses: ip, validity: validity)
            case .site: issued = try ca.issueSite(try SiteID(certificateName: name ?? ""), validity: validity)
            case .operator: issued = try ca.issueOperator(name: try OperatorName(certificateName: name ?? ""), validity: validity)
            }
            try PKICommand.saving { try store.save(issued, overwrite: overwrite) }
            print("\(role) certificate written to \(store.certificatePath(for: issued.role)); fingerprint \(issued.fingerprint.hex)")
        }
    }

    /// Runs a save, naming the command's own `--overwrite` flag when a file already exists (the
    /// library's message names its `overwrite:` parameter).
    static func saving(_ save: () throws -> Void) throws {
        do { try save() } catch let error as PKIError where error.code == .alreadyExists {
            throw CommandError("\(error.path ?? "a file"): already exists; pass --overwrite to replace it")
        }
    }
}
