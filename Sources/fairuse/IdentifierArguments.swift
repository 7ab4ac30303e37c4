import ArgumentParser
import AuditCore

// Audit ids given on the command line are checked before anything is sent: a malformed id is a usage
// error naming the rule, not a round trip to the coordinator and a 404.

extension AuditID: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

