import Crypto
import Foundation

/// The secret that keys the egress ledger's hash chain: 32 random bytes, hex, in the agent's state
/// folder with mode 0600, created once and never replaced.
///
/// Why a key and not a signature with the site's TLS key: the certificate and its key rotate
/// (protocol §3) and may live on a token, while the ledger must verify for its whole life with one
/// secret the agent can always read; an HMAC is also cheap enough to compute on every entry. What
/// the key buys: someone who can edit the ledger file but not read the state folder cannot
/// recompute the chain. Against someone who holds the key (the site's own administrator), the
/// coordinator's record of the ledger head is the proof (`fairuse agent ledger verify`).
public struct LedgerKey: Sendable {
    /// The key file.
    public let path: String
    let key: SymmetricKey

    /// Reads the key at `path`; when the file is absent and `create` is true, creates it (0600,
    /// exclusively, so two processes cannot both create one).
    public init(path: String, create: Bool) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard create else { throw LedgerError(file: path, message: "the ledger key is missing; the ledger cannot be verified or extended without it") }
            let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 {
                let text = Data((bytes.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
                let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                let synced = fsync(fd) == 0
                close(fd)
                guard written == text.count, synced else {
                    throw LedgerError(file: path, message: "the ledger key could not be written (\(String(cString: strerror(errno))))")
                }
            } else if errno != EEXIST {
                throw LedgerError(file: path, message: "the ledger key could not be created (\(String(cString: strerror(errno))))")
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LedgerError(file: path, message: "the ledger key cannot be read")
        }
        let hex = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard hex.count == 64, let bytes = Self.bytes(hex) else {
            throw LedgerError(file: path, message: "expected 64 hex digits (a 256-bit key)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// HMAC-SHA256 of `text` (lowercase hex).
    func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(_ hex: [UInt8]) -> Data? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = Data()
        for i in stride(from: 0, to: hex.count, by: 2) {
            guard let high = nibble(hex[i]), let low = nibble(hex[i + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }
}

/// A ledger that cannot be opened, written or read, naming the file and what is wrong.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file concerned (the ledger, its key or its head mark).
    public var file: String
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// "FILE: message".
    public var description: String { "\(file): \(message)" }
}
