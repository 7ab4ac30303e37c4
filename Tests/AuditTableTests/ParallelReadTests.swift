@testable import AuditTable
import Foundation
import Testing

/// Reading over several threads must give exactly what one thread gives, errors included.
@Suite("Parallel read")
struct ParallelReadTests {
    /// Reads with at most `workers` threads.
    static func read(_ text: String, workers: Int) throws(DataError) -> DataTable {
        let bytes = Array(text.utf8)
        let result: Result<DataTable, DataError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DataError) -> DataTable in
                try CSVTableReader(source: "t.csv", kinds: [:], maxWorkers: workers).read(buffer)
            }
        }
        return try result.get()
    }

    /// The error reading with at most `workers` threads, or nil.
    static func error(_ text: String, workers: Int) -> DataError? {
        do {
            _ = try read(text, workers: workers)
            return nil
        } catch {
            return error
        }
    }

    /// Whether two tables are identical, numbers compared bit for bit.
    static func identical(_ a: DataTable, _ b: DataTable) -> Bool {
        guard a.columns == b.columns, a.rowCount == b.rowCount else { return false }
        for (x, y) in zip(a.columns, b.columns) {
            if case .numeric(let u) = x.values, case .numeric(let v) = y.values, !csvSameBits(u, v) { return false }
        }
        return true
    }

    /// A CSV big enough (about 9 MB) to be split over threads, with numbers, text and gaps.
    static func bigCSV(rows: Int = 120_000, lateText: Bool = false) -> String {
        var rng = TableTestRNG(seed: 7)
        var s = "id,group,a,b,c,d,late\n"
        for r in 0..<rows {
            let group = ["x", "y", "z", "NA"][Int(rng.next() % 4)]
            let a = Double(Int64(bitPattern: rng.next()) % 1_000_000) / 1000
            let b = Double(bitPattern: (rng.next() >> 2) | 0x3000_0000_0000_0000)
            let c = rng.next() % 17 == 0 ? "NA" : String(rng.next() % 1000)
            let d = String(format: "%.6f", Double(Int64(bitPattern: rng.next()) % 10_000_000) / 997)
            let late = lateText && r == rows - 10 ? "unknown" : String(r % 7)
            s += "\(r),\(group),\(a),\(b),\(c),\(d),\(late)\n"
            if r % 1000 == 999 { s += "\n" }  // blank lines must not shift rows between threads
        }
        return s
    }

    @Test func parallelEqualsSerial() throws {
        let text = Self.bigCSV()
        let parallel = try Self.read(text, workers: 8)
        let serial = try Self.read(text, workers: 1)
        #expect(parallel.rowCount == 120_000)
        #expect(Self.identical(parallel, serial))
        #expect(csvNumbers(parallel, "id") == (0..<120_000).map(Double.init))
        #expect(csvCategories(parallel, "group").levels == ["x", "y", "z"])
    }

    @Test func columnTurningTextLateIsBackfilled() throws {
        let text = Self.bigCSV(lateText: true)
        let parallel = try Self.read(text, workers: 8)
        let serial = try Self.read(text, workers: 1)
        #expect(Self.identical(parallel, serial))
        let late = csvTexts(parallel, "late")
        #expect(late.count == 120_000)
        #expect(late[0] == "0" && late[8] == "1" && late[119_990] == "unknown")
        #expect(csvCategories(parallel, "late").levels == ["0", "1", "2", "3", "4", "5", "6", "unknown"])
    }

    @Test func splitInsideAQuotedFieldIsRepaired() throws {
        // Each record is mostly a quoted field whose line break sits near its end, so a split
        // that searches forward for a line end almost surely lands inside a quoted field.
        var s = "id,note\n"
        let body = String(repeating: "lorem ipsum, ", count: 40)
        for r in 0..<20_000 { s += "\(r),\"\(body)\(r)\nend\"\n" }
        let bytes = Array(s.utf8)
        let ranges = bytes.withUnsafeBufferPointer { buffer in
            CSVTableReader(source: "t.csv", kinds: [:]).chunkRanges(buffer.baseAddress!, start: 8, end: buffer.count)
        }
        if ranges.count > 1 {
            // The split is not a record boundary: the next bytes are the end of a quoted field.
            #expect(bytes[ranges[1].lowerBound..<ranges[1].lowerBound + 4] == Array("end\"".utf8)[...])
        }
        let parallel = try Self.read(s, workers: 8)
        let serial = try Self.read(s, workers: 1)
        #expect(parallel.rowCount == 20_000)
        #expect(Self.identical(parallel, serial))
        #expect(csvTexts(parallel, "note")[19_999] == "\(body)19999\nend")
    }

    @Test func errorsInLaterChunksReportAbsoluteLines() throws {
        let lines = Self.bigCSV().split(separator: "\n", omittingEmptySubsequences: false)
        let target = lines.count - 100  // 1-based physical line near the end
        var edited = lines
        edited[target - 1] += ",extra"
        let text = edited.joined(separator: "\n")
        let e = try #require(Self.error(text, workers: 8))
        #expect(e == Self.error(text, workers: 1))
        #expect(e.code == .raggedRow)
        #expect(e.line == target)
        #expect(e.message == "expected 7 fields, found 8")
    }

    @Test func fieldErrorsInLaterChunksReportAbsoluteLines() throws {
        var lines = Self.bigCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let target = lines.count - 50
        var fields = lines[target - 1].split(separator: ",").map(String.init)
        fields[2] = "-inf"
        lines[target - 1] = fields.joined(separator: ",")
        let text = lines.joined(separator: "\n")
        let e = try #require(Self.error(text, workers: 8))
        #expect(e == Self.error(text, workers: 1))
        #expect(e.code == .nonFinite)
        #expect(e.line == target)
        #expect(e.column == "a")
    }

    @Test func invalidUTF8InLaterChunkReportsAbsoluteLine() throws {
        let text = Self.bigCSV()
        var bytes = Array(text.utf8)
        // Corrupt the group field ("x"/"y"/"z"/"NA") of the last record.
        let lastStart = bytes[..<(bytes.count - 2)].lastIndex(of: 0x0A)! + 1  // the text ends "\n\n"
        let groupAt = bytes[lastStart...].firstIndex(of: 0x2C)! + 1
        bytes[groupAt] = 0xFF
        let lineCount = bytes[..<lastStart].filter { $0 == 0x0A }.count + 1
        let e = try #require(csvError(bytes: bytes))
        #expect(e.code == .invalidUTF8)
        #expect(e.line == lineCount)
        #expect(e.column == "group")
    }
}
