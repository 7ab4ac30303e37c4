import AuditCore
import AuditWire
import Foundation
import Testing

/// Tagged identifiers, the protocol version and the error-code table.
@Suite struct IdentifierTests {
    @Test(arguments: ["a", "st-olav", "site_01", "0", "a.b-c_d", String(repeating: "z", count: 63)])
    func validSiteIDs(text: String) throws {
        #expect(SiteID(rawValue: text)?.description == text)
        #expect(try SiteID(validating: text).rawValue == text)
    }

    @Test(arguments: ["", "St-Olav", "-site", ".site", "_site", "site one", "site/1", "sïte", "site:1",
                      String(repeating: "z", count: 64), "urn:fairuse:site:a"])
    func invalidSiteIDs(text: String) throws {
        #expect(SiteID(rawValue: text) == nil)
        let error = try #require(throws: IdentifierError.self) { try SiteID(validating: text) }
        #expect(error.description == "invalid site id; expected [a-z0-9][a-z0-9._-]{0,62}")
        // On the wire the same text is `invalid_shape`, naming the rule and never the value.
        let wire = WireError(error, field: "site")
        #expect(wire.code == .invalidShape && wire.field == "site")
        #expect(text.isEmpty || !wire.message.contains(text), "the message does not quote the value")
    }

    @Test func generatedIDsMatchTheirSyntax() throws {
        var seen: Set<AuditID> = []
        for _ in 0..<200 {
            let audit = AuditID.generate(), task = TaskID.generate()
            #expect(AuditID(rawValue: audit.rawValue) == audit)
            #expect(TaskID(rawValue: task.rawValue) == task)
            #expect(audit.rawValue.hasPrefix("aud_") && audit.rawValue.count == 24)
            #expect(task.rawValue.hasPrefix("tsk_") && task.rawValue.count == 24)
            seen.insert(audit)
        }
        #expect(seen.count == 200)
    }

