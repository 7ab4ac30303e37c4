import Foundation
import X509

/// The CA machine's revocations: `revoked.txt` (one `<serial hex> <revoked at, ISO 8601> <what>` line per
/// certificate, appended by `fairuse pki revoke`) and `crl.pem`, the signed list `fairuse pki crl` publishes.
extension PKIStore {
    /// The revocation register's file name.
    public static let revocationsFileName = "revoked.txt"
    /// The published revocation list's file name.
    public static let revocationListFileName = "crl.pem"

    /// `<directory>/revoked.txt`.
    public var revocationsPath: String { (directory as NSString).appendingPathComponent(Self.revocationsFileName) }
    /// `<directory>/crl.pem`.
    public var revocationListPath: String { (directory as NSString).appendingPathComponent(Self.revocationListFileName) }

    /// Every revocation recorded, in the order recorded; none when the register does not exist yet.
    /// A malformed line is ``PKIError/Code/unreadable`` naming the file and line.
    public func revocations() throws -> [Revocation] {
        guard SecureFile.exists(revocationsPath) else { return [] }
        let text = try SecureFile.readText(revocationsPath)
        var result: [Revocation] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let serial = Self.bytes(hex: String(fields[0])), !serial.isEmpty,
                  let date = try? Date(String(fields[1]), strategy: .iso8601) else {
                throw PKIError(code: .unreadable, message: "line \(index + 1): expected \"<serial hex> <ISO 8601 date> <note>\"",
                               path: revocationsPath)
            }
            result.append(Revocation(serial: serial, revokedAt: date))
        }
        return result
    }

    /// Records that the certificate with `serial` is revoked (`note` says which, e.g. its subject); returns false,
    /// changing nothing, when it already is. The list takes effect when `fairuse pki crl` publishes it.
    @discardableResult
    public func recordRevocation(serial: [UInt8], note: String, at time: Date = Date()) throws -> Bool {
        let serial = Array(serial.drop { $0 == 0 })
        guard !serial.isEmpty else { throw PKIError(code: .invalidIdentifier, message: "expected a non-zero serial number") }
        let existing = try revocations()
        if existing.contains(where: { Array($0.serial.drop { $0 == 0 }) == serial }) { return false }
        let previous = SecureFile.exists(revocationsPath) ? try SecureFile.readText(revocationsPath) : ""
        let safeNote = String(note.unicodeScalars.filter { (0x20...0x7e).contains($0.value) }.map(Character.init).prefix(120))
        let line = "\(Revocation(serial: serial, revokedAt: time).serialHex) \(CertificateValidity.iso8601(time)) \(safeNote)\n"
        try SecureFile.ensureDirectory(directory)
        try SecureFile.write(Array((previous + line).utf8), to: revocationsPath, mode: Self.certificateMode, overwrite: true)
        return true
    }

    /// Signs and writes `crl.pem`: every recorded revocation, valid for `days` days from `time`, numbered one
    /// above the list it replaces. Needs the CA key.
    public func publishRevocationList(days: Int, at time: Date = Date()) throws -> RevocationList {
        let authority = try loadAuthority()
        let previous = try? loadRevocationList(caCertificate: authority.certificate)
        let number = UInt64(max(previous?.number ?? 0, 0)) + 1
        let thisUpdate = time.addingTimeInterval(-CertificateValidity.clockSkewAllowance)
        let list = try RevocationList.create(
            by: authority, revoking: try revocations(), thisUpdate: thisUpdate,
            nextUpdate: time.addingTimeInterval(TimeInterval(days) * 86_400), number: number)
        try SecureFile.write(Array(list.pem.utf8), to: revocationListPath, mode: Self.certificateMode, overwrite: true)
        return list
    }

    /// Reads and verifies `crl.pem`.
    public func loadRevocationList(caCertificate: Certificate) throws -> RevocationList {
        try RevocationList(pem: SecureFile.readText(revocationListPath), issuer: caCertificate, path: revocationListPath)
    }

    /// Reads and verifies a revocation list file anywhere (the coordinator's and agents' `tls.crl`).
    public static func loadRevocationList(path: String, caCertificate: Certificate) throws -> RevocationList {
        try RevocationList(pem: SecureFile.readText(path), issuer: caCertificate, path: path)
    }

    /// Writes a revocation list file atomically (an agent keeping the newest list it fetched).
    public static func saveRevocationList(_ list: RevocationList, to path: String) throws {
        try SecureFile.write(Array(list.pem.utf8), to: path, mode: certificateMode, overwrite: true)
    }

    /// Reads a certificate file anywhere, naming the file when it is not a PEM certificate.
    public static func loadCertificate(path: String) throws -> Certificate {
        try CertificateCoding.certificate(pem: SecureFile.readText(path), path: path)
    }

    /// Hex digits (optionally colon-separated, any case) as bytes; nil for anything else.
    public static func bytes(hex text: String) -> [UInt8]? {
        let digits = Array(text.filter { $0 != ":" }.lowercased().utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
