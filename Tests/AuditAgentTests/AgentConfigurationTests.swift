import AuditSpec
import Foundation
import Testing
@testable import AuditAgent

/// One hostile or malformed `agent.yaml` and the exact error it must produce.
struct InvalidAgentConfiguration: Sendable, CustomTestStringConvertible {
    var label: String
    var yaml: String
    var code: ConfigurationError.Code
    var key: String?
    var line: Int?
    /// The whole `file:line: key: message` text.
    var description: String
    var testDescription: String { label }
}

/// A minimal valid `agent.yaml` (lines 1–8), with `extra` appended from line 9.
private func agent(_ extra: String = "") -> String {
    """
    site: north
    coordinator: https://127.0.0.1:8443
    tls:
      certificate: site.pem
      key: site-key.pem
      ca: ca.pem
    data:
      csv: data.csv

    """ + extra
}

@Suite("agent.yaml errors name the file, line and key, like the spec's")
struct AgentConfigurationTests {
    static let file = "/etc/fairuse/agent.yaml"

    static let cases: [InvalidAgentConfiguration] = [
        .init(label: "misspelt top-level key", yaml: agent("polcy:\n  min_cell: 5\n"), code: .unknownKey, key: "polcy", line: 9,
              description: "\(file):9: polcy: unknown key 'polcy'; expected one of site, coordinator, tls, data, policy, ledger, state_dir, poll_seconds, logging (did you mean 'policy'?)"),
        .init(label: "misspelt nested key", yaml: agent("policy:\n  min_cel: 5\n"), code: .unknownKey, key: "policy.min_cel", line: 10,
              description: "\(file):10: policy.min_cel: unknown key 'min_cel' in policy; expected one of allowed_models, allowed_metrics, allowed_techniques, min_cell, max_groups, max_bootstrap, manual_approval, cross_audit (did you mean 'min_cell'?)"),
        .init(label: "string for an integer", yaml: agent("policy:\n  min_cell: five\n"), code: .wrongType, key: "policy.min_cell", line: 10,
              description: "\(file):10: policy.min_cell: expected an integer, found the string 'five'"),
        .init(label: "integer out of range", yaml: agent("poll_seconds: 500\n"), code: .invalidValue, key: "poll_seconds", line: 9,
              description: "\(file):9: poll_seconds: expected an integer in 0 … 120, found 500"),
        .init(label: "unknown cross-audit action", yaml: agent("policy:\n  cross_audit: ignore\n"), code: .invalidValue,
              key: "policy.cross_audit", line: 10,
              description: "\(file):10: policy.cross_audit: expected withhold or refuse, found 'ignore'"),
        .init(label: "not a boolean", yaml: agent("policy:\n  manual_approval: sometimes\n"), code: .wrongType, key: "policy.manual_approval", line: 10,
              description: "\(file):10: policy.manual_approval: expected true or false, found the string 'sometimes'"),
        .init(label: "scalar for a list", yaml: agent("policy:\n  allowed_metrics: error\n"), code: .wrongType, key: "policy.allowed_metrics", line: 10,
              description: "\(file):10: policy.allowed_metrics: expected a list of metrics, found the string 'error'"),
        .init(label: "missing site", yaml: String(agent().drop { $0 != "\n" }.dropFirst()), code: .missingKey, key: "site", line: nil,
              description: "\(file): site: missing required key 'site'; expected a site id such as north-hospital"),
        .init(label: "missing tls.key", yaml: agent().replacingOccurrences(of: "  key: site-key.pem\n", with: ""),
              code: .missingKey, key: "tls.key", line: 3,
              description: "\(file):3: tls.key: missing required key 'key' in tls; expected the site private key (PEM) path"),
        .init(label: "tls.key without a value", yaml: agent().replacingOccurrences(of: "key: site-key.pem", with: "key:"),
              code: .missingKey, key: "tls.key", line: 5,
              description: "\(file):5: tls.key: 'key' has no value; expected the site private key (PEM) path"),
        .init(label: "plain HTTP", yaml: agent().replacingOccurrences(of: "https://", with: "http://"), code: .invalidValue, key: "coordinator", line: 2,
              description: "\(file):2: coordinator: expected an https:// URL (plain HTTP is never used)"),
        .init(label: "site id with capitals", yaml: agent().replacingOccurrences(of: "site: north", with: "site: North"),
              code: .invalidValue, key: "site", line: 1,
              description: "\(file):1: site: expected a site id of 1–63 lowercase letters, digits, '.', '_' or '-', found 'North'"),
        .init(label: "sqlite without query", yaml: agent().replacingOccurrences(of: "csv: data.csv", with: "sqlite: data.db"),
              code: .missingKey, key: "data.query", line: 7,
              description: "\(file):7: data.query: missing required key 'query' in data; expected the SQL query that yields the cohort table"),
        .init(label: "no data source", yaml: agent().replacingOccurrences(of: "csv: data.csv", with: "query: SELECT 1"),
              code: .missingKey, key: "data", line: 7,
              description: "\(file):7: data: expected csv: PATH, sqlite: PATH with query: SQL, or postgres: URL with query: SQL"),
        .init(label: "postgres without query", yaml: agent().replacingOccurrences(of: "csv: data.csv", with: "postgres: postgres://audit@db.example.org/omop"),
              code: .missingKey, key: "data.query", line: 7,
              description: "\(file):7: data.query: missing required key 'query' in data; expected the SQL query that yields the cohort table"),
        .init(label: "a password in the postgres URL", yaml: agent().replacingOccurrences(
                of: "csv: data.csv", with: "postgres: postgres://audit:Secret-99@db.example.org/omop\n  query: SELECT 1"),
              code: .invalidValue, key: "data.postgres", line: 8, description: "\(file):8: data.postgres: the URL contains a password (user:password@…), which is not shown here and not accepted in a URL; put the password in a file named by data.password_file or in an environment variable named by data.password_env, and write postgres://USER@HOST[:PORT]/DATABASE"),
        .init(label: "tls disabled to a remote warehouse", yaml: agent().replacingOccurrences(
                of: "csv: data.csv", with: "postgres: postgres://audit@db.example.org/omop\n  tls: disable\n  query: SELECT 1"),
              code: .invalidValue, key: "data.tls", line: 9, description: "\(file):9: data.tls: tls: disable is accepted only for a loopback host, and db.example.org is not one: the login and every row would cross the network unencrypted; use verify-full (with data.ca) or require"),
        .init(label: "a CA without verify-full", yaml: agent().replacingOccurrences(
                of: "csv: data.csv", with: "postgres: postgres://audit@db.example.org/omop\n  tls: require\n  ca: ca.pem\n  query: SELECT 1"),
              code: .invalidValue, key: "data.ca", line: 10, description: "\(file):10: data.ca: a CA file is used only with data.tls: verify-full, and data.tls is require; set data.tls: verify-full or remove data.ca"),
        .init(label: "a password file beside a CSV", yaml: agent().replacingOccurrences(of: "csv: data.csv", with: "csv: data.csv\n  password_file: pw"),
              code: .invalidValue, key: "data.password_file", line: 9,
              description: "\(file):9: data.password_file: only a postgres: source takes password_file"),
        .init(label: "scalar for a mapping", yaml: agent().replacingOccurrences(of: "data:\n  csv: data.csv\n", with: "data: data.csv\n"),
              code: .wrongType, key: "data", line: 7,
              description: "\(file):7: data: expected a mapping of keys to values, found the string 'data.csv'"),
        .init(label: "duplicate key", yaml: agent("site: south\n"), code: .duplicate, key: "site", line: 1,
              description: "\(file):1: site: key 'site' appears more than once in the same mapping (first at line 1)"),
        .init(label: "unclosed list", yaml: agent("policy:\n  allowed_models: [logistic_regression\n  min_cell: 5\n"),
              code: .yamlSyntax, key: nil, line: 11, description: ""),
        .init(label: "tab indentation", yaml: agent("policy:\n\tmin_cell: 5\n"), code: .yamlSyntax, key: nil, line: 10, description: ""),
        .init(label: "empty file", yaml: "# nothing yet\n", code: .wrongType, key: nil, line: nil,
              description: "\(file): expected a mapping with the keys site, coordinator, tls, data, policy, ledger, state_dir, poll_seconds, logging, found an empty document"),
        .init(label: "list at the top", yaml: "- site\n", code: .wrongType, key: nil, line: 1,
              description: "\(file):1: expected a mapping of keys to values, found a list"),
    ]