    @Test func seededGenerationIsDeterministic() {
        struct Counter: RandomNumberGenerator {
            var state: UInt64 = 0
            mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state }
        }
        var a = Counter(), b = Counter()
        #expect(TaskID.generate(using: &a) == TaskID.generate(using: &b))
    }

    @Test(arguments: ["aud_7k2mq4zt3xw5bn6ra2c", "aud_7k2mq4zt3xw5bn6ra2cd1", "aud_7k2mq4zt3xw5bn6ra2c1",
                      "AUD_7k2mq4zt3xw5bn6ra2cd", "tsk_7k2mq4zt3xw5bn6ra2cd", "aud_7K2mq4zt3xw5bn6ra2cd"])
    func invalidAuditIDs(text: String) {
        #expect(AuditID(rawValue: text) == nil)
    }

    @Test func identifiersDecodeOnlyWhenValid() throws {
        let ok = try PayloadCodec.decodeJSON([TaskID].self, from: Data(#"["tsk_3vpe6yk2hq7ma4tn5wrs"]"#.utf8))
        #expect(ok == [Fixtures.task])
        let error = try #require(throws: WireError.self) {
            try PayloadCodec.decodeJSON([TaskID].self, from: Data(#"["tsk_3vpe6yk2hq7ma4tn5wrs","tsk_0"]"#.utf8))
        }
        #expect(error.code == .invalidShape)
        #expect(error.field == "[1]")
    }

    // MARK: Protocol version

    @Test func versionParsesAndPrints() throws {
        #expect(ProtocolVersion("3.0") == .current)
        #expect(ProtocolVersion("1.12")?.minor == 12)
        #expect(ProtocolVersion.current.description == "3.0")
        for bad in ["1", "1.", ".0", "1.0.0", "v1.0", "1.-1", "1.0 ", "", "1234567.0"] {
            #expect(ProtocolVersion(bad) == nil, "\(bad)")
        }
        #expect(ProtocolVersion(major: 3, minor: 1) > .current)
    }

    @Test func headerRuleRefusesOtherMajors() throws {
        #expect(WireHeader.protocolVersion == "Fairuse-Protocol")
        #expect(try ProtocolVersion.checkHeader("3.0") == .current)
        #expect(try ProtocolVersion.checkHeader(" 3.7 ") == ProtocolVersion(major: 3, minor: 7))
        for value in ["1.0", "2.1", "4.0", "0.9", "abc", nil] as [String?] {
            let error = try #require(throws: WireError.self) { try ProtocolVersion.checkHeader(value) }
            #expect(error.code == .unsupportedVersion)
            #expect(error.code.httpStatus == 400)
        }
    }

    @Test func helloOfMajorFourIsRefused() throws {
        let stored = try PayloadCodec.encodeJSON(Fixtures.vectors[0].message as! AgentHello)
        let original = String(decoding: stored, as: UTF8.self)
        let json = original.replacingOccurrences(of: #""protocol_version":"3.0""#, with: #""protocol_version":"4.0""#)
        let hello = try PayloadCodec.decodeJSON(AgentHello.self, from: Data(json.utf8))
        #expect(hello.protocolVersion.major == 4)
        let error = try #require(throws: WireError.self) {
            try PayloadValidator.validate(hello, authenticatedSite: Fixtures.site)
        }
        #expect(error.code == .unsupportedVersion)
        #expect(error.field == "protocol_version")

        // A newer minor is accepted.
        let minor = original.replacingOccurrences(of: #""protocol_version":"3.0""#, with: #""protocol_version":"3.4""#)
        try PayloadValidator.validate(try PayloadCodec.decodeJSON(AgentHello.self, from: Data(minor.utf8)),
                                      authenticatedSite: Fixtures.site)
    }

    @Test func helloFromAnotherSiteIsRefused() throws {
        let hello = AgentHello(agentVersion: "a", site: Fixtures.otherSite, policy: Fixtures.policy)
        let error = try #require(throws: WireError.self) {
            try PayloadValidator.validate(hello, authenticatedSite: Fixtures.site)
        }
        #expect(error.code == .siteMismatch)
        #expect(error.code.httpStatus == 403)
    }

    // MARK: Error codes

    static let table: [(String, Int)] = [
        ("unsupported_version", 400), ("malformed_payload", 400), ("decompression_failed", 400),
        ("payload_too_large", 413), ("non_finite_number", 422), ("inconsistent_counts", 422),
        ("invalid_shape", 422), ("unauthenticated", 401), ("forbidden", 403), ("unknown_site", 403),
        ("revoked_site", 403), ("site_mismatch", 403), ("not_found", 404), ("method_not_allowed", 405), ("conflict", 409),
        ("task_closed", 409), ("internal", 500),
    ]

    @Test func errorCodesHaveTheirStatus() {
        #expect(WireErrorCode.allKnown.map(\.name) == Self.table.map(\.0))
        for (code, (name, status)) in zip(WireErrorCode.allKnown, Self.table) {
            #expect(code.name == name)
            #expect(code.httpStatus == status, "\(name)")
            #expect(WireErrorCode(name: name) == code)
            #expect(code.isKnown)
        }
    }

    @Test func unknownErrorCodesSurviveDecoding() throws {
        let json = #"{"error":{"code":"quota_exceeded","message":"m"}}"#
        let body = try PayloadCodec.decodeJSON(ErrorBody.self, from: Data(json.utf8))
        #expect(body.error.code.name == "quota_exceeded")
        #expect(!body.error.code.isKnown)
        #expect(body.error.code.httpStatus == 500)
        #expect(body.error.field == nil)
        #expect(try PayloadCodec.encodeJSON(body) == Data(json.utf8))
    }

    // MARK: Operator requests

    @Test func launchRequestSiteRules() throws {
        let a = Fixtures.site, b = Fixtures.otherSite
        try LaunchAuditRequest(specYAML: "", sites: [a, b], minSites: 2, requiredSites: [b]).validate()
        let cases: [(LaunchAuditRequest, String)] = [
            (LaunchAuditRequest(specYAML: "", sites: []), "sites"),
            (LaunchAuditRequest(specYAML: "", sites: [a, b, a]), "sites[2]"),
            (LaunchAuditRequest(specYAML: "", sites: [a], minSites: 2), "min_sites"),
            (LaunchAuditRequest(specYAML: "", sites: [a], minSites: 0), "min_sites"),
            (LaunchAuditRequest(specYAML: "", sites: [a], requiredSites: [b]), "required_sites[0]"),
            (LaunchAuditRequest(specYAML: "", sites: [a, b], requiredSites: [a, a]), "required_sites[1]"),
        ]
        for (request, field) in cases {
            let error = try #require(throws: WireError.self) { try request.validate() }
            #expect(error.code == .invalidShape)
            #expect(error.field == field)
        }
    }

    @Test func registrationNeedsAHexFingerprint() throws {
        try SiteRegistration(site: Fixtures.site, certificateFingerprintSHA256: Fixtures.fingerprint).validate()
        for bad in ["", String(Fixtures.fingerprint.dropLast()), Fixtures.fingerprint.uppercased(),
                    "3F:1C" + Fixtures.fingerprint.dropFirst(5)] {
            #expect(throws: WireError.self) {
                try SiteRegistration(site: Fixtures.site, certificateFingerprintSHA256: bad).validate()
            }
        }
    }
}
