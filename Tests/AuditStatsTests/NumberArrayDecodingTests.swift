import Foundation
import Testing
@testable import AuditStats

/// The hand-written decoding of the calibration moments (`decodeNumbers`) reads exactly what the
/// synthesized one read, and refuses bad input with the same kind of error at the same path.
@Suite("Calibration moments: decoding")
struct NumberArrayDecodingTests {
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    @Test func roundTripsAndReadsTheWireForm() throws {
        let bins = CalibrationBins(bins: 3)
        var filled = bins
        filled.counts = [4, 0, 7]
        filled.residualSums = [0.1 + 0.2, -1e-300, 3]
        filled.residualSquares = [0.5, 0, 1.7976931348623157e308]
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        #expect(try Self.decoder.decode(CalibrationBins.self, from: encoder.encode(filled)) == filled)
        let text = #"{"counts":[1,2],"residual_sums":[0.30000000000000004,-2],"residual_squares":[1e-3,4]}"#
        let decoded = try Self.decoder.decode(CalibrationBins.self, from: Data(text.utf8))
        #expect(decoded.counts == [1, 2] && decoded.residualSums == [0.30000000000000004, -2] && decoded.residualSquares == [0.001, 4])
        let cross = try Self.decoder.decode(CalibrationCrossMoments.self, from: Data(#"{"cells":[0,5],"sums":[0.25,-1.5]}"#.utf8))
        #expect(cross.cells == [0, 5] && cross.sums == [0.25, -1.5] && cross.counts.isEmpty)
    }

    /// The synthesized decoding the hand-written one replaces: the oracle for its errors.
    struct SynthesizedBins: Decodable {
        var counts: [Int]
        var residualSums: [Double]
        var residualSquares: [Double]
    }

    /// Bad moments fail with exactly the error (kind, path, description) the synthesized decoding gave.
    @Test(arguments: [
        #"{"counts":[1,2],"residual_sums":[0.5,"x"],"residual_squares":[1,4]}"#,
        #"{"counts":[1,2.5],"residual_sums":[0.5,1],"residual_squares":[1,4]}"#,
        #"{"counts":[1,2],"residual_squares":[1,4]}"#,
        #"{"counts":[1,2],"residual_sums":null,"residual_squares":[1,4]}"#,
        #"{"counts":[1,2],"residual_sums":{"a":1},"residual_squares":[1,4]}"#,
        #"{"counts":[1,2],"residual_sums":[1e999],"residual_squares":[1,4]}"#,
    ])
    func badMomentsFailAsTheSynthesizedDecodingDid(text: String) throws {
        let data = Data(text.utf8)
        let mine = #expect(throws: DecodingError.self) { try Self.decoder.decode(CalibrationBins.self, from: data) }
        let theirs = #expect(throws: DecodingError.self) { try Self.decoder.decode(SynthesizedBins.self, from: data) }
        #expect(String(describing: try #require(mine)) == String(describing: try #require(theirs)))
    }
}
