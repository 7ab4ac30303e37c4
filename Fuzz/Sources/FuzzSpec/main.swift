import AuditSpec

// Any text: the spec reader returns a spec or a SpecError naming the line and key, never traps; a
// spec it accepts must survive its own round trip (what the coordinator stores and re-reads).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let spec = try? AuditSpec.parse(yaml: text, source: "fuzz.yaml") else { return 0 }
    guard (try? AuditSpec.parse(yaml: spec.yaml(), source: "round-trip.yaml")) != nil else {
        fatalError("an accepted spec does not re-read from its own YAML")
    }
    return 0
}
