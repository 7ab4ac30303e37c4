import Foundation
import Synchronization
import X509

/// Client certificates already verified against one federation CA, so the requests of a
/// kept-alive agent do not verify the same chain again and again.
///
/// ``verifyClientChain(leafDER:caCertificate:at:)`` parses the leaf and checks two signatures on
/// every request (≈ 4 % of a busy coordinator's CPU under `fairuse benchmark load`). Its outcome for
/// the same DER bytes and CA depends on nothing but the time, and only through the validity periods
/// of the leaf and the CA: a remembered success is therefore reused only while `time` lies in both
/// periods, checked at every call. A failure is never remembered (its message comes from the full
/// verification every time), nor is anything outside the periods. Revocation (the CA's list, the
/// site registry) is not part of this and stays the caller's check on every request.
/// Bounded: past ``capacity`` certificates the cache starts over.
public final class VerifiedClientChains: Sendable {
    struct Entry: Sendable {
        let principal: Principal
        let validFrom: Date
        let validUntil: Date
    }

    /// The federation CA every chain is verified against.
    public let ca: Certificate
    /// Certificates kept at most.
    public let capacity: Int
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    /// An empty cache for chains to `ca`.
    public init(ca: Certificate, capacity: Int = 4096) {
        self.ca = ca
        self.capacity = capacity
    }

    /// The principal of `leafDER` at `time`: from a success remembered for these bytes while `time`
    /// is inside both validity periods, otherwise ``verifyClientChain(leafDER:caCertificate:at:)``.
    public func verify(leafDER: [UInt8], at time: Date) async -> Result<Principal, PKIError> {
        if let entry = entries.withLock({ $0[leafDER] }), entry.validFrom <= time, time <= entry.validUntil {
            return .success(entry.principal)
        }
        let result = await verifyClientChain(leafDER: leafDER, caCertificate: ca, at: time)
        if case .success(let principal) = result, let leaf = try? Certificate(derEncoded: leafDER) {
            let entry = Entry(principal: principal, validFrom: max(leaf.notValidBefore, ca.notValidBefore),
                              validUntil: min(leaf.notValidAfter, ca.notValidAfter))
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[leafDER] = entry
            }
        }
        return result
    }

    /// Certificates remembered now (for tests).
    public var count: Int { entries.withLock { $0.count } }
}
