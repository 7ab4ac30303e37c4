import AuditCore
import AuditSpec
import Testing

/// Decision D4's note is written by one function for local and federated reports, and only where
/// the offset structure holds (a logistic model with onehot or intersectional encoding, AUC tested).
@Suite struct ConstructionNoteTests {
    static let header = "fairuse: 1\nname: t\noutcome:\n  column: y\ngroups:\n  - sex\n"

    @Test func appliesOnlyToLogisticOffsetModelsWithAUC() throws {
        let logistic = try AuditSpec.parse(yaml: Self.header, source: "s.yaml")
        #expect(logistic.constructionNote(for: .onehot)?.hasSuffix("0 by construction (decision D4)") == true)
        #expect(logistic.constructionNote(for: .intersectional)?.hasPrefix("with intersectional encoding") == true)
        #expect(logistic.constructionNote(for: .decoupled) == nil)
        let forest = try AuditSpec.parse(yaml: Self.header + "model:\n  class: random_forest\n", source: "s.yaml")
        #expect(forest.constructionNote(for: .onehot) == nil, "a forest's envy AUC gain is not 0 by construction")
        let noAUC = try AuditSpec.parse(yaml: Self.header + "metrics: [error, ece]\n", source: "s.yaml")
        #expect(noAUC.constructionNote(for: .onehot) == nil)
    }
}
