import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a CSV byte buffer into a `DataTable`.
///
/// Pass 1 tokenizes every record, parses numbers and interns text in the same sweep, over several
/// threads each taking a range of lines. A column whose field is not a number switches to text;
/// a backfill pass re-reads only the rows read before a column switched.
/// The result, including which error is reported, does not depend on the number of threads:
/// the first structural error (ragged row, unterminated quote) in file order wins; otherwise the
/// earliest field error (by line, then column) among the columns' final kinds.
struct CSVTableReader {
    let source: String
    let kinds: [String: ColumnKind]
    /// Which numeric columns are stored in single precision.
    var numbers: NumericPrecision = .double
    /// At most this many threads (tests use 1 to compare against the parallel path).
    var maxWorkers = 8
    /// Whether the buffer is a private read-only file mapping whose pages the parser may drop
    /// once read (see `CSVChunkParser.parse`).
    var releasesPages = false
    /// Bytes parsed between two releases when ``releasesPages`` (tests make it small).
    var releaseStep = 32 << 20

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
        let single: [Bool]? = switch numbers {
        case .double: nil
        case .single(let except): names.map { !except.contains($0) && kinds[$0] != .categorical }
        }
        let initial = names.map { name -> CSVColumnState in
            switch kinds[name] {
            case .numeric?: .forcedNumeric
            case .categorical?: .text
            case nil: .candidate
            }
        }

        // Pass 1.
        var ranges = chunkRanges(b, start: pos, end: end)
        var chunks = ranges.map { _ in CSVChunkOutput(columns: names.count) }
        let firstLine = line
        let data = CSVSendablePointer(base: b)
        let parseRanges = ranges
        let parseChunks = chunks
        let releasing = releasesPages, releaseStep = releaseStep
        Self.inParallel(chunks.count) { k in
            CSVChunkParser.parse(data.base, start: parseRanges[k].lowerBound, stop: parseRanges[k].upperBound,
                              firstLine: k == 0 ? firstLine : 0, initial: initial, source: source,
                              releasing: releasing, releaseStep: releaseStep, single: single, into: parseChunks[k])
        }
        // A quote left open at the end of a chunk that is not the last may close in the next
        // one: the split was not a record boundary, so read from there on in one piece.
        if let j = chunks.firstIndex(where: { $0.structural != nil }), j < chunks.count - 1,
           chunks[j].structural!.code == .unterminatedQuote {
            let rest = CSVChunkOutput(columns: names.count)
            CSVChunkParser.parse(b, start: ranges[j].lowerBound, stop: end, firstLine: j == 0 ? firstLine : 0,
                              initial: initial, source: source, releasing: releasesPages,
                              releaseStep: releaseStep, single: single, into: rest)
            chunks = Array(chunks[..<j]) + [rest]
            ranges = Array(ranges[..<j]) + [ranges[j].lowerBound..<end]
        }

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

        // Final kinds; text columns get their rows from before they turned text.
        let isText = names.indices.map { c in initial[c] == .text || chunks.contains { $0.book.becameText[c] } }
        let textColumns = names.indices.filter { isText[$0] }
        if !textColumns.isEmpty {
            let backfillChunks = chunks
            Self.inParallel(chunks.count) { k in
                CSVChunkParser.backfill(data.base, end: end, textColumns: textColumns, chunk: backfillChunks[k])
            }
        }

        // The earliest field error (by line, then column) among the columns' final kinds.
        var firstError: (line: Int, column: Int, code: DataError.Code)?
        for (k, chunk) in chunks.enumerated() {
            for c in names.indices {
                let (errorLine, code) = isText[c]
                    ? (chunk.book.textErrorLine[c], DataError.Code.invalidUTF8)
                    : (chunk.book.numericErrorLine[c], chunk.book.numericErrorCode[c])
                if errorLine == Int.max { continue }
                let found = (line: errorLine + lineOffsets[k], column: c, code: code)
                if firstError == nil || (found.line, found.column) < (firstError!.line, firstError!.column) {
                    firstError = found
                }
            }
        }
        if let e = firstError { throw fieldError(e.code, line: e.line, column: names[e.column]) }

