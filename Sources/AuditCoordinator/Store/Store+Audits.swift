import AuditCore
import Foundation

extension Store {
    /// Creates an audit and one queued task per site in ONE transaction, applying `launched` to a new machine.
    ///
    /// Throws `duplicateAudit`, `notFound` (a site is not registered), `invalidArgument` (a site is revoked, or the
    /// launch is invalid: no sites, duplicates, `minSites` out of range, unknown required site, past deadline).
    @discardableResult
    public func createAudit(_ new: NewAudit, at time: Date) async throws -> AppliedTransition {
        try await write("creating audit \(new.id)") { tx in
            if try tx.exists("SELECT 1 FROM audit WHERE id = ?", [new.id]) {
                throw StoreError(code: .duplicateAudit, message: "audit \(new.id) already exists")
            }
            // The sites, locked on PostgreSQL, in chunks of one statement each (not one round trip per site).
            var found: [SiteID: SiteRecord] = [:]
            for (marks, chunk) in inListChunks(new.sites) {
                for site in try SiteRecord.fetchAll(tx, "SELECT * FROM site WHERE id IN (\(marks))" + tx.forUpdate, chunk) {
                    found[site.id] = site
                }
            }
            for siteID in new.sites {
                guard let site = found[siteID] else {
                    throw StoreError.notFound("audit \(new.id): site \(siteID) is not registered")
                }
                guard site.status == .active else {
                    throw StoreError(code: .invalidArgument, message: "audit \(new.id): site \(siteID) is revoked")
                }
            }
            let launched = AuditStateMachine.Event.launched(sites: new.sites, minSites: new.minSites,
                                                            requiredSites: new.requiredSites, deadline: new.deadline)
            let transition: AuditStateMachine.Transition
            switch AuditStateMachine(auditID: new.id).apply(launched, at: time) {
            case let .success(value): transition = value
            case let .failure(error): throw StoreError.rejected(error)
            }
            let machine = transition.machine
            try tx.execute("""
                INSERT INTO audit (id, name, spec_yaml, spec_sha256, spec_json, state, min_sites, required_sites_json,
                                   deadline, created_at, updated_at, root_seed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [new.id, new.name, new.specYAML, new.specSHA256, try new.spec.map(AuditRecord.specJSON),
                                 machine.state.rawValue, machine.minSites,
                                 AuditRecord.requiredSitesJSON(machine.requiredSites),
                                 new.deadline, time, time, Int64(bitPattern: new.rootSeed)])
            var taskIDs: [SiteID: TaskID] = [:]
            var rows: [StoreArguments] = []
            for task in machine.tasks {
                let taskID = new.taskIDs[task.site] ?? TaskID.generate()
                taskIDs[task.site] = taskID
                rows.append([taskID, new.id, task.site, 1, task.state.rawValue, time])
            }
            try tx.insert(into: "site_task", columns: ["id", "audit_id", "site_id", "round", "state", "updated_at"], rows: rows)
            try AuditLifecycle.recordEvents(transition.actions, auditID: new.id, taskIDs: taskIDs, at: time, in: tx)
            return AppliedTransition(auditID: new.id, machine: machine, actions: transition.actions)
        }
    }

    /// Every audit, oldest first.
    public func audits() async throws -> [AuditRecord] {
        try await read("listing audits") { tx in
            try AuditRecord.fetchAll(tx, "SELECT * FROM audit ORDER BY created_at, id")
        }
    }

    /// The audit with this id, or `nil`.
    public func audit(id: AuditID) async throws -> AuditRecord? {
        try await read("reading audit \(id)") { tx in try AuditRecord.fetch(tx, id: id) }
    }

    /// Audits that are not final (created, dispatched, collecting, combining), earliest deadline first:
    /// what a restarted coordinator must resume (see ``AuditLifecycle/resume(at:)``).
    public func openAudits() async throws -> [AuditRecord] {
        try await read("listing open audits") { tx in
            try AuditRecord.fetchAll(tx, """
                SELECT * FROM audit WHERE state IN ('created', 'dispatched', 'collecting', 'combining')
                ORDER BY deadline, id
                """)
        }
    }

    /// The audit's tasks (all rounds), in round then launch order.
    public func tasks(of auditID: AuditID) async throws -> [SiteTaskRecord] {
        try await read("listing tasks of audit \(auditID)") { tx in
            try SiteTaskRecord.fetchAll(tx, "SELECT * FROM site_task WHERE audit_id = ? ORDER BY round, rowid",
                                        [auditID])
        }
    }

    /// The task with this id, or `nil`.
    public func task(id: TaskID) async throws -> SiteTaskRecord? {
        try await read("reading task \(id)") { tx in try SiteTaskRecord.fetch(tx, id: id) }
    }

    /// A task and its audit, read in one snapshot (every agent request about a task needs both); nil
    /// when the task does not exist.
    public func taskWithAudit(id: TaskID) async throws -> (task: SiteTaskRecord, audit: AuditRecord)? {
        try await read("reading task \(id)") { tx in
            guard let task = try SiteTaskRecord.fetch(tx, id: id), let audit = try AuditRecord.fetch(tx, id: task.auditID) else {
                return nil
            }
            return (task, audit)
        }
    }

    /// A site's open tasks (queued, delivered, accepted) of audits that are not combining or final, with their
    /// audits: what a long-poll returns, so a restarted agent re-syncs.
    public func openTasks(for siteID: SiteID) async throws -> [OpenTask] {
        try await openTasks(forSites: [siteID])[0]
    }

    /// ``openTasks(for:)`` of each site in `sites` (repeats allowed), in that order, read in one
    /// snapshot: the tasks in one query, each of their audits once (the long polls a launch wakes
    /// all name the same audit).
    public func openTasks(forSites sites: [SiteID]) async throws -> [[OpenTask]] {
        try await read("listing open tasks of \(sites.count == 1 ? "site \(sites[0])" : "\(sites.count) sites")") { tx in
            let rows = try Self.openTaskRows(tx, sites: sites)
            var audits: [AuditID: AuditRecord] = [:]
            for (marks, chunk) in inListChunks(Array(Set(rows.map(\.auditID)))) {
                for audit in try AuditRecord.fetchAll(tx, "SELECT * FROM audit WHERE id IN (\(marks))", chunk) { audits[audit.id] = audit }
            }
            var bySite: [SiteID: [OpenTask]] = [:]
            for task in rows {
                guard let audit = audits[task.auditID] else { throw StoreError.corrupt("task \(task.id) names a missing audit") }
                bySite[task.siteID, default: []].append(OpenTask(task: task, audit: audit))
            }
            return sites.map { bySite[$0] ?? [] }
        }
    }

    /// Stores the combiner's result and applies `combineSucceeded` in one transaction (`complete` or `partial`).
    ///
    /// Throws `illegalTransition` (storing nothing) if the audit is not combining, e.g. it was cancelled meanwhile.
    @discardableResult
    public func storeResult(auditID: AuditID, resultJSON: String, at time: Date) async throws -> AppliedTransition {
        try await write("storing the result of audit \(auditID)") { tx in
            let applied = try AuditLifecycle.apply(.combineSucceeded, auditID: auditID, at: time, in: tx)
            try tx.execute("UPDATE audit SET result_json = ? WHERE id = ?", [resultJSON, auditID])
            return applied
        }
    }

    /// The audit's stored submissions, in the order received.
    public func submissions(of auditID: AuditID) async throws -> [SubmissionRecord] {
        try await read("listing submissions of audit \(auditID)") { tx in
            try tx.fetchAll("""
                SELECT submission.* FROM submission JOIN site_task ON site_task.id = submission.task_id
                WHERE site_task.audit_id = ? ORDER BY submission.received_at, site_task.rowid
                """, [auditID]).map(SubmissionRecord.init(row:))
        }
    }

    /// The audit's event log, oldest first.
    public func events(of auditID: AuditID) async throws -> [EventRecord] {
        try await read("listing events of audit \(auditID)") { tx in
            try tx.fetchAll("SELECT * FROM event WHERE audit_id = ? ORDER BY id", [auditID])
                .map(EventRecord.init(row:))
        }
    }

    /// A site's own events (registration, revocation) and its task events, oldest first.
    public func events(ofSite siteID: SiteID) async throws -> [EventRecord] {
        try await read("listing events of site \(siteID)") { tx in
            try tx.fetchAll("SELECT * FROM event WHERE site_id = ? ORDER BY id", [siteID])
                .map(EventRecord.init(row:))
        }
    }
}