    @Test(arguments: cases)
    func rejects(_ bad: InvalidAgentConfiguration) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try AgentConfiguration.parse(yaml: bad.yaml, file: Self.file)
        }
        #expect(error.code == bad.code)
        #expect(error.file == Self.file)
        #expect(error.key == bad.key)
        #expect(error.line == bad.line)
        if bad.description.isEmpty {
            #expect(error.description.hasPrefix("\(Self.file):\(bad.line ?? 0): invalid YAML"))
        } else {
            #expect(error.description == bad.description)
        }
    }

    @Test func anUnreadableFileIsNamed() throws {
        let path = "/nonexistent/fairuse/agent.yaml"
        let error = try #require(throws: ConfigurationError.self) { try AgentConfiguration.load(path: path) }
        #expect(error.code == .unreadable && error.file == path && error.line == nil)
    }

    @Test func readsEveryKeyAndResolvesPathsAgainstTheFile() throws {
        let yaml = agent("""
            policy:
              allowed_models: [logistic_regression]
              allowed_metrics: [error, auc]
              min_cell: 11
              manual_approval: true
              cross_audit: refuse
            ledger: /var/log/ledger.jsonl
            poll_seconds: 0

            """)
        let configuration = try AgentConfiguration.parse(yaml: yaml, file: Self.file)
        #expect(configuration.site == "north" && configuration.coordinatorURL == "https://127.0.0.1:8443")
        #expect(configuration.keyPath == "/etc/fairuse/site-key.pem" && configuration.data == .csv(path: "/etc/fairuse/data.csv"))
        #expect(configuration.policy.allowedModels == ["logistic_regression"] && configuration.policy.allowedMetrics == ["error", "auc"])
        #expect(configuration.policy.minCell == 11 && configuration.policy.manualApproval && configuration.policy.maxGroups == 16)
        #expect(configuration.ledgerPath == "/var/log/ledger.jsonl" && configuration.stateDirectory == "/etc/fairuse/state")
        #expect(configuration.pollSeconds == 0)
        #expect(configuration.policy.crossAudit == .refuse)
        // Absent, the action is withhold.
        #expect(try AgentConfiguration.parse(yaml: agent(), file: Self.file).policy.crossAudit == .withhold)
    }

    @Test func readsAPostgresSourceWithPathsResolvedAgainstTheFile() throws {
        let yaml = agent().replacingOccurrences(of: "csv: data.csv", with: """
            postgres: postgres://audit@warehouse.example.org:6432/omop
              password_file: secrets/pg-password
              ca: warehouse-ca.pem
              query: "SELECT person_id, gender FROM cohort"
            """)
        let configuration = try AgentConfiguration.parse(yaml: yaml, file: Self.file)
        guard case .postgres(let location, let query) = configuration.data else { Issue.record("not a postgres source"); return }
        #expect(query == "SELECT person_id, gender FROM cohort")
        #expect(location.description == "audit@warehouse.example.org:6432/omop" && location.tls == .verifyFull)
        #expect(location.password == .file("/etc/fairuse/secrets/pg-password") && location.caFile == "/etc/fairuse/warehouse-ca.pem")
        #expect(location.keys.passwordFile == "data.password_file" && location.keys.url == "data.postgres")
    }

    /// `Sites/`, found from this file's path: Tests/AuditAgentTests/AgentConfigurationTests.swift.
    static let sites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sites").standardized

    @Test(arguments: ["olmsted-central", "olmsted-north", "olmsted-south"])
    func theBundledSiteConfigurationsRead(_ site: String) throws {
        let configuration = try AgentConfiguration.load(path: Self.sites.appendingPathComponent("\(site)/agent.yaml").path)
        #expect(configuration.site == site)
    }
}
