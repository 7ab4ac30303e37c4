import ArgumentParser
import AuditCore
import AuditPKI
import Foundation

/// `fairuse pki init|issue|request|sign|revoke|crl`: the federation's certificates (Deploy/PKI.md).
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki", abstract: "Create the federation CA and issue coordinator, site and operator certificates.",
        subcommands: [Init.self, Issue.self, Request.self, Sign.self, Revoke.self, CRL.self])

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

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "At a site or an operator's machine: make a key and a certificate request for the CA.",
            discussion: """
                Writes the private key (mode 0600; it never leaves this machine) and a PKCS#10 request \
                (site-<id>.csr or operator-<name>.csr) into --out. Send only the .csr to the federation's \
                operator, who signs it with `fairuse pki sign --csr FILE` and sends back the certificate.
                """)
        @Option(help: "The site id to request a site certificate for.") var site: String?
        @Option(name: .customLong("operator"), help: "Or the operator name to request an operator certificate for.") var operatorName: String?
        @Option(help: "Folder for the key and the request (created with mode 0700).") var out: String
        @Flag(help: "Replace existing files (a key in use is lost; rotate into a new folder instead).") var overwrite = false

        func validate() throws {
            guard (site == nil) != (operatorName == nil) else {
                throw ValidationError("give exactly one of --site ID or --operator NAME")
            }
        }

        func run() throws {
            let principal: Principal = if let site { .site(try SiteID(certificateName: site)) }
                else { .operator(try OperatorName(certificateName: operatorName ?? "")) }
            let (request, keyPEM) = try CertificateRequest.generate(for: principal)
            let store = PKIStore(directory: out)
            try PKICommand.saving { try store.save(request, privateKeyPEM: keyPEM, overwrite: overwrite) }
            print("""
                key written to \(store.keyPath(for: request.role)) (mode 0600; keep it here)
                request written to \(store.requestPath(for: request.role)); send it to the operator, who runs:
                  fairuse pki sign --csr \((store.requestPath(for: request.role) as NSString).lastPathComponent) --dir PKI
                """)
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "On the CA machine: check a site's or operator's certificate request and issue its certificate.",
            discussion: """
                The request must be self-signed with a P-256 key, name one site (CN=fairuse site <id>) or one \
                operator (CN=fairuse operator <name>) by the naming rules, and ask for no extension but its own \
                urn:fairuse: subjectAltName. The certificate gets the profile of `pki issue` and is written to \
                --dir as site-<id>.pem or operator-<name>.pem (the CA's record; send it back to the requester).
                """)
        @Option(help: "The certificate request (PEM) to sign.") var csr: String
        @Option(help: "PKI folder holding the CA.") var dir: String
        @Option(help: "Validity in days, 1 … 3650.") var days: Int = 365
        @Flag(help: "Replace an existing certificate file of the same site or operator.") var overwrite = false

        func validate() throws {
            guard (1...3650).contains(days) else { throw ValidationError("--days must be 1 … 3650, found \(days)") }
        }

        func run() throws {
            let request = try PKIStore.loadRequest(path: csr)
            let store = PKIStore(directory: dir)
            let certificate = try store.loadAuthority().sign(request, validity: .days(days))
            try PKICommand.saving { try store.saveCertificate(certificate, role: request.role, overwrite: overwrite) }
            print("\(request.role) certificate written to \(store.certificatePath(for: request.role)); "
                  + "fingerprint \(Fingerprint.sha256(of: certificate).hex)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "On the CA machine: record a certificate as revoked (published by the next `pki crl`).")
        @Option(help: "PKI folder holding the CA.") var dir: String
        @Option(help: "The certificate's serial number (hex, as `openssl x509 -serial` prints it).") var serial: String?
        @Option(help: "Or the certificate PEM.") var certificate: String?

        func validate() throws {
            guard (serial == nil) != (certificate == nil) else { throw ValidationError("give exactly one of --serial or --certificate") }
            if let serial, PKIStore.bytes(hex: serial.hasPrefix("serial=") ? String(serial.dropFirst(7)) : serial) == nil {
                throw ValidationError("--serial: expected hex digits (colons allowed), found '\(serial)'")
            }
        }

        func run() throws {
            let store = PKIStore(directory: dir)
            let serialBytes: [UInt8]
            let note: String
            if let certificate {
                let loaded = try PKIStore.loadCertificate(path: certificate)
                serialBytes = Array(loaded.serialNumber.bytes)
                note = String(describing: loaded.subject)
            } else {
                let text = serial ?? ""
                serialBytes = PKIStore.bytes(hex: text.hasPrefix("serial=") ? String(text.dropFirst(7)) : text) ?? []
                note = "by serial"
            }
            let hex = Revocation(serial: serialBytes, revokedAt: Date()).serialHex
            if try store.recordRevocation(serial: serialBytes, note: note) {
                print("serial \(hex) recorded as revoked in \(store.revocationsPath); publish it with `fairuse pki crl --dir \(dir)`")
            } else {
                print("serial \(hex) was already revoked")
            }
        }
    }

    struct CRL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl",
            abstract: "On the CA machine: sign and write the revocation list (crl.pem) to copy to the coordinator and sites.",
            discussion: """
                Lists every serial recorded by `pki revoke`. Publish a new list before --days pass: a list past its \
                nextUpdate is stale, and the coordinator and agents warn or refuse (their `tls.crl_when_stale`).
                """)
        @Option(help: "PKI folder holding the CA.") var dir: String
        @Option(help: "Days until the next list is due (nextUpdate), 1 … 365.") var days: Int = 30

        func validate() throws {
            guard (1...365).contains(days) else { throw ValidationError("--days must be 1 … 365, found \(days)") }
        }

        func run() throws {
            let store = PKIStore(directory: dir)
            let list = try store.publishRevocationList(days: days)
            print("\(list.summary) written to \(store.revocationListPath)")
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
