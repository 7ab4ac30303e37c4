import AuditCore
import Foundation

/// The result of applying one event to a stored audit: the machine as persisted and the actions for the caller.
public struct AppliedTransition: Sendable, Hashable {
    /// The audit the event was applied to.
    public var auditID: AuditID
    /// The audit's machine after the event, as now stored.
    public var machine: AuditStateMachine
    /// What the caller must still do (`startCombining`, `notify`, …); `recordEvent` rows are already written.
    public var actions: [AuditStateMachine.Action]

    /// The audit's state after the event.
    public var state: AuditState { machine.state }

    /// Creates a result.
    public init(auditID: AuditID, machine: AuditStateMachine, actions: [AuditStateMachine.Action]) {
        self.auditID = auditID
        self.machine = machine
        self.actions = actions
    }
}

/// Glue between ``Store`` and ``AuditStateMachine``: load an audit, apply one event, persist the result.
///
/// Each ``apply(_:to:at:)`` runs in ONE write transaction: it reads the audit and its tasks, applies the
/// event, and writes the audit row, the changed task rows and one `event` row per `recordEvent` action —
/// or, when the machine rejects the event, writes nothing and throws ``StoreError`` with code
/// `illegalTransition`. Because the state is re-read inside the transaction, concurrent callers never
/// overwrite each other's transitions. An event that changes nothing (e.g. a re-delivery) writes nothing.
public struct AuditLifecycle: Sendable {
    /// The store the audits live in.
    public let store: Store

    /// Creates a lifecycle over `store`.
    public init(store: Store) {
        self.store = store
    }

    /// Launches an audit: the audit row, one queued task per site and the launch events, in one transaction.
    @discardableResult
    public func launch(_ audit: NewAudit, at time: Date) async throws -> AppliedTransition {
        try await store.createAudit(audit, at: time)
    }

    /// Applies `event` to the stored audit `auditID` at `time`, persists the result, and returns the actions.
    @discardableResult
    public func apply(_ event: AuditStateMachine.Event, to auditID: AuditID, at time: Date) async throws
        -> AppliedTransition {
        try await store.write("applying an event to audit \(auditID)") { tx in
            try Self.apply(event, auditID: auditID, at: time, in: tx)
        }
    }

    /// The stored audit's machine (its current round's tasks).
    public func machine(for auditID: AuditID) async throws -> AuditStateMachine {
        try await store.read("loading audit \(auditID)") { tx in try Self.load(auditID, lock: false, in: tx).machine }
    }

    /// After a restart: for every open audit, re-issue `startCombining` if it was combining, and expire it if its
    /// deadline is at or before `time`. Returns only audits with actions; schedule the rest from ``Store/openAudits()``.
    public func resume(at time: Date) async throws -> [AppliedTransition] {
        var results: [AppliedTransition] = []
        for audit in try await store.openAudits() {
            if audit.state == .combining {
                let machine = try await machine(for: audit.id)
                let actions = machine.resumeActions()
                results.append(AppliedTransition(auditID: audit.id, machine: machine, actions: actions))
            } else if audit.deadline <= time {
                let applied = try await apply(.deadlinePassed(at: time), to: audit.id, at: time)
                if !applied.actions.isEmpty { results.append(applied) }
            }
        }
        return results
    }

    // MARK: - Inside a transaction

    /// An audit as loaded for one event.
    struct Loaded {
        var audit: AuditRecord
        /// The current round's task of each site.
        var taskIDs: [SiteID: TaskID]
        var machine: AuditStateMachine
    }

    /// Locks the audit's row until the transaction ends (PostgreSQL; SQLite's single writer needs no
    /// lock), so writers of one audit on different coordinator replicas take turns; `notFound` if absent.
    static func lock(_ auditID: AuditID, in tx: any StoreTransaction) throws {
        guard tx.dialect == .postgres else { return }
        guard try tx.exists("SELECT id FROM audit WHERE id = ? FOR UPDATE", [auditID]) else {
            throw StoreError.notFound("audit \(auditID) not found")
        }
    }

    /// Reads the audit and its current round's tasks and rebuilds the machine; with `lock` (every
    /// write), the audit row stays locked until the transaction ends (see ``lock(_:in:)``).
    static func load(_ auditID: AuditID, lock: Bool, in tx: any StoreTransaction) throws -> Loaded {
        guard let audit = try AuditRecord.fetch(tx, id: auditID, lock: lock) else {
            throw StoreError.notFound("audit \(auditID) not found")
        }
        // Only what the machine needs: every event of an audit of N sites reads its N tasks, so the
        // read stays narrow (no times, no progress text); at 200 sites the full rows were most of
        // the single SQLite writer's time during a launch (`fairuse benchmark load`, perf).
        var taskIDs: [SiteID: TaskID] = [:]
        var tasks: [AuditStateMachine.SiteTask] = []
        for row in try tx.fetchAll("""
            SELECT id, site_id, state, detail FROM site_task
            WHERE audit_id = ? AND round = (SELECT MAX(round) FROM site_task WHERE audit_id = ?)
            ORDER BY rowid
            """, [auditID, auditID]) {
            let id: TaskID = try row.identifier("id", of: "a task row")
            let site: SiteID = try row.identifier("site_id", of: "task \(id)")
            guard let state = TaskState(rawValue: try row.get("state")) else {
                throw StoreError.corrupt("task \(id) has an unknown state")
            }
            if taskIDs[site] == nil { taskIDs[site] = id }
            tasks.append(AuditStateMachine.SiteTask(site: site, state: state, detail: try row.get("detail")))
        }
        let machine = AuditStateMachine(
            restoring: audit.id, state: audit.state, tasks: tasks,
            minSites: audit.minSites, requiredSites: audit.requiredSites, deadline: audit.deadline,
            failure: audit.failure)
        return Loaded(audit: audit, taskIDs: taskIDs, machine: machine)
    }

