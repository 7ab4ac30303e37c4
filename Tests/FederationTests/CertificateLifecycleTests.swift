import AuditAgent
import AuditClient
import AuditCoordinator
import AuditCore
import AuditPKI
import AuditTestSupport
import AuditWire
import Foundation
import Testing

/// The certificate lifecycle against a real coordinator on loopback TLS: the CA's revocation list (sites refused
/// by the coordinator, the coordinator refused by agents, forged lists ignored), operators revoked one by one,
/// site rotation with an overlap window, and re-registration after revocation.
@Suite struct CertificateLifecycleTests {
    static func hello(_ site: String) throws -> AgentHello {
        AgentHello(agentVersion: "test", site: try SiteID(validating: site),
                   policy: PolicySummary(allowedModelClasses: [], allowedMetrics: [], minCell: 5, maxGroups: 16, manualApproval: false))
    }

    /// The error an agent or operator call ends with.
    static func failure(_ body: () async throws -> Void) async -> AgentError? {
        do { try await body(); return nil } catch let error as AgentError { return error } catch { return nil }
    }

    @Test func aSiteRevokedInTheCRLIsRefusedFromTheNextRequest() async throws {
        try await FederationHarness.withFederation(revocationList: true) { federation in
            let alpha = try await federation.addSite("alpha")
            try await federation.addSite("beta")
            try await federation.withSiteClient("alpha") { client in
                _ = try await client.hello(Self.hello("alpha"))
                let before = try await federation.withOperator { try await $0.sites() }.first { $0.site.rawValue == "alpha" }
                try federation.pki.recordRevocation(serial: Array(alpha.certificate.serialNumber.bytes), note: "alpha", at: federation.clock.now())
                _ = try federation.pki.publishRevocationList(days: 30, at: federation.clock.now())
                let refused = await Self.failure { _ = try await client.hello(Self.hello("alpha")) }
                #expect(refused?.wireCode == .unauthenticated)
                #expect(refused?.message == "client certificate refused: revoked by the federation CA's revocation list")
                // Nothing was recorded for the refused request.
                let after = try await federation.withOperator { try await $0.sites() }.first { $0.site.rawValue == "alpha" }
                #expect(after?.lastContactAt == before?.lastContactAt)
            }
            // Another site is not touched, and any peer can fetch the list the coordinator holds.
            try await federation.withSiteClient("beta") { client in
                _ = try await client.hello(Self.hello("beta"))
                let pem = try #require(try await client.revocationListPEM())
                let list = try RevocationList(pem: pem, issuer: federation.ca.certificate)
                #expect(list.isRevoked(alpha.certificate) && list.revokedCount == 1 && list.number == 2)
            }
        }
    }

    @Test func aForgedOrTamperedListIsRefusedAndTheListInForceStays() async throws {
        try await FederationHarness.withFederation(revocationList: true) { federation in
            let alpha = try await federation.addSite("alpha")
            try federation.pki.recordRevocation(serial: Array(alpha.certificate.serialNumber.bytes), note: "alpha")
            let genuine = try federation.pki.publishRevocationList(days: 30, at: federation.clock.now())
            try await federation.withSiteClient("alpha") { client in
                #expect(await Self.failure { _ = try await client.hello(Self.hello("alpha")) }?.wireCode == .unauthenticated)
            }
            // A list from another CA that revokes nothing, written over the genuine one.
            let stranger = try CertificateAuthority.create(commonName: "test CA")
            let forged = try RevocationList.create(by: stranger, revoking: [], thisUpdate: federation.clock.now(),
                                                   nextUpdate: federation.clock.now().addingTimeInterval(86_400), number: 99)
            try forged.pem.write(toFile: federation.pki.revocationListPath, atomically: true, encoding: .utf8)
            try await federation.withSiteClient("alpha") { client in
                #expect(await Self.failure { _ = try await client.hello(Self.hello("alpha")) }?.wireCode == .unauthenticated)
            }
            // The genuine list with one byte of its signed body changed.
            var der = genuine.der
            der[der.count / 2] ^= 0x01
            let tampered = "-----BEGIN X509 CRL-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters) + "\n-----END X509 CRL-----\n"
            #expect(throws: PKIError.self) { try RevocationList(pem: tampered, issuer: federation.ca.certificate) }
            try tampered.write(toFile: federation.pki.revocationListPath, atomically: true, encoding: .utf8)
            try await federation.withSiteClient("alpha") { client in
                #expect(await Self.failure { _ = try await client.hello(Self.hello("alpha")) }?.wireCode == .unauthenticated)
            }
        }
    }

