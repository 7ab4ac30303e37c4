import AuditPKI
import Foundation
import Logging
import Synchronization
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The coordinator's copy of the federation CA's revocation list (`tls.crl`), re-read when the file changes.
///
/// Every request looks at the file's identity (inode, size, modification time; one `stat`), so a new list
/// copied or renamed into place is in force from the next request on every replica sharing the file, without
/// a restart. A replacement that is not a list signed by the CA, or is older than the one in force (a rollback),
/// is refused and logged, and the list in force stays. At start-up the list must verify, or the coordinator
/// does not start.
final class RevocationListFile: Sendable {
    private struct Loaded {
        var list: RevocationList
        var identity: [Int64]
        var refusedIdentity: [Int64]?
        var warnedStale = false
    }

    let path: String
    let ca: Certificate
    let whenStale: RevocationList.StalePolicy
    let logger: Logger
    private let state: Mutex<Loaded>

    /// Loads and verifies the list at `path`; throws a ``PKIError`` naming the file otherwise.
    init(path: String, ca: Certificate, whenStale: RevocationList.StalePolicy, logger: Logger) throws {
        self.path = path
        self.ca = ca
        self.whenStale = whenStale
        self.logger = logger
        let identity = Self.identity(of: path)
        let list = try PKIStore.loadRevocationList(path: path, caCertificate: ca)
        state = Mutex(Loaded(list: list, identity: identity))
        logger.info("revocation list loaded", metadata: ["file": "\(path)", "list": "\(list.summary)"])
    }

    /// The list in force, after re-reading the file if it changed.
    func current() -> RevocationList {
        let identity = Self.identity(of: path)
        return state.withLock { loaded -> RevocationList in
            guard identity != loaded.identity, identity != loaded.refusedIdentity else { return loaded.list }
            do {
                let candidate = try PKIStore.loadRevocationList(path: path, caCertificate: ca)
                guard candidate.thisUpdate >= loaded.list.thisUpdate else {
                    throw PKIError(code: .invalidRevocationList,
                                   message: "expected a list at least as new as the one in force (\(loaded.list.summary)), found \(candidate.summary)",
                                   path: path)
                }
                loaded.list = candidate
                loaded.identity = identity
                loaded.refusedIdentity = nil
                loaded.warnedStale = false
                logger.notice("revocation list reloaded", metadata: ["file": "\(path)", "list": "\(candidate.summary)"])
            } catch {
                loaded.refusedIdentity = identity
                logger.error("revocation list refused; the previous one stays in force", metadata: [
                    "file": "\(path)", "error": "\(error)", "in_force": "\(loaded.list.summary)"])
            }
            return loaded.list
        }
    }

    /// Throws when the list in force is stale and the policy is to refuse; logs once per list when it is to warn.
    func checkFreshness(at time: Date) throws {
        let list = current()
        guard case .stale(let next) = list.freshness(at: time) else { return }
        let message = "the federation CA's \(list.summary) at \(path) is stale since \(CertificateValidity.iso8601(next))"
        switch whenStale {
        case .refuse:
            logger.error("refusing requests: stale revocation list", metadata: ["file": "\(path)", "next_update": "\(CertificateValidity.iso8601(next))"])
            throw APIError(.internal, "the coordinator's revocation list is stale; the operator must publish a fresh one")
        case .warn:
            let first = state.withLock { loaded -> Bool in
                defer { loaded.warnedStale = true }
                return !loaded.warnedStale
            }
            if first { logger.warning("\(message); publish a fresh one with `fairuse pki crl`") }
        }
    }

    /// Inode, size and modification time (nanoseconds): changes whenever the file is replaced or rewritten.
    static func identity(of path: String) -> [Int64] {
        var status = stat()
        guard stat(path, &status) == 0 else { return [] }
        return [Int64(status.st_ino), Int64(status.st_size), Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec)]
    }
}
