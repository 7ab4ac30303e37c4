/// Sizes of one intersectional group.
public struct GroupSize: Sendable, Codable, Equatable {
    /// Group key.
    public var key: String
    /// Training rows and positives.
    public var trainCount: Int, trainPositives: Int
    /// Test rows and positives.
    public var testCount: Int, testPositives: Int

    /// Creates a value from its parts.
    public init(key: String, trainCount: Int, trainPositives: Int, testCount: Int, testPositives: Int) {
        self.key = key
        self.trainCount = trainCount
        self.trainPositives = trainPositives
        self.testCount = testCount
        self.testPositives = testPositives
    }
}
