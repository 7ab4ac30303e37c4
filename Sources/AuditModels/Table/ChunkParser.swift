#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What pass 1 learned about one range of records.
final class ChunkOutput: @unchecked Sendable {
    /// Records read.
    var rows = 0
    /// One malloc'ed buffer of `capacity` doubles per column (numeric values, NaN = missing).
    var buffers: [UnsafeMutablePointer<Double>] = []
    /// Offset of each record's first byte.
    var rowStarts: [Int] = []
    /// Line of each record's first byte (relative for chunks after the first).
    var rowLines: [Int] = []
    /// Columns that held a non-number in this chunk (only for columns not forced numeric).
    var becameText: [Bool]
    /// Per column: line of its first field error (Int.max = none) and the error's code.
    var errorLine: [Int]
    var errorCode: [DataError.Code]
    /// The first ragged row or unterminated quote, which ends the chunk.
    var structural: DataError?
    /// The line number after the chunk's last record.
    var endLine = 0

    init(columns: Int) {
        becameText = Array(repeating: false, count: columns)
        errorLine = Array(repeating: Int.max, count: columns)
        errorCode = Array(repeating: .notNumeric, count: columns)
    }

    deinit {
        for p in buffers { free(p) }
    }
}

/// Pass 1 over one range of whole records: tokenizes and parses numbers in one sweep.
enum ChunkParser {
    /// Parses `start..<stop` (which begins and ends on record boundaries) into `out`.
    static func parse(_ b: UnsafePointer<UInt8>, start: Int, stop: Int, firstLine: Int,
                      initial: [ColumnState], source: String, into out: ChunkOutput) {
        let n = initial.count
        let state = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        defer { state.deallocate() }
        for c in 0..<n { state[c] = initial[c].rawValue }

        // Capacity guess from the first record's length; doubled when exceeded.
        var capacity = 16
        if let nl = memchr(b + start, Int32(Byte.lf), stop - start) {
            let firstLength = UnsafeRawPointer(nl) - UnsafeRawPointer(b + start) + 1
            capacity = max(16, (stop - start) / firstLength + (stop - start) / firstLength / 8 + 16)
        }
        let bufs = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: max(n, 1))
        defer { bufs.deallocate() }
        for c in 0..<n { bufs[c] = malloc(capacity * 8)!.assumingMemoryBound(to: Double.self) }
        out.rowStarts.reserveCapacity(capacity)
        out.rowLines.reserveCapacity(capacity)

        let scratch = ScratchBuffer()
        var pos = start
        var line = firstLine
        var rows = 0

        let pow10 = UnsafeMutablePointer<Double>.allocate(capacity: DecimalParser.powersOfTen.count)
        pow10.initialize(from: DecimalParser.powersOfTen, count: DecimalParser.powersOfTen.count)
        let pow5 = UnsafeMutablePointer<UInt64>.allocate(capacity: PowersOfFive.table.count)
        pow5.initialize(from: PowersOfFive.table, count: PowersOfFive.table.count)
        defer {
            pow10.deallocate()
            pow5.deallocate()
        }

        rowLoop: while CSVTokenizer.skipBlankLines(b, &pos, stop, &line) {
            if rows == capacity {
                capacity *= 2
                for c in 0..<n {
                    bufs[c] = realloc(bufs[c], capacity * 8)!.assumingMemoryBound(to: Double.self)
                }
            }
            out.rowStarts.append(pos)
            out.rowLines.append(line)
            let rowLine = line
            var col = 0
            while true {
                let st = state[col]
                if st == ColumnState.text.rawValue {
                    if !CSVTokenizer.skipField(b, &pos, stop, &line, scratch) {
                        out.structural = DataError.unterminatedQuote(file: source, line: line)
                        break rowLoop
                    }
                } else if let r = DecimalParser.scanSimple(b, pos, stop, pow10, pow5) {
                    bufs[col][rows] = r.value
                    pos = r.end
                } else if pos >= stop || b[pos] == Byte.comma || b[pos] == Byte.lf || b[pos] == Byte.cr {
                    bufs[col][rows] = .nan  // empty field: missing
                } else {
                    guard let field = CSVTokenizer.readField(b, &pos, stop, &line, scratch) else {
                        out.structural = DataError.unterminatedQuote(file: source, line: line)
                        break rowLoop
                    }
                    bufs[col][rows] = general(field, col: col, line: rowLine, state: state, out: out)
                }
                col &+= 1
                if CSVTokenizer.consumeTerminator(b, &pos, stop, &line) {
                    if col != n {
                        out.structural = DataError.raggedRow(file: source, line: rowLine, expected: n, found: col)
                        break rowLoop
                    }
                    break
                }
                if col == n {
                    guard let extra = CSVTokenizer.countRemainingFields(b, &pos, stop, &line, scratch) else {
                        out.structural = DataError.unterminatedQuote(file: source, line: line)
                        break rowLoop
                    }
                    out.structural = DataError.raggedRow(file: source, line: rowLine, expected: n, found: n + extra)
                    break rowLoop
                }
            }
            rows &+= 1
        }
        out.rows = rows
        out.endLine = line
        out.buffers = (0..<n).map { bufs[$0] }
    }

    /// Types a field the fast scan did not take: missing spellings, quoted or spaced numbers,
    /// long significands, NaN/infinity spellings, non-numbers (which switch a candidate column
    /// to text, or are an error in a forced numeric column).
    @inline(never)
    private static func general(_ field: UnsafeBufferPointer<UInt8>, col: Int, line: Int,
                                state: UnsafeMutablePointer<UInt8>, out: ChunkOutput) -> Double {
        if CSVTokenizer.isMissingToken(field) { return .nan }
        switch DecimalParser.parse(field) {
        case .number(let x):
            return x
        case .missing:
            return .nan
        case .nonFinite:
            note(out, col, line, .nonFinite)
        case .invalid:
            if state[col] == ColumnState.candidate.rawValue {
                state[col] = ColumnState.text.rawValue
                out.becameText[col] = true
            } else {
                let valid = String(validating: field, as: UTF8.self) != nil
                note(out, col, line, valid ? .notNumeric : .invalidUTF8)
            }
        }
        return .nan
    }

    /// Keeps the first field error of a column.
    @inline(never)
    private static func note(_ out: ChunkOutput, _ col: Int, _ line: Int, _ code: DataError.Code) {
        if out.errorLine[col] == Int.max {
            out.errorLine[col] = line
            out.errorCode[col] = code
        }
    }
}
