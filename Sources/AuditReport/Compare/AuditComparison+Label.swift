import Foundation

extension AuditComparison {
    /// The label of one report's columns: its audit (the spec name, with the audit id of a
    /// federated report) and, for a saved file, the file's name — `flchain-5y-mortality (aud_…,
    /// report.json)`. The comparison adds the technique (`… · onehot`).
    public static func label(_ document: ReportDocument, file: String?) -> String {
        let name = document.spec?.name ?? URL(fileURLWithPath: document.data.path).deletingPathExtension().lastPathComponent
        let details = [document.federation.map { "\($0.audit)" }, file].compactMap { $0 }
        return details.isEmpty ? name : "\(name) (\(details.joined(separator: ", ")))"
    }

    /// Labels for reports read from `files`: each names the file by its name alone, or by the
    /// path as given when two files share a name (`runs/a/report.json`, `runs/b/report.json`).
    public static func labels(_ reports: [(file: String, document: ReportDocument)]) -> [(label: String, document: ReportDocument)] {
        let names = reports.map { URL(fileURLWithPath: $0.file).lastPathComponent }
        return zip(reports, names).map { report, name in
            let shared = names.filter { $0 == name }.count > 1
            return (label: label(report.document, file: shared ? report.file : name), document: report.document)
        }
    }
}
