import Foundation
import SwiftASN1
// The fixed-time RFC 5280 policy is SPI in swift-certificates 1.21 (`RFC5280Policy(fixedExpiryValidationTime:)`);
// it lets the caller choose the verification time (tests, audits of past connections) instead of the wall clock.
@_spi(FixedExpiryValidationTime) import X509

/// Verifies a TLS client certificate against the federation CA and returns the principal it authenticates.
///
/// In order: the certificate decodes; it names the CA as issuer and its signature verifies with the CA key
/// (``PKIError/Code/untrustedIssuer``); it and the CA are valid at `time` (``PKIError/Code/expired``,
/// ``PKIError/Code/notYetValid``); it is an end-entity certificate with extendedKeyUsage clientAuth
/// (``PKIError/Code/wrongKeyUsage``); swift-certificates' `Verifier` with `RFC5280Policy` at `time` accepts the
/// chain leaf → CA; finally its single `urn:fairuse:` SAN URI is parsed (``Principal/init(certificate:)``).
/// The SAN is never read from a certificate whose chain has not been checked.
///
/// The caller still checks ``Fingerprint/sha256(ofDER:)`` of `leafDER` against the site registry: a
/// certificate that verifies here is authentic, not necessarily still registered.
public func verifyClientChain(
    leafDER: [UInt8],
    caCertificate: Certificate,
    at time: Date = Date()
) async -> Result<Principal, PKIError> {
    do {
        let leaf = try await ChainVerification.verifiedLeaf(der: leafDER, ca: caCertificate, purpose: .clientAuth, at: time)
        return .success(try Principal(certificate: leaf))
    } catch {
        return .failure(error)
    }
}

/// Verifies the coordinator's TLS server certificate against the federation CA (same checks as
/// ``verifyClientChain(leafDER:caCertificate:at:)`` with extendedKeyUsage serverAuth, and no principal).
///
/// Host name matching is left to the TLS stack (swift-nio-ssl checks the SAN against the host it dialled).
public func verifyServerChain(
    leafDER: [UInt8],
    caCertificate: Certificate,
    at time: Date = Date()
) async -> Result<Certificate, PKIError> {
    do {
        return .success(try await ChainVerification.verifiedLeaf(der: leafDER, ca: caCertificate, purpose: .serverAuth, at: time))
    } catch {
        return .failure(error)
    }
}

/// The chain checks shared by client and server verification.
enum ChainVerification {
    static func verifiedLeaf(
        der: [UInt8],
        ca: Certificate,
        purpose: ExtendedKeyUsage.Usage,
        at time: Date
    ) async throws(PKIError) -> Certificate {
        let leaf = try CertificateCoding.certificate(der: der)
        let subject = CertificateCoding.describe(leaf)
        let authority = "the federation CA \(Identifier.quoted(String(describing: ca.subject)))"

        guard leaf.issuer == ca.subject, ca.publicKey.isValidSignature(leaf.signature, for: leaf) else {
            let found = leaf.issuer == ca.subject
                ? "a signature that does not verify with the CA key"
                : "one issued by \(Identifier.quoted(String(describing: leaf.issuer)))"
            throw PKIError(code: .untrustedIssuer, message: "expected \(subject) to be issued by \(authority), found \(found)")
        }
        try checkValidity(of: leaf, named: subject, at: time)
        try checkValidity(of: ca, named: authority, at: time)
        try CertificateCoding.requireEndEntity(leaf, purpose: purpose)

        var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            EndEntityUsagePolicy(purpose: purpose)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
        guard case .validCertificate = result else {
            var reasons: [String] = []
            if case .couldNotValidate(let failures) = result {
                reasons = failures.map { $0.policyFailureReason.description }
            }
            throw PKIError(
                code: .untrustedIssuer,
                message: "expected a chain from \(subject) to \(authority) that meets RFC 5280, found "
                    + (reasons.isEmpty ? "no acceptable chain" : reasons.joined(separator: "; "))
            )
        }
        return leaf
    }

    /// Throws ``PKIError/Code/notYetValid`` or ``PKIError/Code/expired`` when `time` is outside the certificate's validity.
    static func checkValidity(of certificate: Certificate, named name: String, at time: Date) throws(PKIError) {
        let period = CertificateValidity(notValidBefore: certificate.notValidBefore, notValidAfter: certificate.notValidAfter)
        if time < period.notValidBefore {
            throw PKIError(
                code: .notYetValid,
                message: "expected \(name) to be valid at \(CertificateValidity.iso8601(time)), found it valid only from "
                    + CertificateValidity.iso8601(period.notValidBefore)
            )
        }
        if time > period.notValidAfter {
            throw PKIError(
                code: .expired,
                message: "expected \(name) to be valid at \(CertificateValidity.iso8601(time)), found it expired at "
                    + CertificateValidity.iso8601(period.notValidAfter)
            )
        }
    }
}

/// A `VerifierPolicy` requiring the leaf to be an end-entity certificate for `purpose` (extendedKeyUsage).
///
/// swift-certificates 1.21 has no extended-key-usage policy of its own; this one also declares the
/// extendedKeyUsage extension as understood, so that a leaf marking it critical is not rejected as unhandled.
struct EndEntityUsagePolicy: VerifierPolicy, Sendable {
    let purpose: ExtendedKeyUsage.Usage

    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        do {
            try CertificateCoding.requireEndEntity(chain.leaf, purpose: purpose)
            return .meetsPolicy
        } catch {
            let message = error.message
            return .failsToMeetPolicy(reason: "EndEntityUsagePolicy: \(message)")
        }
    }
}
