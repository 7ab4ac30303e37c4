import AuditPKI
import Foundation
import NIOCore
import NIOSSL
import Synchronization
import X509

/// The agent's check of the coordinator's TLS server certificate against the federation CA's revocation list.
///
/// AsyncHTTPClient verifies the chain and host name but does not expose the peer certificate to callers. It does
/// call a connection initializer with each new connection's channel after the TLS handshake and before the
/// connection serves any request (`http1_1ConnectionDebugInitializer`, `http2ConnectionDebugInitializer`); there
/// the channel's `NIOSSLHandler` holds the verified peer certificate (`nioSSL_peerCertificate()`). The check runs
/// there, on the very connection that would carry the requests, and a failed check closes it before a byte of
/// HTTP is sent. The serial it saw is kept, so a list adopted later (fetched from `GET /v1/crl`) is applied to
/// the coordinator already connected too, before the next request.
public final class CoordinatorRevocationCheck: Sendable {
    private struct State {
        var list: RevocationList?
        var peer: (serial: Certificate.SerialNumber, subject: String)?
        var warnedStale = false
    }

    let ca: Certificate
    /// Where the newest list is kept (the agent's `tls.crl`), if anywhere.
    public let path: String?
    /// Warn or refuse when the list is past nextUpdate.
    public let whenStale: RevocationList.StalePolicy
    let now: @Sendable () -> Date
    private let state: Mutex<State>

    /// A check trusting `ca`; loads the list at `path` when the file exists (a list that does not verify is an
    /// error naming the file).
    public init(ca: Certificate, path: String?, whenStale: RevocationList.StalePolicy,
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.ca = ca
        self.path = path
        self.whenStale = whenStale
        self.now = now
        var list: RevocationList?
        if let path, FileManager.default.fileExists(atPath: path) {
            list = try PKIStore.loadRevocationList(path: path, caCertificate: ca)
        }
        state = Mutex(State(list: list))
    }

    /// The list in force.
    public var list: RevocationList? { state.withLock { $0.list } }

    /// Adopts `pem` if it is a list signed by the federation CA and newer than the one in force (a replayed older
    /// list is ignored); keeps it at ``path``. Returns whether it was adopted; throws when it does not verify.
    @discardableResult
    public func adopt(pem: String) throws -> Bool {
        let candidate = try RevocationList(pem: pem, issuer: ca, path: "GET /v1/crl")
        let adopted = state.withLock { state -> Bool in
            if let current = state.list, candidate.thisUpdate <= current.thisUpdate { return false }
            state.list = candidate
            state.warnedStale = false
            return true
        }
        if adopted, let path { try PKIStore.saveRevocationList(candidate, to: path) }
        return adopted
    }

    /// Checks a connection's peer certificate and remembers its serial; the refusal, if any.
    func check(peerDER: [UInt8]) -> AgentError? {
        guard let certificate = try? Certificate(derEncoded: peerDER) else {
            return AgentError(code: .identityRefused, message: "the coordinator's certificate could not be read for the revocation check")
        }
        state.withLock { $0.peer = (certificate.serialNumber, String(describing: certificate.subject)) }
        return refusal()
    }

    /// Why the coordinator last connected to must not be talked to, if it must not: its certificate's serial is
    /// listed, or the list is stale and the policy is to refuse. A stale list under `warn` gives ``staleWarning()``.
    public func refusal() -> AgentError? {
        state.withLock { state -> AgentError? in
            guard let list = state.list else { return nil }
            if let peer = state.peer, list.isRevoked(serial: peer.serial) {
                return AgentError(code: .identityRefused, message: """
                    the coordinator's certificate \(peer.subject) (serial \(Self.hex(peer.serial))) is revoked by the \
                    federation CA's \(list.summary); refusing to talk to it. Ask the federation's operator for the \
                    coordinator's new certificate.
                    """)
            }
            if whenStale == .refuse, case .stale(let next) = list.freshness(at: now()) {
                return AgentError(code: .identityRefused, message: """
                    the federation CA's \(list.summary) is stale since \(next.formatted(.iso8601)) and tls.crl_when_stale \
                    is refuse; install a fresh list (fairuse pki crl) at \(path ?? "tls.crl")
                    """)
            }
            return nil
        }
    }

    /// A warning to log once per list when it is stale and the policy is `warn`.
    public func staleWarning() -> String? {
        state.withLock { state -> String? in
            guard whenStale == .warn, !state.warnedStale, let list = state.list,
                  case .stale(let next) = list.freshness(at: now()) else { return nil }
            state.warnedStale = true
            return "the federation CA's \(list.summary) is stale since \(next.formatted(.iso8601)); revocations after it are unknown"
        }
    }

    /// The connection initializer: checks the TLS peer of a new connection, closing it when refused.
    func initializer() -> @Sendable (Channel) -> EventLoopFuture<Void> {
        { [self] channel in
            channel.nioSSL_peerCertificate().flatMap { certificate -> EventLoopFuture<Void> in
                guard let der = try? certificate?.toDERBytes() else {
                    let error = AgentError(code: .identityRefused, message: "the coordinator presented no certificate")
                    return channel.close().flatMapThrowing { throw error }
                }
                if let refusal = self.check(peerDER: der) {
                    return channel.close().flatMapThrowing { throw refusal }
                }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
        }
    }

    static func hex(_ serial: Certificate.SerialNumber) -> String {
        serial.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
