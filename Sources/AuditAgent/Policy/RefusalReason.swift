import AuditModels
import AuditSpec
import AuditTable

/// The words of a refusal that leaves the site (protocol §11): the rule or the kind of problem,
/// never a local path, a line number, a count of rows or a data value. The full error stays in the
/// site's own log.
enum RefusalReason {
    /// Why the site's data could not be audited, from the error the pipeline threw.
    static func dataInvalid(_ error: any Error) -> String {
        switch error {
        case let error as DataError:
            // Column names are the spec's (or the data's header): schema, not patient values.
            "the site's data does not fit the audit spec (\(error.code)\(error.column.map { ", column '\($0)'" } ?? ""))"
        case let error as ModelError:
            "a model could not be fitted on the site's data (\(error.code))"
        case let error as SpecError:
            "the audit spec could not be applied to the site's data (\(error.code))"
        default:
            "the site's data could not be read or does not fit the audit spec"
        }
    }
}
