#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Column state while reading: still possibly numeric, forced numeric, or read as text.
enum CSVColumnState: UInt8 {
    case candidate = 0, forcedNumeric = 1, text = 2
}

/// Per-column bookkeeping of one chunk, touched only on the slow paths.
struct CSVChunkBook {
    /// Columns that held a non-number in this chunk (only columns not forced numeric).
    var becameText: [Bool]
    /// First numeric field error per column (line, Int.max = none) and its code.
    var numericErrorLine: [Int]
    var numericErrorCode: [DataError.Code]
    /// First invalid UTF-8 text field per column (line, Int.max = none).
    var textErrorLine: [Int]
    /// Text columns' codes, from the row where the column became text.
    var text: [CSVTextPart?]

    init(columns: Int) {
        becameText = Array(repeating: false, count: columns)
        numericErrorLine = Array(repeating: Int.max, count: columns)
        numericErrorCode = Array(repeating: .notNumeric, count: columns)
        textErrorLine = Array(repeating: Int.max, count: columns)
        text = Array(repeating: nil, count: columns)
    }

    /// Records a text field of column `col`.
    mutating func addText(_ field: UnsafeBufferPointer<UInt8>, col: Int, line: Int) {
        if !text[col]!.append(field) && textErrorLine[col] == Int.max { textErrorLine[col] = line }
    }

    /// Keeps the first numeric field error of a column.
    mutating func noteNumeric(_ col: Int, _ line: Int, _ code: DataError.Code) {
        if numericErrorLine[col] == Int.max {
            numericErrorLine[col] = line
            numericErrorCode[col] = code
        }
    }
}

/// What pass 1 learned about one range of records.
final class CSVChunkOutput: @unchecked Sendable {
    /// Records read.
    var rows = 0
    /// One malloc'ed buffer per column (numeric values, NaN = missing; unused for text columns):
    /// doubles, or floats for the columns read in single precision.
    var buffers: [UnsafeMutableRawPointer] = []
    /// Offset of each record's first byte.
    var rowStarts: [Int] = []
    /// Line of each record's first byte (relative for chunks after the first).
    var rowLines: [Int] = []
    /// Types, errors and text codes seen.
    var book: CSVChunkBook
    /// The first ragged row or unterminated quote, which ends the chunk.
    var structural: DataError?
    /// The line number after the chunk's last record.
    var endLine = 0

    /// Columns whose buffer the gathering has already freed (set once gathering has finished).
    var freedColumns: Set<Int> = []

    init(columns: Int) { book = CSVChunkBook(columns: columns) }

    deinit {
        for (c, p) in buffers.enumerated() where !freedColumns.contains(c) { free(p) }
    }
}

/// Pass 1 over one range of whole records: tokenizes, parses numbers and interns text in one sweep.
enum CSVChunkParser {
    /// Parses `start..<stop` (which begins on a record boundary) into `out`.
    ///
    /// With `releasing` (only for a read-only private file mapping, see `CSVFileReader`), the
    /// whole pages already read are dropped from the process every `releaseStep` bytes, so
    /// the file does not stay resident: a 5 GB file would otherwise count 5 GB towards the
    /// process's memory while it is parsed. Unmodified pages of such a mapping read back from the
    /// file if touched again (the backfill of text columns, another worker sharing a boundary
    /// page), so dropping them changes no value.
    ///
    /// Columns flagged in `single` store each number rounded to a float (4 bytes instead of 8).
    static func parse(_ b: UnsafePointer<UInt8>, start: Int, stop: Int, firstLine: Int,
                      initial: [CSVColumnState], source: String, releasing: Bool = false,
                      releaseStep: Int = 32 << 20, single singleColumns: [Bool]? = nil, into out: CSVChunkOutput) {
        let n = initial.count
        let single = UnsafeMutablePointer<Bool>.allocate(capacity: max(n, 1))
        defer { single.deallocate() }
        for c in 0..<n { single[c] = singleColumns?[c] ?? false }
        var book = CSVChunkBook(columns: n)
        let state = UnsafeMutablePointer<UInt8>.allocate(capacity: max(n, 1))
        defer { state.deallocate() }
        for c in 0..<n {
            state[c] = initial[c].rawValue
            if initial[c] == .text { book.text[c] = CSVTextPart(firstRow: 0) }
        }
        let pow5 = UnsafeMutablePointer<UInt64>.allocate(capacity: PowersOfFive.table.count)
        pow5.initialize(from: PowersOfFive.table, count: PowersOfFive.table.count)
        defer { pow5.deallocate() }

        // Capacity guess from the first record's length; doubled when exceeded.
        var capacity = 16
        if let nl = memchr(b + start, Int32(CSVByte.lf), stop - start) {
            let rows = (stop - start) / (UnsafeRawPointer(nl) - UnsafeRawPointer(b + start) + 1)
            capacity = max(16, rows + rows / 8 + 16)
        }
        let bufs = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: max(n, 1))
        defer { bufs.deallocate() }
        for c in 0..<n { bufs[c] = malloc(capacity * (single[c] ? 4 : 8))! }
        var rowStarts: [Int] = []
        var rowLines: [Int] = []
        rowStarts.reserveCapacity(capacity)
        rowLines.reserveCapacity(capacity)

