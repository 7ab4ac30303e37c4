import AuditTable

// Any bytes: the reader returns a table or a DataError naming the line and column, never traps.
// Typed columns exercise the number parser (Eisel–Lemire) and the level interner too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = try? DataTable.parse(bytes: bytes, source: "fuzz.csv")
    _ = try? DataTable.parse(bytes: bytes, source: "fuzz.csv", kinds: ["a": .numeric, "b": .categorical, "y": .numeric])
    return 0
}
