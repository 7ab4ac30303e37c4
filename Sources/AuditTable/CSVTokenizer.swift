#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CSVByte values the tokenizer cares about.
enum CSVByte {
    static let comma: UInt8 = 0x2C
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let quote: UInt8 = 0x22
}

/// A growable byte buffer for fields that must be rebuilt (quoted fields with `""` escapes).
final class CSVScratch {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Empties the buffer, keeping its storage.
    func reset() { count = 0 }

    /// Appends `n` bytes starting at `p`.
    func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        reserve(count + n)
        (base + count).update(from: p, count: n)
        count += n
    }

    /// Appends one byte.
    func append(_ byte: UInt8) {
        reserve(count + 1)
        base[count] = byte
        count += 1
    }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// The current content; valid until the next mutation.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}

/// RFC 4180 tokenizing over a byte buffer.
///
/// Positions are indices into `b[0..<end]`. Line numbers are 1-based physical lines: LF, CRLF and
/// a bare CR each end one line, inside or outside quotes. Leniency (as Python's `csv` module):
/// a quote inside an unquoted field is literal, and text after a closing quote is appended.
enum CSVTokenizer {
    /// Reads the field at `pos` and leaves `pos` on its terminator (`,`, CR, LF or `end`).
    /// Returns the field content (pointing into `b` or into `scratch`), or nil when a quoted
    /// field is never closed (then `line` is left at the line where the field started).
    @inline(__always)
    static func readField(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int, _ line: inout Int,
                          _ scratch: CSVScratch) -> UnsafeBufferPointer<UInt8>? {
        if pos < end && b[pos] == CSVByte.quote {
            return readQuoted(b, &pos, end, &line, scratch)
        }
        let start = pos
        pos = scanUnquoted(b, pos, end)
        return UnsafeBufferPointer(start: b + start, count: pos - start)
    }

    /// Moves past the field at `pos` without building its content. Returns false for an
    /// unterminated quote.
    @inline(__always)
    static func skipField(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int, _ line: inout Int,
                          _ scratch: CSVScratch) -> Bool {
        if pos < end && b[pos] == CSVByte.quote {
            return readQuoted(b, &pos, end, &line, scratch) != nil
        }
        pos = scanUnquoted(b, pos, end)
        return true
    }

    /// The index of the first `,`, CR or LF at or after `pos`, or `end`.
    @inline(__always)
    static func scanUnquoted(_ b: UnsafePointer<UInt8>, _ pos: Int, _ end: Int) -> Int {
        var p = pos
        while p < end {
            let c = b[p]
            if c == CSVByte.comma || c == CSVByte.lf || c == CSVByte.cr { break }
            p &+= 1
        }
        return p
    }

    /// Reads a quoted field starting at the opening quote at `pos`.
    static func readQuoted(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int, _ line: inout Int,
                           _ scratch: CSVScratch) -> UnsafeBufferPointer<UInt8>? {
        let startLine = line
        var p = pos + 1
        var segment = p
        var usesScratch = false
        var linesInside = 0
        while true {
            // Find the next quote, counting line ends on the way.
            while p < end {
                let c = b[p]
                if c == CSVByte.quote { break }
                if c == CSVByte.lf {
                    linesInside += 1
                } else if c == CSVByte.cr && (p + 1 >= end || b[p + 1] != CSVByte.lf) {
                    linesInside += 1
                }
                p += 1
            }
            if p >= end {
                line = startLine
                return nil
            }
            if p + 1 < end && b[p + 1] == CSVByte.quote {
                // Escaped quote: keep one.
                if !usesScratch { scratch.reset(); usesScratch = true }
                scratch.append(b + segment, p + 1 - segment)
                p += 2
                segment = p
                continue
            }
            // Closing quote.
            let closeAt = p
            p += 1
            line += linesInside
            let after = scanUnquoted(b, p, end)
            if !usesScratch && after == p {
                pos = p
                return UnsafeBufferPointer(start: b + segment, count: closeAt - segment)
            }
            if !usesScratch { scratch.reset() }
            scratch.append(b + segment, closeAt - segment)
            if after > p { scratch.append(b + p, after - p) }
            pos = after
            return scratch.bytes
        }
    }

    /// Consumes the terminator at `pos`. Returns true when it ends the record (line end or end).
    @inline(__always)
    static func consumeTerminator(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int,
                                  _ line: inout Int) -> Bool {
        if pos >= end { return true }
        let c = b[pos]
        pos &+= 1
        if c == CSVByte.comma { return false }
        if c == CSVByte.cr && pos < end && b[pos] == CSVByte.lf { pos &+= 1 }
        line &+= 1
        return true
    }

    /// Skips empty lines at `pos`; returns false when the end is reached.
    @inline(__always)
    static func skipBlankLines(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int,
                               _ line: inout Int) -> Bool {
        while pos < end {
            let c = b[pos]
            if c == CSVByte.lf {
                pos &+= 1
            } else if c == CSVByte.cr {
                pos &+= 1
                if pos < end && b[pos] == CSVByte.lf { pos &+= 1 }
            } else {
                return true
            }
            line &+= 1
        }
        return false
    }

    /// Counts the fields from `pos` to the end of the record (at least one: the field at `pos`).
    /// Returns nil for an unterminated quote.
    static func countRemainingFields(_ b: UnsafePointer<UInt8>, _ pos: inout Int, _ end: Int,
                                     _ line: inout Int, _ scratch: CSVScratch) -> Int? {
        var n = 0
        while true {
            guard skipField(b, &pos, end, &line, scratch) else { return nil }
            n += 1
            if consumeTerminator(b, &pos, end, &line) { return n }
        }
    }

    /// Whether a field is one of the missing-value spellings: "", NA, N/A, NaN, nan, NULL.
    @inline(__always)
    static func isMissingToken(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        switch f.count {
        case 0: return true
        case 2: return f[0] == 0x4E && f[1] == 0x41  // NA
        case 3:
            let (a, b, c) = (f[0], f[1], f[2])
            return (a == 0x4E && b == 0x2F && c == 0x41)   // N/A
                || (a == 0x4E && b == 0x61 && c == 0x4E)   // NaN
                || (a == 0x6E && b == 0x61 && c == 0x6E)   // nan
        case 4: return f[0] == 0x4E && f[1] == 0x55 && f[2] == 0x4C && f[3] == 0x4C  // NULL
        default: return false
        }
    }
}