    /// The agent checks the coordinator's server certificate on every connection against the CA's list.
    @Test func anAgentRefusesACoordinatorWhoseCertificateIsRevoked() async throws {
        try await FederationHarness.withFederation(revocationList: true) { federation in
            try await federation.addSite("alpha")
            let check = try CoordinatorRevocationCheck(ca: federation.ca.certificate, path: nil, whenStale: .warn)
            try await federation.withClient(certificateOf: .site(try SiteID(validating: "alpha")), revocation: check) { client in
                _ = try await client.hello(Self.hello("alpha"))
                try await client.refreshRevocationList()
                let coordinator = try federation.pki.loadCertificate(for: .coordinator)
                try federation.pki.recordRevocation(serial: Array(coordinator.serialNumber.bytes), note: "coordinator")
                _ = try federation.pki.publishRevocationList(days: 30, at: federation.clock.now())
                let refused = await Self.failure { try await client.refreshRevocationList() }
                #expect(refused?.code == .identityRefused)
                #expect(refused?.message.hasPrefix("the coordinator's certificate CN=fairuse coordinator (serial ") == true)
                #expect(refused?.message.contains("is revoked by the federation CA's revocation list 2 of") == true, "\(refused?.message ?? "")")
                // Nothing more is sent to it.
                #expect(await Self.failure { _ = try await client.hello(Self.hello("alpha")) }?.message == refused?.message)
            }
            // An agent that starts with that list (its tls.crl) refuses at the first connection and stops.
            var configuration = try federation.agentConfiguration(site: "alpha", dataPath: BundledSites.data("olmsted-north"))
            configuration.revocationListPath = federation.pki.revocationListPath
            let error = await Self.failure {
                try await AgentService(configuration: configuration, logger: FederationHarness.logger, clock: federation.clock).run()
            }
            #expect(error?.code == .identityRefused)
            #expect(error?.message.contains("is revoked by the federation CA's revocation list") == true, "\(String(describing: error))")
        }
    }

    @Test func anOperatorIsRevokedOnItsOwnAndListedWithItsStatus() async throws {
        try await FederationHarness.withFederation { federation in
            let bob = try federation.ca.issueOperator(name: try OperatorName(certificateName: "bob"))
            let carol = try federation.ca.issueOperator(name: try OperatorName(certificateName: "carol"))
            try federation.pki.save(bob)
            try federation.pki.save(carol)
            func asOperator(_ name: String) throws -> OperatorClient {
                let role = CertificateRole.operator(try OperatorName(certificateName: name))
                return try OperatorClient(baseURL: federation.url, certificatePath: federation.pki.certificatePath(for: role),
                                          keyPath: federation.pki.keyPath(for: role), caPath: federation.pki.caCertificatePath)
            }
            let bobClient = try asOperator("bob"), carolClient = try asOperator("carol")
            defer { Task { try? await bobClient.shutdown(); try? await carolClient.shutdown() } }
            _ = try await bobClient.sites()
            let revoked = try await federation.withOperator { try await $0.revoke(operator: try OperatorName(certificateName: "bob")) }
            #expect(revoked.map(\.name) == ["bob"] && revoked.map(\.status) == [.revoked])
            let refused = await Self.failure { _ = try await bobClient.sites() }
            #expect(refused?.wireCode == .unauthenticated && refused?.message == "the certificate of operator bob has been revoked")
            // A certificate never used is revoked by fingerprint, and refused at its first use.
            _ = try await federation.withOperator { try await $0.revokeOperatorCertificate(fingerprint: carol.fingerprint.hex) }
            #expect(await Self.failure { _ = try await carolClient.sites() }?.wireCode == .unauthenticated)
            // Revoking an operator never seen by name is refused, naming what to do instead.
            let unseen = await Self.failure { _ = try await federation.withOperator { try await $0.revoke(operator: try OperatorName(certificateName: "dave")) } }
            #expect(unseen?.wireCode == .notFound && unseen?.message.contains("revoke it by --fingerprint or --certificate") == true)
            let own = await Self.failure { _ = try await federation.withOperator { try await $0.revoke(operator: try OperatorName(certificateName: "op")) } }
            #expect(own?.wireCode == .conflict && own?.message.hasPrefix("operator op cannot revoke its own certificates") == true)
            let listed = try await federation.withOperator { try await $0.operators() }
            #expect(listed.map(\.name) == ["bob", "carol", "op"])
            #expect(listed.map(\.status) == [.revoked, .revoked, .active])
            // carol's refused attempt is recorded (first seen), the revocation stands.
            #expect(listed[1].firstSeenAt != nil && listed[1].revokedAt != nil && listed[2].lastSeenAt != nil)
        }
    }

