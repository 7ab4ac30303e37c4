import AuditSpec
import Foundation

/// The column names of the site's data, read without loading the rows: the CSV's first record,
/// or a query's result columns (``SiteData/columns()``: a SQLite statement is prepared, not run;
/// a PostgreSQL query runs wrapped in `LIMIT 0`). `agent check` uses them to name every column a
/// spec needs that the data lacks.
public struct DataHeader: Sendable, Equatable {
    /// The names, in order.
    public var columns: [String]

    /// Reads the header of `source`; errors name the file or the configuration key and what is wrong.
    public static func read(_ source: AgentConfiguration.DataSource) async throws -> DataHeader {
        DataHeader(columns: try await SiteData(source).columns())
    }

    /// The first record of a CSV file (RFC 4180 quoting), read in chunks up to 1 MiB.
    static func csvHeader(path: String) throws -> [String] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataHeaderError("\(path): cannot open the data file for reading (\(String(cString: strerror(errno))))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        var fields: [String] = [], field: [UInt8] = [], quoted = false, index = 0
        while true {
            if index == bytes.count {
                let chunk = try handle.read(upToCount: 65536) ?? Data()
                if chunk.isEmpty || bytes.count > 1 << 20 { break }
                bytes += chunk
            }
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { field.append(byte); index += 1 } else { quoted = false }
                } else { field.append(byte) }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self)); field = []
            } else if byte == UInt8(ascii: "\n") {
                break
            } else if byte != UInt8(ascii: "\r") {
                field.append(byte)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        if fields.count == 1, fields[0].isEmpty { throw DataHeaderError("\(path): the data file is empty; expected a header line") }
        if let first = fields.first, first.hasPrefix("\u{FEFF}") { fields[0] = String(first.dropFirst()) }
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Problems of the header itself: empty or repeated names.
    public var problems: [String] {
        var out: [String] = []
        if let empty = columns.firstIndex(of: "") { out.append("column \(empty + 1) has no name") }
        var seen = Set<String>()
        for name in columns where !name.isEmpty && !seen.insert(name).inserted { out.append("column '\(name)' appears twice") }
        return out
    }

    /// The columns `spec` reads: the outcome, the group attributes and every named feature.
    public static func required(by spec: AuditSpec) -> [String] {
        var names = [spec.outcome.column] + spec.groups.map(\.column)
        names += (spec.features.include ?? []) + spec.features.categorical + spec.features.numeric
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The columns `spec` needs that the data lacks, in the spec's order.
    public func missing(for spec: AuditSpec) -> [String] {
        Self.required(by: spec).filter { !columns.contains($0) }
    }
}

/// The data's header cannot be read.
public struct DataHeaderError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the file.
    public let description: String
    init(_ description: String) { self.description = description }
}
