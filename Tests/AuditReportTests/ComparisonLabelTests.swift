import Foundation
import Testing
@testable import AuditReport

@Suite("Comparison labels and regression comparisons")
struct ComparisonLabelTests {
    @Test func aFederatedReportIsLabelledByItsSpecAuditAndFile() {
        let document = federatedDocument(replicates: 0)
        #expect(AuditComparison.label(document, file: nil) == "test-audit (aud_test)")
        #expect(AuditComparison.label(document, file: "report.json") == "test-audit (aud_test, report.json)")
    }

    @Test func aPredictionsReportWithoutSpecIsLabelledByItsDataFile() {
        #expect(AuditComparison.label(regressionDocument(), file: "a.json") == "reg (a.json)")
    }

    @Test func filesSharingANameAreLabelledByTheirPaths() {
        let document = federatedDocument(replicates: 0)
        let labels = AuditComparison.labels([(file: "runs/a/report.json", document: document),
                                             (file: "runs/b/report.json", document: document),
                                             (file: "runs/c/other.json", document: document)]).map(\.label)
        #expect(labels == ["test-audit (aud_test, runs/a/report.json)", "test-audit (aud_test, runs/b/report.json)",
                           "test-audit (aud_test, other.json)"])
        let comparison = AuditComparison(AuditComparison.labels([(file: "x/one.json", document: document),
                                                                 (file: "y/two.json", document: document)]))
        #expect(comparison.columns.map(\.name) == ["test-audit (aud_test, one.json) · onehot", "test-audit (aud_test, two.json) · onehot"])
    }

    @Test func aRegressionComparisonNamesNoClassificationTest() throws {
        let reports = AuditComparison.labels([(file: "a.json", document: regressionDocument()), (file: "b.json", document: regressionDocument())])
        let comparison = AuditComparison(reports)
        for text in [comparison.text(), comparison.markdown(), comparison.csv(), ComparisonHTML.render(reports)] {
            #expect(!text.contains("McNemar") && !text.contains("DeLong"))
        }
    }
}
