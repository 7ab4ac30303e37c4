import AuditCore
import Crypto
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CertificateAuthority {
    /// Issues the coordinator's TLS server certificate: extendedKeyUsage serverAuth, SAN DNS names and IP addresses.
    ///
    /// At least one name is required. DNS names are lowercased and must be plain host names (no wildcards);
    /// IP addresses are IPv4 dotted quads or IPv6 text.
    public func issueCoordinator(
        dnsNames: [String],
        ipAddresses: [String] = [],
        validity: CertificateValidity = .leafDefault
    ) throws(PKIError) -> IssuedCertificate {
        var names: [GeneralName] = []
        for dnsName in dnsNames { names.append(.dnsName(try Self.checkedDNSName(dnsName))) }
        for address in ipAddresses { names.append(.ipAddress(ASN1OctetString(contentBytes: try Self.ipBytes(address)[...]))) }
        guard !names.isEmpty else {
            throw PKIError(code: .invalidName, message: "expected at least one DNS name or IP address for the coordinator, found none")
        }
        return try issue(
            role: .coordinator,
            commonName: "fairuse coordinator",
            usage: .serverAuth,
            alternativeNames: names,
            validity: validity
        )
    }

    /// Issues a site agent's client certificate: extendedKeyUsage clientAuth, SAN URI `urn:fairuse:site:<id>`.
    public func issueSite(_ site: SiteID, validity: CertificateValidity = .leafDefault) throws(PKIError) -> IssuedCertificate {
        let profile = ClientProfile(principal: .site(site))
        return try issue(role: profile.role, commonName: profile.commonName, usage: .clientAuth,
                         alternativeNames: [profile.alternativeName], validity: validity)
    }

    /// Issues an operator's client certificate: extendedKeyUsage clientAuth, SAN URI `urn:fairuse:operator:<name>`.
    public func issueOperator(name: OperatorName, validity: CertificateValidity = .leafDefault) throws(PKIError) -> IssuedCertificate {
        let profile = ClientProfile(principal: .operator(name))
        return try issue(role: profile.role, commonName: profile.commonName, usage: .clientAuth,
                         alternativeNames: [profile.alternativeName], validity: validity)
    }

    /// Signs a checked certificate request (``CertificateRequest``) with the same profile as ``issueSite(_:validity:)``
    /// or ``issueOperator(name:validity:)``: the certificate differs from an issued one only in that the CA never
    /// saw the private key.
    public func sign(_ request: CertificateRequest, validity: CertificateValidity = .leafDefault) throws(PKIError) -> Certificate {
        let profile = ClientProfile(principal: request.principal)
        return try certify(publicKey: request.publicKey, role: profile.role, commonName: profile.commonName,
                           usage: .clientAuth, alternativeNames: [profile.alternativeName], validity: validity)
    }

    /// Issues a leaf: fresh P-256 key, random 20-byte serial, basicConstraints CA:false, keyUsage digitalSignature +
    /// keyAgreement, one extended key usage, subject and authority key identifiers, and the given SAN.
    func issue(
        role: CertificateRole,
        commonName: String,
        usage: ExtendedKeyUsage.Usage,
        alternativeNames: [GeneralName],
        validity: CertificateValidity
    ) throws(PKIError) -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let certificate = try certify(
            publicKey: Certificate.PublicKey(key.publicKey), role: role, commonName: commonName, usage: usage,
            alternativeNames: alternativeNames, validity: validity)
        return IssuedCertificate(role: role, certificate: certificate, key: key)
    }

    /// Signs a leaf for a public key made elsewhere (a site's or operator's own key, from its request) with the
    /// profile of ``issue(role:commonName:usage:alternativeNames:validity:)``: the two differ only in who holds the key.
    func certify(
        publicKey: Certificate.PublicKey,
        role: CertificateRole,
        commonName: String,
        usage: ExtendedKeyUsage.Usage,
        alternativeNames: [GeneralName],
        validity: CertificateValidity
    ) throws(PKIError) -> Certificate {
        let period = validity.truncatedToSeconds
        try period.check(within: self.validity, subject: "the \(role) certificate")
        let subject = try Self.distinguishedName(commonName: commonName, organization: nil)
        let certificate: Certificate
        do {
            let authorityKeyID = try authorityKeyIdentifierBytes()
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
                try ExtendedKeyUsage([usage])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                SubjectAlternativeNames(alternativeNames)
            }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Self.randomSerialNumber(),
                publicKey: publicKey,
                notValidBefore: period.notValidBefore,
                notValidAfter: period.notValidAfter,
                issuer: self.certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(signingKey)
            )
        } catch {
            throw PKIError(code: .encodingFailed, message: "could not encode or sign the \(role) certificate: \(error)")
        }
        return certificate
    }

    /// The CA's subjectKeyIdentifier, or the RFC 5280 SHA-1 key hash when a loaded CA certificate lacks one.
    private func authorityKeyIdentifierBytes() throws -> ArraySlice<UInt8> {
        if let identifier = try certificate.extensions.subjectKeyIdentifier {
            return identifier.keyIdentifier
        }
        return SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    /// A lowercased host name of letters, digits and hyphens in dot-separated labels of 1 to 63 characters.
    static func checkedDNSName(_ name: String) throws(PKIError) -> String {
        let lowered = name.lowercased()
        let labels = lowered.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !lowered.isEmpty && lowered.utf8.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                }
        }
        guard valid else {
            throw PKIError(
                code: .invalidName,
                message: "expected a DNS host name (letters, digits, hyphens, dots; no wildcards), found \(Identifier.quoted(name))"
            )
        }
        return lowered
    }

    /// The 4 (IPv4) or 16 (IPv6) network-order bytes of an IP address in text form.
    static func ipBytes(_ text: String) throws(PKIError) -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        throw PKIError(code: .invalidName, message: "expected an IPv4 or IPv6 address, found \(Identifier.quoted(text))")
    }
}
