import AuditModelTypes
import AuditStats

extension ReportDocument {
    /// A group's decoupled regressor (an array entry, so group keys are never rewritten by the
    /// snake_case key strategy).
    public struct KeyedRegressor: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Its regressor.
        public var model: FittedRegressor

        /// Creates a value from its parts.
        public init(key: String, model: FittedRegressor) {
            self.key = key
            self.model = model
        }
    }
}