    @Test func aRotatedSiteUsesBothCertificatesUntilTheNewOneIsUsed() async throws {
        try await FederationHarness.withFederation { federation in
            let old = try await federation.addSite("alpha")
            let next = try federation.ca.issueSite(try SiteID(certificateName: "alpha"))
            let nextStore = PKIStore(directory: federation.root + "/next")
            try nextStore.save(next)
            let site = try SiteID(validating: "alpha")
            let rotated = try await federation.withOperator {
                try await $0.rotate(site: site, fingerprint: next.fingerprint.hex, overlapSeconds: 7 * 86_400)
            }
            #expect(rotated.fingerprint == next.fingerprint.hex && rotated.status == .active)
            // Inside the window the old certificate still works; the first use of the new one ends the window.
            try await federation.withSiteClient("alpha") { _ = try await $0.hello(Self.hello("alpha")) }
            try await federation.withClient(certificateOf: next.role, in: nextStore) { _ = try await $0.hello(Self.hello("alpha")) }
            try await federation.withSiteClient("alpha") { client in
                let refused = await Self.failure { _ = try await client.hello(Self.hello("alpha")) }
                #expect(refused?.wireCode == .revokedSite && refused?.message == "this certificate of site alpha has been revoked")
            }
            // The old certificate cannot come back, here or at another site.
            let again = await Self.failure { _ = try await federation.withOperator { try await $0.register(site: try SiteID(validating: "beta"), fingerprint: old.fingerprint.hex) } }
            #expect(again?.wireCode == .conflict)
            // A window out of range is refused naming the field.
            let long = await Self.failure { _ = try await federation.withOperator { try await $0.rotate(site: site, fingerprint: old.fingerprint.hex, overlapSeconds: 91 * 86_400) } }
            #expect(long?.wireCode == .invalidShape && long?.message.contains("expected 0 … 7776000 seconds (90 days)") == true)
        }
    }

    @Test func aRotationWindowEndsOnTime() async throws {
        let manual = ManualClock()
        try await FederationHarness.withFederation(clock: manual.clock) { federation in
            try await federation.addSite("alpha")
            let next = try federation.ca.issueSite(try SiteID(certificateName: "alpha"),
                                                   validity: .days(365, from: manual.now))
            _ = try await federation.withOperator {
                try await $0.rotate(site: try SiteID(validating: "alpha"), fingerprint: next.fingerprint.hex, overlapSeconds: 3600)
            }
            try await federation.withSiteClient("alpha") { client in
                _ = try await client.hello(Self.hello("alpha"))
                manual.advance(by: 3601)
                #expect(await Self.failure { _ = try await client.hello(Self.hello("alpha")) }?.wireCode == .revokedSite)
            }
        }
    }

