import AuditCore
import AuditPKI
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

/// Shared fixtures: a CA whose validity started 30 days ago (so that certificates "in the past" fit inside it),
/// hand-built certificates for malformed cases, and temporary directories.
enum Fixture {
    static let day: TimeInterval = 86_400

    /// A fresh CA valid from 30 days ago for five years.
    static func authority(commonName: String = CertificateAuthority.defaultCommonName) throws -> CertificateAuthority {
        try CertificateAuthority.create(
            commonName: commonName,
            validity: .days(CertificateValidity.defaultAuthorityDays, from: Date().addingTimeInterval(-30 * day))
        )
    }

    static func site(_ id: String) throws -> SiteID { try SiteID(certificateName: id) }

    static func operatorName(_ name: String) throws -> OperatorName { try OperatorName(certificateName: name) }

    /// A leaf signed by `authority` with arbitrary SANs, extended key usages and CA flag, built directly with
    /// swift-certificates (the CA key is read back from its public PEM form), for cases the issuer refuses to make.
    static func craftedLeaf(
        signedBy authority: CertificateAuthority,
        names: [GeneralName],
        usages: [ExtendedKeyUsage.Usage] = [.clientAuth],
        isAuthority: Bool = false
    ) throws -> Certificate {
        let issuerKey = try Certificate.PrivateKey(pemEncoded: authority.privateKeyPEM)
        let leafKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let now = Date()
        let extensions = try Certificate.Extensions {
            Critical(isAuthority ? BasicConstraints.isCertificateAuthority(maxPathLength: 0) : .notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage(usages)
            SubjectAlternativeNames(names)
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: leafKey.publicKey,
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: now.addingTimeInterval(day),
            issuer: authority.certificate.subject,
            subject: try DistinguishedName { CommonName("crafted") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: issuerKey
        )
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// Runs `body` with a new empty directory path (which does not exist yet) under the system temporary
    /// directory, and removes it afterwards.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("auditpki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try body((root as NSString).appendingPathComponent("pki"))
    }
}

/// The error code of a failed result, `nil` on success.
func failureCode<Success>(_ result: Result<Success, PKIError>) -> PKIError.Code? {
    if case .failure(let error) = result { return error.code }
    return nil
}
