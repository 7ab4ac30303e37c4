import Foundation

/// Bootstrap replicate weights shared by the audits of several models on the same held-out rows
/// (the three personalization techniques of one local audit, or of one site task): the draws of
/// a stratum depend only on (root seed, site, group, labels, B), so they are made once.
///
/// Invariant that makes `@unchecked Sendable` sound: `entries` is only read or written while
/// `lock` is held, and stored arrays are immutable values.
public final class ResampleCache: @unchecked Sendable {
    struct Key: Hashable {
        var site: String, group: String, labels: [UInt8], replicates: Int, rootSeed: UInt64
    }

    private var entries: [Key: [Int32]] = [:]
    private let lock = NSLock()

    /// An empty cache.
    public init() {}

    func weights(_ key: Key, make: () -> [Int32]) -> [Int32] {
        lock.lock()
        if let cached = entries[key] { lock.unlock(); return cached }
        lock.unlock()
        let made = make()
        lock.lock()
        entries[key] = made
        lock.unlock()
        return made
    }
}
