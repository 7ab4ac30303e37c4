/// Why a benchmark could not run or did not finish, in plain words (counts, ids, option names;
/// never a password or a data value).
public struct BenchmarkError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