        let scratch = CSVScratch()
        var pos = start
        var line = firstLine
        var rows = 0
        var released = start
        rowLoop: while CSVTokenizer.skipBlankLines(b, &pos, stop, &line) {
            if rows == capacity { grow(bufs, single, n, &capacity) }
            if releasing && pos - released >= releaseStep {
                CSVPages.release(b, from: released, to: pos)
                released = pos
            }
            rowStarts.append(pos)
            rowLines.append(line)
            let rowLine = line
            var col = 0
            while true {
                if state[col] == CSVColumnState.text.rawValue {
                    guard let field = CSVTokenizer.readField(b, &pos, stop, &line, scratch) else {
                        out.structural = .unterminatedQuote(file: source, line: line)
                        break rowLoop
                    }
                    book.addText(field, col: col, line: rowLine)
                } else if let r = DecimalParser.scanSimple(b, pos, stop, pow5) {
                    store(r.value, bufs[col], rows, single[col])
                    pos = r.end
                } else if pos >= stop || b[pos] == CSVByte.comma || b[pos] == CSVByte.lf || b[pos] == CSVByte.cr {
                    store(.nan, bufs[col], rows, single[col])  // empty field: missing
                } else {
                    guard let field = CSVTokenizer.readField(b, &pos, stop, &line, scratch) else {
                        out.structural = .unterminatedQuote(file: source, line: line)
                        break rowLoop
                    }
                    store(general(field, col: col, row: rows, line: rowLine, state: state, book: &book), bufs[col], rows, single[col])
                }
                col &+= 1
                if CSVTokenizer.consumeTerminator(b, &pos, stop, &line) {
                    if col == n { break }
                    out.structural = .raggedRow(file: source, line: rowLine, expected: n, found: col)
                    break rowLoop
                }
                if col == n {
                    out.structural = tooManyFields(b, &pos, stop, &line, scratch, source: source, rowLine: rowLine, n: n)
                    break rowLoop
                }
            }
            rows &+= 1
        }
        if releasing { CSVPages.release(b, from: released, to: pos) }
        out.rows = rows
        out.endLine = line
        out.rowStarts = rowStarts
        out.rowLines = rowLines
        out.book = book
        out.buffers = (0..<n).map { bufs[$0] }
    }

    /// Writes row `row`'s number into a column buffer, as a double or rounded to a float.
    @inline(__always)
    private static func store(_ value: Double, _ buffer: UnsafeMutableRawPointer, _ row: Int, _ single: Bool) {
        if single {
            buffer.storeBytes(of: Float(value), toByteOffset: row &* 4, as: Float.self)
        } else {
            buffer.storeBytes(of: value, toByteOffset: row &* 8, as: Double.self)
        }
    }

    /// Doubles the capacity of every column buffer.
    @inline(never)
    private static func grow(_ bufs: UnsafeMutablePointer<UnsafeMutableRawPointer>, _ single: UnsafeMutablePointer<Bool>,
                             _ n: Int, _ capacity: inout Int) {
        capacity *= 2
        for c in 0..<n { bufs[c] = realloc(bufs[c], capacity * (single[c] ? 4 : 8))! }
    }

    /// The error for a record with more than `n` fields (counting them), positioned after field `n`'s comma.
    @inline(never)
    private static func tooManyFields(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ stop: Int, _ line: inout Int,
                                      _ scratch: CSVScratch, source: String, rowLine: Int, n: Int) -> DataError {
        guard let extra = CSVTokenizer.countRemainingFields(b, &pos, stop, &line, scratch) else {
            return .unterminatedQuote(file: source, line: line)
        }
        return .raggedRow(file: source, line: rowLine, expected: n, found: n + extra)
    }

    /// Types a field the fast scan did not take: missing spellings, quoted or spaced numbers,
    /// long significands, NaN/infinity spellings, and non-numbers, which switch a candidate
    /// column to text (from this row on; earlier rows are backfilled later) or are an error in
    /// a forced numeric column.
    @inline(never)
    private static func general(_ field: UnsafeBufferPointer<UInt8>, col: Int, row: Int, line: Int,
                                state: UnsafeMutablePointer<UInt8>, book: inout CSVChunkBook) -> Double {
        if CSVTokenizer.isMissingToken(field) { return .nan }
        switch DecimalParser.parse(field) {
        case .number(let x):
            return x
        case .missing:
            return .nan
        case .nonFinite:
            book.noteNumeric(col, line, .nonFinite)
        case .invalid:
            if state[col] == CSVColumnState.candidate.rawValue {
                state[col] = CSVColumnState.text.rawValue
                book.becameText[col] = true
                book.text[col] = CSVTextPart(firstRow: row)
                book.addText(field, col: col, line: line)
            } else {
                let valid = String(validating: field, as: UTF8.self) != nil
                book.noteNumeric(col, line, valid ? .notNumeric : .invalidUTF8)
            }
        }
        return .nan
    }

    /// Backfill: gives the chunk a complete `CSVTextPart` for every column in `textColumns`,
    /// re-reading the rows before the one where each column became text in this chunk.
    static func backfill(_ b: UnsafePointer<UInt8>, end: Int, textColumns: [Int], chunk: CSVChunkOutput) {
        var book = chunk.book
        var pending: [Int] = []
        for c in textColumns {
            if book.text[c] == nil { book.text[c] = CSVTextPart(firstRow: chunk.rows) }
            if book.text[c]!.firstRow > 0 { pending.append(c) }
        }
        if pending.isEmpty { return }
        var prefix = pending.map { c in CSVTextPart(interner: book.text[c]!.interner, firstRow: 0) }
        let lastColumn = pending.last!
        let rowsNeeded = pending.map { book.text[$0]!.firstRow }.max()!
        let scratch = CSVScratch()
        for r in 0..<rowsNeeded {
            var pos = chunk.rowStarts[r]
            var line = chunk.rowLines[r]
            var slot = 0
            for c in 0...lastColumn {
                if slot < pending.count && pending[slot] == c && r < book.text[c]!.firstRow {
                    let field = CSVTokenizer.readField(b, &pos, end, &line, scratch)!
                    if !prefix[slot].append(field) {
                        book.textErrorLine[c] = min(book.textErrorLine[c], chunk.rowLines[r])
                    }
                } else {
                    _ = CSVTokenizer.skipField(b, &pos, end, &line, scratch)
                }
                if slot < pending.count && pending[slot] == c { slot += 1 }
                _ = CSVTokenizer.consumeTerminator(b, &pos, end, &line)
            }
        }
        for (slot, c) in pending.enumerated() {
            // The prefix's interner extends the part's, so the part's codes stay valid.
            book.text[c] = CSVTextPart(interner: prefix[slot].interner,
                                    codes: prefix[slot].codes + book.text[c]!.codes, firstRow: 0)
        }
        chunk.book = book
    }
}

/// Dropping the pages of a read-only file mapping that the parser has read.
enum CSVPages {
    /// `madvise(MADV_DONTNEED)` on the whole pages inside `b[from..<to]` (a no-op off Linux).
    static func release(_ b: UnsafePointer<UInt8>, from: Int, to: Int) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: b) + from + page - 1) / page * page
        let last = (Int(bitPattern: b) + to) / page * page
        if last > first, let start = UnsafeMutableRawPointer(bitPattern: first) {
            _ = madvise(start, last - first, MADV_DONTNEED)
        }
        #endif
    }
}
