import Foundation
import Testing
@testable import AuditReport

@Suite("Comparison labels and regression comparisons")
struct ComparisonLabelTests {
    @Test func aFederatedReportIsLabelledByItsSpecAuditAndFile() throws {
        let document = federatedDocument(replicates: 0)
        let audit = try #require(document.federation?.audit)
        #expect(AuditComparison.label(document, file: nil) == "test-audit (\(audit))")
        #expect(AuditComparison.label(document, file: "report.json") == "test-audit (\(audit), report.json)")
    }

    @Test func aPredictionsReportWithoutSpecIsLabelledByItsDataFile() {
        #expect(AuditComparison.label(regressionDocument(), file: "a.json") == "reg (a.json)")
    }

    @Test func filesSharingANameAreLabelledByTheirPaths() throws {
        let document = federatedDocument(replicates: 0)
        let audit = try #require(document.federation?.audit)
        let labels = AuditComparison.labels([(file: "runs/a/report.json", document: document),
                                             (file: "runs/b/report.json", document: document),
                                             (file: "runs/c/other.json", document: document)]).map(\.label)
        #expect(labels == ["test-audit (\(audit), runs/a/report.json)", "test-audit (\(audit), runs/b/report.json)",
                           "test-audit (\(audit), other.json)"])
        let comparison = AuditComparison(AuditComparison.labels([(file: "x/one.json", document: document),
                                                                 (file: "y/two.json", document: document)]))
        #expect(comparison.columns.map(\.name) == ["test-audit (\(audit), one.json) · onehot", "test-audit (\(audit), two.json) · onehot"])
    }

    @Test func aRegressionComparisonNamesNoClassificationTest() throws {
        let reports = AuditComparison.labels([(file: "a.json", document: regressionDocument()), (file: "b.json", document: regressionDocument())])
        let comparison = AuditComparison(reports)
        for text in [comparison.text(), comparison.markdown(), comparison.csv(), ComparisonHTML.render(reports)] {
            #expect(!text.contains("McNemar") && !text.contains("DeLong"))
        }
    }
}
