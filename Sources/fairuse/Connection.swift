import ArgumentParser
import AuditClient
import Foundation

/// How an operator command reaches the coordinator: its URL and the operator's certificate,
/// from options or the environment (FAIRUSE_COORDINATOR, FAIRUSE_CERT, FAIRUSE_KEY, FAIRUSE_CA).
struct OperatorConnection: ParsableArguments {
    @Option(help: "Coordinator URL (or FAIRUSE_COORDINATOR).") var coordinator: String?
    @Option(help: "Operator certificate PEM (or FAIRUSE_CERT).") var cert: String?
    @Option(help: "Operator private key PEM (or FAIRUSE_KEY).") var key: String?
    @Option(help: "Federation CA PEM (or FAIRUSE_CA).") var ca: String?

    func value(_ option: String?, _ variable: String, _ name: String) throws -> String {
        if let option { return option }
        if let env = ProcessInfo.processInfo.environment[variable], !env.isEmpty { return env }
        throw ValidationError("give --\(name) or set \(variable)")
    }

    /// An operator client.
    func client() throws -> OperatorClient {
        try OperatorClient(baseURL: try value(coordinator, "FAIRUSE_COORDINATOR", "coordinator"),
                           certificatePath: try value(cert, "FAIRUSE_CERT", "cert"),
                           keyPath: try value(key, "FAIRUSE_KEY", "key"), caPath: try value(ca, "FAIRUSE_CA", "ca"))
    }

    /// Runs `body` with a client and always shuts it down.
    func with<T>(_ body: (OperatorClient) async throws -> T) async throws -> T {
        let client = try client()
        do {
            let value = try await body(client)
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
