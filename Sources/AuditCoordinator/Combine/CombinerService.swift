import AuditCore
import AuditWire
import Foundation
import ServiceLifecycle

/// Combines audits whose sites are all in (or whose deadline passed with enough sites), one at a time.
///
/// Each combine is first claimed in the store with a lease (``Store/claimCombine(_:holder:at:lease:)``)
/// and the lease is renewed every third of it while the statistics are pooled, so of several
/// replicas one combines; if this process dies the lease lapses and the sweep of a live replica
/// takes the combine over (``DeadlineService``). The result is written in one transaction that
/// applies `combineSucceeded`, which the state machine accepts once: a second combiner that finishes
/// late finds the audit final and stores nothing.
struct CombinerService: Service {
    let coordinator: Coordinator

    func run() async throws {
        for applied in try await coordinator.lifecycle.resume(at: coordinator.clock.now()) { await coordinator.dispatch(applied) }
        await withGracefulShutdownHandler {
            for await auditID in coordinator.combineQueue.cancelOnGracefulShutdown() {
                coordinator.dequeuedCombine(auditID)
                await combine(auditID)
            }
        } onGracefulShutdown: {
            coordinator.combineRequests.finish()
        }
    }

    /// Claims, combines and stores the result of `auditID`; does nothing when another replica holds
    /// a live claim or the audit is no longer combining.
    func combine(_ auditID: AuditID) async {
        let logger = coordinator.logger
        let claim: CombineClaim
        do {
            guard let granted = try await coordinator.store.claimCombine(auditID, holder: coordinator.replica, at: coordinator.clock.now(),
                                                                          lease: coordinator.combineLease) else {
                logger.debug("combine not claimed: another replica holds it, or the audit is no longer combining", metadata: ["audit": "\(auditID)"])
                return
            }
            claim = granted
        } catch {
            logger.error("claiming the combine failed; the sweep retries", metadata: ["audit": "\(auditID)", "error": "\(error)"])
            return
        }
        if claim.attempts > 1 {
            logger.warning("taking over a combine whose replica stopped renewing its claim",
                           metadata: ["audit": "\(auditID)", "attempt": "\(claim.attempts)"])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await heartbeat(auditID) }
            await combineClaimed(auditID)
            group.cancelAll()
        }
    }

    /// Renews the claim every third of the lease until cancelled; logs once if the claim was lost.
    func heartbeat(_ auditID: AuditID) async {
        let lease = coordinator.combineLease
        while !Task.isCancelled {
            do { try await Task.sleep(for: lease / 3) } catch { return }
            let renewed = try? await coordinator.store.renewCombineClaim(auditID, holder: coordinator.replica, at: coordinator.clock.now(),
                                                                          lease: lease)
            if renewed == false {
                coordinator.logger.warning("lost the combine claim (lease lapsed); the first combiner to finish stores the result",
                                           metadata: ["audit": "\(auditID)"])
                return
            }
        }
    }

    func combineClaimed(_ auditID: AuditID) async {
        let start = ContinuousClock.now
        do {
            guard let audit = try await coordinator.store.audit(id: auditID) else { return }
            let machine = try await coordinator.lifecycle.machine(for: auditID)
            guard let outcome = machine.combiningOutcome else { return }
            let report = try AuditCombiner.combine(
                audit: audit, outcome: outcome, tasks: try await coordinator.store.tasks(of: auditID),
                submissions: try await coordinator.store.submissions(of: auditID),
                limits: PayloadLimits(maxCompressedBytes: coordinator.configuration.maxCompressedBytes,
                                      maxDecompressedBytes: coordinator.configuration.maxDecompressedBytes))
            let json = String(decoding: try report.jsonData(), as: UTF8.self)
            await coordinator.dispatch(try await coordinator.store.storeResult(auditID: auditID, resultJSON: json, at: coordinator.clock.now()))
            coordinator.metrics.combined(duration: ContinuousClock.now - start, succeeded: true)
        } catch {
            if await finishedElsewhere(auditID) {
                coordinator.logger.info("another replica stored this audit's result first; nothing stored here", metadata: ["audit": "\(auditID)"])
                return
            }
            coordinator.metrics.combined(duration: ContinuousClock.now - start, succeeded: false)
            coordinator.logger.error("combining failed", metadata: ["audit": "\(auditID)", "error": "\(error)"])
            if let applied = try? await coordinator.lifecycle.apply(.combineFailed(reason: "\(error)"), to: auditID, at: coordinator.clock.now()) {
                await coordinator.dispatch(applied)
            }
        }
    }

    /// Whether the audit left `combining` while this replica was combining it (another replica, whose
    /// claim this one had taken over or lost, stored the result; or an operator cancelled it).
    func finishedElsewhere(_ auditID: AuditID) async -> Bool {
        guard let audit = try? await coordinator.store.audit(id: auditID) else { return false }
        return audit.state != .combining
    }
}