    /// Issue 11's "revoked-then-rotated" site: revoked, registered again with a new certificate, it runs an
    /// audit; its old certificate stays refused.
    @Test func aRevokedSiteRegisteredAgainRunsAnAuditAndItsOldCertificateStaysRefused() async throws {
        try await FederationHarness.withFederation { federation in
            let configurations = try await federation.bundledAgents()
            let name = BundledSites.names[0]
            let site = try SiteID(validating: name)
            let oldStore = PKIStore(directory: federation.root + "/old")
            try oldStore.save(try federation.pki.load(.site(site)))
            _ = try await federation.withOperator { try await $0.revoke(site: site) }
            try await federation.addSite(name)   // a new certificate, registered with the same id
            try await federation.withAgents(configurations) {
                let (summary, _, _) = try await federation.runAudit(try BundledSites.spec(bootstrap: 0), sites: BundledSites.names)
                #expect(summary.state == .complete)
                #expect(summary.sites.allSatisfy { $0.state == .submitted })
            }
            try await federation.withClient(certificateOf: .site(site), in: oldStore) { client in
                #expect(await Self.failure { _ = try await client.hello(Self.hello(name)) }?.wireCode == .revokedSite)
            }
        }
    }

    /// A coordinator certificate that starts tomorrow is what an agent whose clock is a day behind sees.
    @Test func aClockBehindIsDiagnosedByName() async throws {
        try await FederationHarness.withFederation { federation in
            try await federation.addSite("alpha")
            let tomorrow = Date().addingTimeInterval(86_400)
            try federation.pki.save(try federation.ca.issueCoordinator(
                dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"],
                validity: CertificateValidity(notValidBefore: tomorrow, notValidAfter: tomorrow.addingTimeInterval(30 * 86_400))),
                overwrite: true)
            try await federation.restartCoordinator()
            try await federation.withSiteClient("alpha") { client in
                let refused = await Self.failure { _ = try await client.hello(Self.hello("alpha")) }
                #expect(refused?.code == .identityRefused)
                let message = refused?.message ?? ""
                #expect(message.hasPrefix("the coordinator's certificate is not yet valid by this machine's clock (valid from \(CertificateValidity.iso8601(tomorrow))"), "\(message)")
                #expect(message.contains(", local time ") && message.hasSuffix("): check this machine's clock and NTP"))
                #expect(!message.contains("/"), "no build path: \(message)")
            }
        }
    }

