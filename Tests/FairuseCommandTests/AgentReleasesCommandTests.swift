import Foundation
import Testing

/// `fairuse agent releases` lists the site's release register for its operator.
@Suite("fairuse agent releases", .enabled(if: CommandRunner.executable != nil, "the fairuse executable is built beside the tests"))
struct AgentReleasesCommandTests {
    static let agentYAML = """
        site: north
        coordinator: https://127.0.0.1:8443
        tls: { certificate: site.pem, key: site-key.pem, ca: ca.pem }
        data: { csv: data.csv }
        state_dir: state
        """

    /// One register file as the agent writes it (schema 1).
    static let register = """
        {"schema_version": 1, "releases": [{
          "audit": "aud_aaaaaaaaaaaaaaaaaaaa", "task": "tsk_bbbbbbbbbbbbbbbbbbbb", "released_at": "2026-12-04T18:00:00.000Z",
          "dataset_sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "cohort": "csv", "min_cell": 5,
          "spec_yaml": "fairuse: 1", "group_definition": ["sex: its values"], "released_groups": ["sex=M"],
          "cells": [{"group": "sex=M", "rows": 60, "positives": 17}, {"group": "(all)", "rows": 60, "positives": 17}],
          "row_counts": {"total": 300, "train": 240, "test": 60}, "withheld_groups": ["sex=F"],
          "finding_scopes": ["cross_audit"]}]}
        """

    @Test func listsEachReleaseWithItsGroupsAndWithheldCells() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-releases-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("state"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.agentYAML.write(to: folder.appendingPathComponent("agent.yaml"), atomically: true, encoding: .utf8)
        let empty = try CommandRunner.run(["agent", "releases", "--config", folder.appendingPathComponent("agent.yaml").path])
        #expect(empty.status == 0 && empty.output.hasPrefix("0 releases in "))
        try Self.register.write(to: folder.appendingPathComponent("state/releases.json"), atomically: true, encoding: .utf8)
        let listed = try CommandRunner.run(["agent", "releases", "--config", folder.appendingPathComponent("agent.yaml").path])
        #expect(listed.status == 0, "\(listed.error)")
        for line in ["1 release in ", "audit aud_aaaaaaaaaaaaaaaaaaaa  task tsk_bbbbbbbbbbbbbbbbbbbb  released 2026-12-04T18:00:00.000Z",
                     "groups: sex: its values", "released 1 group, withheld 1", "released  sex=M: 60 test rows, 17 positive",
                     "withheld  sex=F", "findings: cross_audit"] {
            #expect(listed.output.contains(line), "\(line)\n\(listed.output)")
        }
        // A register of another schema is an error naming the file and what was expected.
        try "{\"schema_version\": 2, \"releases\": []}".write(to: folder.appendingPathComponent("state/releases.json"),
                                                            atomically: true, encoding: .utf8)
        let wrong = try CommandRunner.run(["agent", "releases", "--config", folder.appendingPathComponent("agent.yaml").path])
        #expect(wrong.status != 0 && wrong.error.contains("releases.json: schema_version 2, expected 1"), "\(wrong.error)")
    }
}
