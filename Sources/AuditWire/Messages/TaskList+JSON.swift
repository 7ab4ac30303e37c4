import Foundation

extension TaskList {
    /// The canonical JSON of `TaskList(tasks:)` — byte for byte what ``PayloadCodec/encodeJSON(_:)``
    /// gives — from tasks whose specs are already in canonical JSON (`specJSON`, the encoding of
    /// that task's `spec`).
    ///
    /// Encoding the spec was most of the cost of a long poll's answer, and every task of an audit
    /// carries the same spec: the coordinator encodes it once per audit and writes the few other
    /// fields here. A field whose text would need escaping (never, for validated ids, digests and
    /// dates) sends the whole list through the encoder instead, so the bytes cannot differ; a test
    /// compares both on varied tasks, so a field added to ``SiteTask`` fails it until written here.
    public static func canonicalJSON(_ tasks: [(task: SiteTask, specJSON: Data)]) throws(WireError) -> Data {
        var out = Data("{\"tasks\":[".utf8)
        for (index, item) in tasks.enumerated() {
            let task = item.task
            let texts = [task.audit.description, task.id.description, task.specSHA256, WireJSON.formatDate(task.createdAt)]
                + (task.deadline.map { [WireJSON.formatDate($0)] } ?? [])
            guard texts.allSatisfy(Self.needsNoEscaping) else { return try PayloadCodec.encodeJSON(TaskList(tasks: tasks.map(\.task))) }
            if index > 0 { out.append(UInt8(ascii: ",")) }
            var head = "{\"audit\":\"\(task.audit)\",\"created_at\":\"\(WireJSON.formatDate(task.createdAt))\","
            if let deadline = task.deadline { head += "\"deadline\":\"\(WireJSON.formatDate(deadline))\"," }
            head += "\"id\":\"\(task.id)\",\"root_seed\":\(task.rootSeed),\"round\":\(task.round),\"spec\":"
            out.append(contentsOf: head.utf8)
            out.append(item.specJSON)
            out.append(contentsOf: ",\"spec_sha256\":\"\(task.specSHA256)\"}".utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// Letters, digits and `-_.:+`: written as is by the canonical encoder.
    private static func needsNoEscaping(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "+"):
                true
            default:
                false
            }
        }
    }
}
