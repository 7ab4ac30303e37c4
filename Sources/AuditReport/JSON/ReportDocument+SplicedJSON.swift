import AuditStats
import Foundation

/// The canonical JSON of a large report encoded on all cores: a federated report's heterogeneity
/// tables hold one estimate per site, group, comparator and metric (32,400 at 100 sites and 6
/// groups, most of the report's 6 MB), and Foundation's encoder is single-threaded. The document is
/// encoded with those tables emptied, the tables in chunks of entries in parallel, and the chunks
/// are spliced in at the emptied arrays.
///
/// Byte for byte ``ReportDocument/plainJSONData()``: the pretty-printed form is structural (each
/// line indented two spaces per level, no raw newline inside a string), so an array's elements
/// encoded on their own are the same lines one level deeper than the array, shifted by the
/// array's own indent. Whatever does not look exactly as expected (the key's place or indent, the
/// emptied array's text, a chunk's brackets) gives nil, and the caller encodes in one pass.
extension ReportDocument {
    /// Tables shorter than this stay in the one-pass encoding.
    static let spliceMinimumEntries = 32
    /// Entries per parallel job.
    static let spliceChunkEntries = 12
    /// Where a technique section's `heterogeneity` key sits: root 0, `results` 2, the section's
    /// object 4, its keys 6.
    static let heterogeneityKeyIndent = 6

    /// The canonical JSON with large heterogeneity tables encoded in parallel; nil when there is none
    /// or the splice does not line up (then use ``plainJSONData()``).
    func splicedJSONData() throws -> Data? {
        let spliced = results.indices.filter { (results[$0].heterogeneity?.count ?? 0) >= Self.spliceMinimumEntries }
        guard !spliced.isEmpty else { return nil }
        var skeleton = self
        for section in spliced { skeleton.results[section].heterogeneity = [] }
        var jobs: [(section: Int, range: Range<Int>)] = []
        for section in spliced {
            let count = results[section].heterogeneity?.count ?? 0
            for start in stride(from: 0, to: count, by: Self.spliceChunkEntries) {
                jobs.append((section, start..<min(start + Self.spliceChunkEntries, count)))
            }
        }
        let chunks = jobs, document = skeleton, shift = Self.heterogeneityKeyIndent
        let parts = ParallelMap.run(count: chunks.count + 1) { job -> Result<Data?, any Error> in
            Result {
                if job == 0 { return try document.plainJSONData() }
                let (section, range) = chunks[job - 1]
                let entries = Array(results[section].heterogeneity?[range] ?? [])
                return Self.shiftedElements(of: try Self.canonicalEncoder().encode(entries), by: shift)
            }
        }
        var encoded: [Data] = []
        for part in parts {
            guard let data = try part.get() else { return nil }
            encoded.append(data)
        }
        var elements: [Int: [Data]] = [:]
        for (job, chunk) in chunks.enumerated() { elements[chunk.section, default: []].append(encoded[job + 1]) }
        // The k-th `"heterogeneity" : [` of the skeleton is the k-th section that has the key.
        let withKey = results.indices.filter { results[$0].heterogeneity != nil }
        return Self.splice(skeleton: encoded[0], sections: withKey, elements: elements, indent: shift)
    }

    /// The elements of a pretty-printed top-level array (`[\n  …\n]`), every line shifted right by
    /// `shift` spaces; nil if the text is not such an array.
    static func shiftedElements(of array: Data, by shift: Int) -> Data? {
        let bytes = [UInt8](array)
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "["), bytes[1] == 0x0A,
              bytes[bytes.count - 2] == 0x0A, bytes[bytes.count - 1] == UInt8(ascii: "]") else { return nil }
        let margin = [UInt8](repeating: UInt8(ascii: " "), count: shift)
        var out = Data()
        out.reserveCapacity(bytes.count + bytes.count / 4)
        // Line by line: the margin, then the line with its newline.
        var start = 2
        let end = bytes.count - 2
        while start < end {
            let stop = bytes[start..<end].firstIndex(of: 0x0A).map { $0 + 1 } ?? end
            out.append(contentsOf: margin)
            out.append(contentsOf: bytes[start..<stop])
            start = stop
        }
        return out
    }

    /// `skeleton` with the emptied array after the k-th `"heterogeneity"` key replaced by the elements
    /// of `sections[k]` (when it has any); nil if a key or an emptied array is not where expected.
    static func splice(skeleton: Data, sections: [Int], elements: [Int: [Data]], indent: Int) -> Data? {
        let key = Data("\"heterogeneity\" : [".utf8)
        let margin = String(repeating: " ", count: indent)
        let emptied = Data("\n\n\(margin)]".utf8)
        var out = Data()
        out.reserveCapacity(skeleton.count + elements.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count + 2 } })
        // `cursor`: copied up to here; `search`: looked for keys up to here.
        var cursor = skeleton.startIndex, search = skeleton.startIndex, found = 0
        while let match = skeleton.range(of: key, in: search..<skeleton.endIndex) {
            search = match.upperBound
            guard found < sections.count else { return nil }
            let section = sections[found]
            found += 1
            // The key must open its line at the expected indent.
            let lineStart = match.lowerBound - indent - 1
            guard lineStart >= skeleton.startIndex, skeleton[lineStart] == 0x0A,
                  skeleton[(lineStart + 1)..<match.lowerBound].allSatisfy({ $0 == UInt8(ascii: " ") }) else { return nil }
            guard let parts = elements[section] else { continue }
            let tail = match.upperBound..<(match.upperBound + emptied.count)
            guard tail.upperBound <= skeleton.endIndex, skeleton[tail] == emptied else { return nil }
            out.append(skeleton[cursor..<match.upperBound])
            out.append(0x0A)
            for (index, part) in parts.enumerated() {
                if index > 0 { out.append(contentsOf: Array(",\n".utf8)) }
                out.append(part)
            }
            out.append(contentsOf: Array("\n\(margin)]".utf8))
            cursor = tail.upperBound
            search = cursor
        }
        guard found == sections.count else { return nil }
        out.append(skeleton[cursor..<skeleton.endIndex])
        return out
    }
}