    /// Loads, applies and persists; throws `illegalTransition` (writing nothing) when the machine rejects the event.
    static func apply(_ event: AuditStateMachine.Event, auditID: AuditID, at time: Date,
                      in tx: any StoreTransaction) throws -> AppliedTransition {
        let loaded = try load(auditID, lock: true, in: tx)
        let transition: AuditStateMachine.Transition
        switch loaded.machine.apply(event, at: time) {
        case let .success(value): transition = value
        case let .failure(error): throw StoreError.rejected(error)
        }
        try persist(transition, from: loaded, at: time, in: tx)
        return AppliedTransition(auditID: auditID, machine: transition.machine, actions: transition.actions)
    }

    /// Applies `events` to one audit in order, loading (and locking) it once and writing once: each
    /// event sees the machine the previous one left, and the store ends as if each had run in a
    /// transaction of its own, one after the other. An event the machine rejects writes nothing and gets its own `rejected` error; the
    /// others still apply.
    static func apply(_ events: [AuditStateMachine.Event], auditID: AuditID, at time: Date,
                      in tx: any StoreTransaction) throws -> [Result<AppliedTransition, StoreError>] {
        let loaded = try load(auditID, lock: true, in: tx)
        var machine = loaded.machine, actions: [AuditStateMachine.Action] = []
        var results: [Result<AppliedTransition, StoreError>] = []
        for event in events {
            switch machine.apply(event, at: time) {
            case let .success(transition):
                machine = transition.machine
                actions += transition.actions
                results.append(.success(AppliedTransition(auditID: auditID, machine: transition.machine, actions: transition.actions)))
            case let .failure(error):
                results.append(.failure(StoreError.rejected(error)))
            }
        }
        // Written once, as the sum of the events: the final machine and every event row, in order.
        try persist(from: loaded, to: machine, actions: actions, at: time, in: tx)
        return results
    }

    /// Writes the difference between the loaded machine and the transition's, plus its event rows.
    static func persist(_ transition: AuditStateMachine.Transition, from loaded: Loaded, at time: Date,
                        in tx: any StoreTransaction) throws {
        try persist(from: loaded, to: transition.machine, actions: transition.actions, at: time, in: tx)
    }

    /// Writes the difference between the loaded machine and `new`, plus the event rows of `actions`:
    /// the audit row, the changed tasks (one statement per distinct new state and detail, not one per
    /// task: each statement is a round trip on PostgreSQL) and the events in one multi-row insert.
    static func persist(from loaded: Loaded, to new: AuditStateMachine, actions: [AuditStateMachine.Action], at time: Date,
                        in tx: any StoreTransaction) throws {
        let old = loaded.machine
        guard old != new || !actions.isEmpty else { return }
        try tx.execute("UPDATE audit SET state = ?, failure = ?, updated_at = ? WHERE id = ?",
                       [new.state.rawValue, new.failure, time, loaded.audit.id])
        let taskIDs = loaded.taskIDs
        struct Change: Hashable { let state: TaskState; let detail: String? }
        var changed: [Change: [TaskID]] = [:], order: [Change] = []
        for (before, after) in zip(old.tasks, new.tasks) where before != after {
            guard let taskID = taskIDs[after.site] else { continue }
            let key = Change(state: after.state, detail: after.detail)
            if changed[key] == nil { order.append(key) }
            changed[key, default: []].append(taskID)
        }
        for key in order {
            for (marks, ids) in inListChunks(changed[key] ?? []) {
                try tx.execute("UPDATE site_task SET state = ?, detail = ?, updated_at = ? WHERE id IN (\(marks))",
                               [key.state.rawValue, key.detail, time] + ids)
            }
        }
        try recordEvents(actions, auditID: loaded.audit.id, taskIDs: taskIDs, at: time, in: tx)
    }

    /// Inserts one `event` row per `recordEvent` action, with the task id of the entry's site.
    static func recordEvents(_ actions: [AuditStateMachine.Action], auditID: AuditID, taskIDs: [SiteID: TaskID],
                             at time: Date, in tx: any StoreTransaction) throws {
        var rows: [StoreArguments] = []
        for case let .recordEvent(entry) in actions {
            rows.append([auditID, entry.site.flatMap { taskIDs[$0] }, entry.site, entry.kind.rawValue, entry.detail, time])
        }
        try tx.insert(into: "event", columns: ["audit_id", "task_id", "site_id", "kind", "detail", "at"], rows: rows)
    }
}