        let numeric = names.indices.filter { !isText[$0] }
        let singleNumeric = numeric.filter { single?[$0] ?? false }
        let arrays = Self.gatherNumeric(numeric.filter { !(single?[$0] ?? false) }, chunks: chunks, rowCount: rowCount,
                                        workers: ranges.count, as: Double.self)
        let floats = Self.gatherNumeric(singleNumeric, chunks: chunks, rowCount: rowCount, workers: ranges.count, as: Float.self)
        for chunk in chunks { chunk.freedColumns = Set(numeric) }
        var columns: [DataColumn] = []
        columns.reserveCapacity(names.count)
        for (c, name) in names.enumerated() {
            if isText[c] {
                let (levels, codes) = CSVTextPart.merge(chunks.map { $0.book.text[c]! })
                columns.append(DataColumn(name: name, values: .categorical(levels: levels, codes: codes)))
            } else if let values = floats[c] {
                columns.append(DataColumn(name: name, values: .single(values)))
            } else {
                columns.append(DataColumn(name: name, values: .numeric(arrays[c]!)))
            }
        }
        return DataTable(source: source, columns: columns)
    }

    /// Runs `work(0..<count)`, on several threads when `count > 1`.
    private static func inParallel(_ count: Int, _ work: @Sendable (Int) -> Void) {
        if count == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: work)
        }
    }

    /// Concatenates the chunks' buffers of each numeric column into one array, over `workers`
    /// threads (each building whole columns, so the result does not depend on the split).
    /// Each chunk buffer is freed as soon as it is copied, so the numbers are held about once,
    /// not twice, at the peak.
    private static func gatherNumeric<E: BinaryFloatingPoint>(_ numeric: [Int], chunks: [CSVChunkOutput], rowCount: Int,
                                                              workers: Int, as: E.Type) -> [Int: [E]] {
        let slots = CSVSendableSlots<E>(count: numeric.count)
        defer { slots.release() }
        let gather = { @Sendable (w: Int) in
            var i = w
            while i < numeric.count {
                let c = numeric[i]
                slots.base[i] = [E](unsafeUninitializedCapacity: rowCount) { out, initialized in
                    var at = 0
                    for chunk in chunks {
                        if chunk.rows > 0 {
                            UnsafeMutableRawPointer(out.baseAddress! + at)
                                .copyMemory(from: chunk.buffers[c], byteCount: chunk.rows * MemoryLayout<E>.stride)
                            at += chunk.rows
                        }
                        free(chunk.buffers[c])
                    }
                    initialized = rowCount
                }
                i += workers
            }
        }
        inParallel(numeric.count < 2 ? 1 : workers, gather)
        var result: [Int: [E]] = [:]
        for (i, c) in numeric.enumerated() { result[c] = slots.base[i] }
        return result
    }

    /// Reads the header record: names trimmed of spaces, non-empty, unique, valid UTF-8.
    private func readHeader(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int,
                            _ line: inout Int) throws(DataError) -> [String] {
        let headerLine = line
        let scratch = CSVScratch()
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

    /// Splits `start..<end` after line ends into one range per worker (one range when small).
    /// A line end inside a quoted field is caught after parsing (see `read`).
    func chunkRanges(_ b: UnsafePointer<UInt8>, start: Int, end: Int) -> [Range<Int>] {
        let size = end - start
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, maxWorkers, size / Self.bytesPerExtraThread + 1)
        if workers <= 1 { return [start..<end] }
        var ranges: [Range<Int>] = []
        var lower = start
        for k in 1..<workers {
            let target = max(start + size * k / workers, lower)
            guard let nl = memchr(b + target, Int32(CSVByte.lf), end - target) else { break }
            let upper = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - b + 1
            if upper > lower && upper < end {
                ranges.append(lower..<upper)
                lower = upper
            }
        }
        ranges.append(lower..<end)
        return ranges
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
private struct CSVSendablePointer: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
}

/// One result slot per column, each written by exactly one gathering worker.
private final class CSVSendableSlots<E>: @unchecked Sendable {
    let base: UnsafeMutablePointer<[E]>
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
