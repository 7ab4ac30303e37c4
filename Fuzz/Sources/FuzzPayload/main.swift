import AuditCore
import AuditSpec
import AuditStats
import AuditWire
import Foundation

// Any body as the coordinator receives it: inflated when it looks like a zlib stream, decoded as
// each message a site or an operator may send, and validated against a fixed task as the result
// route does. Every path must end in a value or a WireError, never a trap.
let task: SiteTask = {
    var spec = AuditSpec(name: "fuzz", outcome: OutcomeSpec(column: "death_5y"), groups: [GroupAttributeSpec(column: "sex")])
    spec.techniques = [.onehot, .intersectional]
    spec.tests = TestSpec(alpha: 0.10, correction: .holm, bootstrapReplicates: 3, eceBins: 4, seed: 7)
    return SiteTask(id: TaskID(rawValue: "tsk_3vpe6yk2hq7ma4tn5wrs")!, audit: AuditID(rawValue: "aud_7k2mq4zt3xw5bn6ra2cd")!,
                    round: 1, spec: spec, rootSeed: 7, createdAt: Date(timeIntervalSince1970: 1_772_442_000),
                    deadline: Date(timeIntervalSince1970: 1_773_046_800))
}()
let site = SiteID(rawValue: "st-olav")!
let limits = PayloadLimits(maxCompressedBytes: 1 << 20, maxDecompressedBytes: 8 << 20, maxRatio: 1000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPayload(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let body = Data(bytes: start, count: count)
    let encoding = body.first == 0x78 ? "deflate" : nil
    if let result = try? PayloadCodec.decode(TaskResult.self, from: body, contentEncoding: encoding, limits: limits) {
        try? PayloadValidator.validate(result, against: task, authenticatedSite: site)
    }
    if let refusal = try? PayloadCodec.decode(TaskRefusal.self, from: body, contentEncoding: encoding, limits: limits) {
        try? PayloadValidator.validate(refusal, against: task, authenticatedSite: site)
    }
    if let hello = try? PayloadCodec.decode(AgentHello.self, from: body, contentEncoding: encoding, limits: limits) {
        try? PayloadValidator.validate(hello, authenticatedSite: site)
    }
    if let launch = try? PayloadCodec.decode(LaunchAuditRequest.self, from: body, contentEncoding: encoding, limits: limits) {
        try? launch.validate()
    }
    _ = try? PayloadCodec.decode(TaskProgress.self, from: body, contentEncoding: encoding, limits: limits)
    _ = try? PayloadCodec.decode(SiteRegistration.self, from: body, contentEncoding: encoding, limits: limits)
    return 0
}