    /// The agent's own certificate past its end: the coordinator refuses it in the handshake; the agent says why.
    @Test func anExpiredOwnCertificateIsNamed() async throws {
        let past = ManualClock(start: Date().addingTimeInterval(-60 * 86_400))
        try await FederationHarness.withFederation(clock: past.clock) { federation in
            let expired = try federation.ca.issueSite(try SiteID(certificateName: "alpha"),
                                                      validity: .days(1, from: past.now))
            let store = PKIStore(directory: federation.root + "/expired")
            try store.save(expired)
            _ = try await federation.withOperator { try await $0.register(site: try SiteID(validating: "alpha"), fingerprint: expired.fingerprint.hex) }
            try await federation.withClient(certificateOf: expired.role, in: store) { client in
                let refused = await Self.failure { _ = try await client.hello(Self.hello("alpha")) }
                #expect(refused?.code == .identityRefused)
                #expect(refused?.message.hasPrefix("this machine's certificate \(store.certificatePath(for: expired.role)) expired at "
                                                   + CertificateValidity.iso8601(expired.certificate.notValidAfter) + " (local time ") == true,
                        "\(refused?.message ?? "")")
            }
        }
    }

    /// TLS files are checked before swift-nio-ssl reads them: the message names the file, the key and what was expected.
    @Test func aWrongTLSFileIsNamedWithItsKey() async throws {
        try await FederationHarness.withFederation { federation in
            let site = try await federation.addSite("alpha")
            let notPEM = federation.root + "/site.pem"
            try "hello\n".write(toFile: notPEM, atomically: true, encoding: .utf8)
            let role = site.role
            let certificate = #expect(throws: PKIError.self) {
                _ = try CoordinatorClient(baseURL: federation.url, certificatePath: notPEM, keyPath: federation.pki.keyPath(for: role),
                                          caPath: federation.pki.caCertificatePath)
            }
            #expect(certificate?.description == "cannot read certificate \(notPEM) (tls.certificate): expected a PEM certificate (BEGIN CERTIFICATE), found no PEM block")
            let key = #expect(throws: PKIError.self) {
                _ = try CoordinatorClient(baseURL: federation.url, certificatePath: federation.pki.certificatePath(for: role),
                                          keyPath: federation.pki.certificatePath(for: role), caPath: federation.pki.caCertificatePath)
            }
            #expect(key?.description == "cannot read private key \(federation.pki.certificatePath(for: role)) (tls.key): expected a P-256 "
                    + "private key in PEM (BEGIN PRIVATE KEY), found a PEM file of another kind")
            let other = #expect(throws: PKIError.self) {
                _ = try OperatorClient(baseURL: federation.url, certificatePath: federation.pki.certificatePath(for: role),
                                       keyPath: federation.pki.keyPath(for: .coordinator), caPath: federation.pki.caCertificatePath)
            }
            #expect(other?.code == .keyMismatch && other?.message.contains("(--key) does not belong to the certificate") == true)
            let missing = #expect(throws: PKIError.self) {
                _ = try CoordinatorClient(baseURL: federation.url, certificatePath: federation.pki.certificatePath(for: role),
                                          keyPath: federation.pki.keyPath(for: role), caPath: federation.root + "/nope.pem")
            }
            #expect(missing?.message.hasPrefix("cannot read CA certificate \(federation.root)/nope.pem (tls.ca): ") == true)
            // The coordinator names its own files the same way, and does not start.
            var configuration = federation.configuration
            configuration.keyPath = notPEM
            configuration.databasePath = federation.root + "/other.db"
            let coordinator = await #expect(throws: PKIError.self) {
                _ = try await CoordinatorService.services(configuration: configuration, logger: FederationHarness.logger)
            }
            #expect(coordinator?.description.hasPrefix("cannot read private key \(notPEM) (tls.key): expected a P-256 private key") == true)
        }
    }

    /// The agent's check with a list past its nextUpdate: a warning once, or a refusal, as `tls.crl_when_stale` says;
    /// a list from another CA is an error and an older one is ignored.
    @Test func anAgentWithAStaleListWarnsOrRefusesAsConfigured() throws {
        let ca = try CertificateAuthority.create(commonName: "test CA")
        let now = Date()
        let stale = try RevocationList.create(by: ca, revoking: [], thisUpdate: now.addingTimeInterval(-2 * 86_400),
                                              nextUpdate: now.addingTimeInterval(-86_400), number: 4)
        let refusing = try CoordinatorRevocationCheck(ca: ca.certificate, path: nil, whenStale: .refuse)
        #expect(try refusing.adopt(pem: stale.pem))
        let refusal = refusing.refusal()
        #expect(refusal?.code == .identityRefused)
        #expect(refusal?.message.contains("is stale since") == true && refusal?.message.contains("tls.crl_when_stale is refuse") == true)
        let warning = try CoordinatorRevocationCheck(ca: ca.certificate, path: nil, whenStale: .warn)
        #expect(try warning.adopt(pem: stale.pem))
        #expect(warning.refusal() == nil)
        #expect(warning.staleWarning()?.contains("revocations after it are unknown") == true)
        #expect(warning.staleWarning() == nil, "warned once per list")
        let older = try RevocationList.create(by: ca, revoking: [], thisUpdate: now.addingTimeInterval(-3 * 86_400),
                                              nextUpdate: now.addingTimeInterval(86_400), number: 3)
        #expect(try warning.adopt(pem: older.pem) == false, "an older list is never adopted")
        let foreign = try RevocationList.create(by: try CertificateAuthority.create(commonName: "other CA"), revoking: [],
                                                thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400), number: 9)
        #expect(throws: PKIError.self) { try warning.adopt(pem: foreign.pem) }
        #expect(warning.list == stale)
    }
}
