import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Column state while reading: still possibly numeric, forced numeric, or read as text.
enum ColumnState: UInt8 {
    case candidate = 0, forcedNumeric = 1, text = 2
}

/// Reads a CSV byte buffer into a `DataTable`.
///
/// Pass 1 tokenizes every record and parses numbers in the same sweep (over several threads when
/// the data holds no `"`, so that every line end is a record end). A column whose field is not a
/// number switches to text. Pass 2 re-reads only the text columns and interns their levels.
/// The result, including which error is reported, does not depend on the number of threads:
/// the first structural error (ragged row, unterminated quote) in file order wins; otherwise the
/// earliest field error (by line, then column) among the columns' final kinds.
struct TableReader {
    let source: String
    let kinds: [String: ColumnKind]

    /// Below this many data bytes, one thread does all the work.
    static let bytesPerExtraThread = 4 << 20

    func read(_ buffer: UnsafeBufferPointer<UInt8>) throws(DataError) -> DataTable {
        guard let b = buffer.baseAddress, buffer.count > 0 else { throw emptyFile() }
        let end = buffer.count
        var pos = 0
        if end >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { pos = 3 }
        var line = 1
        guard CSVTokenizer.skipBlankLines(b, &pos, end, &line) else { throw emptyFile() }

        let names = try readHeader(b, &pos, end, &line)
        for key in kinds.keys.sorted() where !names.contains(key) {
            throw DataError(code: .unknownColumn, file: source, column: key,
                            message: "a column type was given for a column that is not in the header")
        }
        let initial = names.map { name -> ColumnState in
            switch kinds[name] {
            case .numeric?: .forcedNumeric
            case .categorical?: .text
            case nil: .candidate
            }
        }

        // Pass 1.
        var tp = Date()
        func lap(_ what: String) { if ProcessInfo.processInfo.environment["CSV_PROFILE"] != nil { FileHandle.standardError.write("\(what): \(Int(Date().timeIntervalSince(tp)*1000)) ms\n".data(using: .utf8)!) }; tp = Date() }
        let ranges = chunkRanges(b, start: pos, end: end)
        let chunks = ranges.enumerated().map { k, _ in ChunkOutput(columns: names.count) }
        let firstLine = line
        let data = SendablePointer(base: b)
        let work = { @Sendable (k: Int) in
            ChunkParser.parse(data.base, start: ranges[k].lowerBound, stop: ranges[k].upperBound,
                              firstLine: k == 0 ? firstLine : 0, initial: initial, source: source,
                              into: chunks[k])
        }
        if chunks.count == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks.count, execute: work)
        }

        lap("pass1")
        var lineOffsets = [0]
        for k in 1..<max(chunks.count, 1) { lineOffsets.append(lineOffsets[k - 1] + chunks[k - 1].endLine) }
        for (k, chunk) in chunks.enumerated() {
            if let error = chunk.structural { throw error.shiftingLine(by: lineOffsets[k]) }
        }
        let rowCount = chunks.reduce(0) { $0 + $1.rows }
        if rowCount == 0 {
            throw DataError(code: .noDataRows, file: source,
                            message: "no data rows; expected at least one row after the header")
        }

        let isText = names.indices.map { c in initial[c] == .text || chunks.contains { $0.becameText[c] } }

        // Earliest field error among columns that stay numeric.
        var firstError: (line: Int, column: Int, code: DataError.Code)?
        for (k, chunk) in chunks.enumerated() {
            for c in names.indices where !isText[c] && chunk.errorLine[c] != Int.max {
                let candidate = (line: chunk.errorLine[c] + lineOffsets[k], column: c, code: chunk.errorCode[c])
                if firstError == nil || (candidate.line, candidate.column) < (firstError!.line, firstError!.column) {
                    firstError = candidate
                }
            }
        }

        // Pass 2: text columns.
        var textColumns: [Int: (levels: [String], codes: [Int32])] = [:]
        if isText.contains(true) {
            let (interners, utf8Error) = readText(b, end: end, chunks: chunks, lineOffsets: lineOffsets,
                                                  isText: isText, rowCount: rowCount,
                                                  stopLine: firstError?.line ?? Int.max)
            if let e = utf8Error, firstError == nil || (e.line, e.column) < (firstError!.line, firstError!.column) {
                firstError = (e.line, e.column, .invalidUTF8)
            }
            if firstError == nil {
                for (c, interner) in interners { textColumns[c] = interner.sorted() }
            }
        }
        if let e = firstError { throw fieldError(e.code, line: e.line, column: names[e.column]) }

        let numeric = names.indices.filter { textColumns[$0] == nil }
        let arrays = Self.gatherNumeric(numeric, chunks: chunks, rowCount: rowCount, workers: ranges.count)
        var columns: [DataColumn] = []
        columns.reserveCapacity(names.count)
        for (c, name) in names.enumerated() {
            if let text = textColumns[c] {
                columns.append(DataColumn(name: name, values: .categorical(levels: text.levels, codes: text.codes)))
            } else {
                columns.append(DataColumn(name: name, values: .numeric(arrays[c]!)))
            }
        }
        lap("assemble")
        return DataTable(source: source, columns: columns)
    }

    /// Concatenates the chunks' buffers of each numeric column into one array, over `workers`
    /// threads (each building whole columns, so the result does not depend on the split).
    private static func gatherNumeric(_ numeric: [Int], chunks: [ChunkOutput], rowCount: Int,
                                      workers: Int) -> [Int: [Double]] {
        let slots = SendableSlots(count: numeric.count)
        defer { slots.release() }
        let gather = { @Sendable (w: Int) in
            var i = w
            while i < numeric.count {
                let c = numeric[i]
                slots.base[i] = [Double](unsafeUninitializedCapacity: rowCount) { out, initialized in
                    var at = 0
                    for chunk in chunks where chunk.rows > 0 {
                        (out.baseAddress! + at).update(from: chunk.buffers[c], count: chunk.rows)
                        at += chunk.rows
                    }
                    initialized = rowCount
                }
                i += workers
            }
        }
        if workers <= 1 || numeric.count < 2 {
            gather(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: gather)
        }
        var result: [Int: [Double]] = [:]
        for (i, c) in numeric.enumerated() { result[c] = slots.base[i] }
        return result
    }

    /// Reads the header record: names trimmed of spaces, non-empty, unique, valid UTF-8.
    private func readHeader(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int,
                            _ line: inout Int) throws(DataError) -> [String] {
        let headerLine = line
        let scratch = ScratchBuffer()
        var names: [String] = []
        var seen: Set<String> = []
        while true {
            guard let field = CSVTokenizer.readField(b, &pos, end, &line, scratch) else {
                throw DataError.unterminatedQuote(file: source, line: line)
            }
            var lo = 0
            var hi = field.count
            while lo < hi && (field[lo] == 0x20 || field[lo] == 0x09) { lo += 1 }
            while hi > lo && (field[hi - 1] == 0x20 || field[hi - 1] == 0x09) { hi -= 1 }
            guard let name = String(validating: UnsafeBufferPointer(rebasing: field[lo..<hi]), as: UTF8.self) else {
                throw DataError(code: .invalidUTF8, file: source, line: headerLine,
                                message: "expected UTF-8 text in header field \(names.count + 1), found an invalid byte sequence")
            }
            if name.isEmpty {
                throw DataError(code: .emptyColumnName, file: source, line: headerLine,
                                message: "header field \(names.count + 1) is empty; every column needs a name")
            }
            if !seen.insert(name).inserted {
                throw DataError(code: .duplicateColumn, file: source, line: headerLine, column: name,
                                message: "the header names this column more than once; names must be unique")
            }
            names.append(name)
            if CSVTokenizer.consumeTerminator(b, &pos, end, &line) { return names }
        }
    }

    /// Splits `start..<end` at line ends into one range per worker, or one range when the data
    /// holds a quote (a line end could then be inside a field) or is small.
    private func chunkRanges(_ b: UnsafePointer<UInt8>, start: Int, end: Int) -> [Range<Int>] {
        let size = end - start
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8, size / Self.bytesPerExtraThread + 1)
        if workers <= 1 || memchr(b + start, Int32(Byte.quote), size) != nil { return [start..<end] }
        var ranges: [Range<Int>] = []
        var lower = start
        for k in 1..<workers {
            let target = max(start + size * k / workers, lower)
            guard let nl = memchr(b + target, Int32(Byte.lf), end - target) else { break }
            let upper = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - b + 1
            if upper > lower && upper < end {
                ranges.append(lower..<upper)
                lower = upper
            }
        }
        ranges.append(lower..<end)
        return ranges
    }

    /// Pass 2: interns the text columns' fields, stopping at the first invalid UTF-8 field or at
    /// `stopLine` (an earlier field error already decides the outcome).
    private func readText(_ b: UnsafePointer<UInt8>, end: Int, chunks: [ChunkOutput], lineOffsets: [Int],
                          isText: [Bool], rowCount: Int, stopLine: Int)
        -> (interners: [Int: LevelInterner], utf8Error: (line: Int, column: Int)?) {
        let lastText = isText.lastIndex(of: true)!
        var interners: [Int: LevelInterner] = [:]
        for c in isText.indices where isText[c] { interners[c] = LevelInterner(expectedRows: rowCount) }
        let scratch = ScratchBuffer()
        for (k, chunk) in chunks.enumerated() {
            for r in 0..<chunk.rows {
                var pos = chunk.rowStarts[r]
                let rowLine = chunk.rowLines[r] + lineOffsets[k]
                if rowLine > stopLine { return (interners, nil) }
                var line = rowLine
                for c in 0...lastText {
                    if isText[c] {
                        let field = CSVTokenizer.readField(b, &pos, end, &line, scratch)!
                        if CSVTokenizer.isMissingToken(field) {
                            interners[c]!.appendMissing()
                        } else if !interners[c]!.append(field) {
                            return (interners, (rowLine, c))
                        }
                    } else {
                        _ = CSVTokenizer.skipField(b, &pos, end, &line, scratch)
                    }
                    _ = CSVTokenizer.consumeTerminator(b, &pos, end, &line)
                }
            }
        }
        return (interners, nil)
    }

    private func fieldError(_ code: DataError.Code, line: Int, column: String) -> DataError {
        let message = switch code {
        case .nonFinite: "expected a finite number, found a non-finite number"
        case .invalidUTF8: "expected UTF-8 text, found an invalid byte sequence"
        default: "expected a number (the column is declared numeric), found a non-numeric value"
        }
        return DataError(code: code, file: source, line: line, column: column, message: message)
    }

    private func emptyFile() -> DataError {
        DataError(code: .emptyFile, file: source, message: "the file is empty; expected a header row")
    }
}

/// The input bytes, shared read-only by the pass-1 workers while the caller keeps them alive.
private struct SendablePointer: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
}

/// One result slot per column, each written by exactly one gathering worker.
private final class SendableSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<[Double]>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: [], count: count)
    }

    func release() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
