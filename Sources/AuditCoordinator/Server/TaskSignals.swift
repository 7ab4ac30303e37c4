import AuditCore
import Foundation

/// Wakes long-polling agents when work appears for their site (the `notify(.tasksAvailable)`
/// action), so an agent learns of a new task at once instead of at its next poll.
actor TaskSignals {
    private var generations: [SiteID: Int] = [:]
    private var waiters: [SiteID: [UUID: CheckedContinuation<Void, Never>]] = [:]

    /// The site's current generation; a waiter returns as soon as it changes.
    func generation(of site: SiteID) -> Int { generations[site, default: 0] }

    /// Wakes every waiter of these sites.
    func notify(_ sites: [SiteID]) {
        for site in sites {
            generations[site, default: 0] += 1
            for (_, waiter) in waiters.removeValue(forKey: site) ?? [:] { waiter.resume() }
        }
    }

    /// Wakes every waiter of every site: after the link to the other replicas was down, when
    /// wake-ups may have been missed, so each waiting long-poll re-reads the store.
    func notifyAll() {
        notify(Array(waiters.keys))
    }

    /// Returns when the site's generation differs from `seen`, or after `timeout`, or on cancellation.
    func wait(site: SiteID, seen: Int, timeout: Duration) async {
        if generation(of: site) != seen { return }
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.suspend(site: site, id: id) }
            await group.next()
            group.cancelAll()
            self.cancel(site: site, id: id)
        }
    }

    /// Parks until notified or until `wait` cancels it. Actor isolation orders this against
    /// `cancel`: if the group was already cancelled when this runs, it returns at once.
    private func suspend(site: SiteID, id: UUID) async {
        await withCheckedContinuation { continuation in
            if Task.isCancelled { continuation.resume(); return }
            waiters[site, default: [:]][id] = continuation
        }
    }

    private func cancel(site: SiteID, id: UUID) {
        waiters[site]?.removeValue(forKey: id)?.resume()
    }
}
