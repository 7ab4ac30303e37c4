import AuditModelTypes
import AuditStats

extension ReportDocument {
    /// The interventions of ICML 2023 §5.2 for one personalized model (report key `interventions`).
    public struct InterventionsSection: Sendable, Codable, Equatable {
        /// Assign h0 to groups with a rationality violation. Always present; in federated and
        /// predictions-only reports without the rows, the population AUC/ECE after are absent.
        public var assignGeneric: GenericAssignment?
        /// Best of h0 / h_g / h_g^dec chosen on a validation split (local audits that fit models).
        public var bestOfModels: BestModelAssignment?
        /// Groups that gain nothing from reporting an attribute (local audits that fit models).
        public var dataMinimization: DataMinimization?

        /// Creates the section.
        public init(assignGeneric: GenericAssignment?, bestOfModels: BestModelAssignment? = nil,
                    dataMinimization: DataMinimization? = nil) {
            self.assignGeneric = assignGeneric
            self.bestOfModels = bestOfModels
            self.dataMinimization = dataMinimization
        }
    }

    /// Recomputes the h0 assignment of a single-model report from its predictions, so that the
    /// population AUC and ECE after the intervention are filled in (`fairuse local --predictions`).
    public mutating func attachGenericAssignment(predictions: Predictions, eceBins: Int) {
        guard results.count == 1 else { return }
        let assignment = GenericAssignment(evaluation: results[0].evaluation, predictions: predictions, eceBins: eceBins)
        if results[0].interventions == nil {
            results[0].interventions = InterventionsSection(assignGeneric: assignment)
        } else {
            results[0].interventions?.assignGeneric = assignment
        }
    }
}
