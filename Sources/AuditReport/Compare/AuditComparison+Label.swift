import Foundation

extension AuditComparison {
    /// The label of one report's columns: its audit (the spec name, with the audit id of a
    /// federated report) and, for a saved file, the file name — `flchain-5y-mortality (aud_…,
    /// report.json)`. The comparison adds the technique (`… · onehot`).
    public static func label(_ document: ReportDocument, file: String?) -> String {
        let name = document.spec?.name ?? URL(fileURLWithPath: document.data.path).deletingPathExtension().lastPathComponent
        let details = [document.federation?.audit, file.map { URL(fileURLWithPath: $0).lastPathComponent }].compactMap { $0 }
        return details.isEmpty ? name : "\(name) (\(details.joined(separator: ", ")))"
    }
}
