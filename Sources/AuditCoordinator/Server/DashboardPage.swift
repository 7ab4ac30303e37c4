import AuditCore
import AuditReport
import AuditWire
import Foundation

/// The coordinator's read-only dashboard page: audits with their state and each site's task,
/// and the registered sites with their status and last contact. Only ids, states, times and
/// counts are shown (never data); the page reloads itself every few seconds.
enum DashboardPage {
    /// What an audit runs: its spec (name and the start of its SHA-256) and its model.
    struct AuditSpecLine: Sendable, Equatable {
        /// The spec's name.
        var spec: String
        /// SHA-256 of the spec text, hex.
        var specSHA256: String
        /// The model class and techniques, e.g. `logistic_regression · onehot, decoupled`.
        var model: String
    }

    /// Renders the page at `now` (times are shown as ages, so they are read against `now`).
    /// `specs` holds each audit's spec line by audit id.
    static func render(audits: [AuditSummary], specs: [AuditID: AuditSpecLine] = [:], sites: [SiteRecord], now: Date,
                       viewer: String) -> String {
        let e = HTMLPage.escape
        var body = "<header><h1>fairuse coordinator</h1><p class=\"meta\">Read-only dashboard · signed in as \(e(viewer)) · refreshed every 5 s · \(e(timestamp(now)))</p></header>\n"
        body += "<section id=\"audits\"><h2>Audits</h2>\n"
        if audits.isEmpty {
            body += "<p>No audit has been launched yet.</p>"
        } else {
            let rows = audits.map { a -> [String] in
                let submitted = a.sites.filter { $0.state == .submitted }.count
                let sites = a.sites.map { s in
                    "\(e(s.site.rawValue)) <span class=\"state \(e(s.state.rawValue))\">\(e(s.state.rawValue))</span>"
                        + (s.progress.flatMap { p in ["delivered", "accepted"].contains(s.state.rawValue) ? " <span class=\"meta\">\(e(p))</span>" : nil } ?? "")
                        + (s.detail.map { " <span class=\"meta\">\(e($0))</span>" } ?? "")
                }.joined(separator: "<br/>")
                let hasReport = ["complete", "partial"].contains(a.state.rawValue)
                let line = specs[a.id]
                let spec = line.map { "\(e($0.spec)) <span class=\"meta\">sha256 \(e(String($0.specSHA256.prefix(12))))…</span>" } ?? e(a.name)
                return ["<code>\(e(a.id.rawValue))</code>", spec, line.map { e($0.model) } ?? "—",
                        "<span class=\"state \(e(a.state.rawValue))\">\(e(a.state.rawValue))</span>",
                        "\(submitted) / \(a.sites.count)", sites, e(age(a.createdAt, now: now)),
                        a.deadline.map { e(timestamp($0)) } ?? "—",
                        hasReport ? "<a href=\"/dashboard/audits/\(e(a.id.rawValue))\">report</a>" : "—"]
            }
            body += HTMLPage.table(["audit", "spec", "model", "state", "submitted", "sites", "launched", "deadline", "report"], rows)
        }
        body += "</section>\n<section id=\"sites\"><h2>Sites</h2>\n"
        if sites.isEmpty {
            body += "<p>No site is registered.</p>"
        } else {
            body += HTMLPage.table(["site", "status", "last contact", "agent", "registered"], sites.map { s in
                [e(s.id.rawValue), "<span class=\"state \(e(s.status.rawValue))\">\(e(s.status.rawValue))</span>",
                 s.lastContactAt.map { e(age($0, now: now)) } ?? "never", e(s.agentVersion ?? "—"), e(timestamp(s.addedAt))]
            })
        }
        body += "</section>\n"
        return HTMLPage.document(title: "fairuse coordinator", body: body, refreshSeconds: 5)
    }

    /// "12 s ago", "3 min ago", "2 h ago", "4 d ago".
    static func age(_ date: Date, now: Date) -> String {
        NumberFormat.elapsed(seconds: Int(now.timeIntervalSince(date))) + " ago"
    }

    /// ISO 8601 in UTC.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
