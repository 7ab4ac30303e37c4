import AuditStats
import Foundation
import Testing
@testable import AuditModels

/// Agreement with the Python reference (`../shared/reference/fairuse_reference.py`, mode
/// `audit`) on fixed predictions files: the reference trained the models and exported the
/// predictions; both implementations then audit the same file. Fixtures: `Fixtures/reference/`
/// (`<name>.csv` and the reference's `<name>.reference.json`, B = 2000, seed 0, α = 0.10).
@Suite("Agreement with the Python reference on fixed predictions")
struct ReferenceAgreementTests {
    static let fixtures = ["whas500_onehot", "flchain_decoupled"]
    static let tolerance = 1e-12

    static func fixtureURL(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("reference").appendingPathComponent(name)
    }

    static func load(_ name: String) throws -> (FairUseEvaluation, [String: Any]) {
        let contents = try PredictionsFile.read(path: try fixtureURL(name + ".csv").path)
        let evaluation = FairUseAudit.run(contents.predictions,
                                          extraction: ExtractionSettings(bootstrapReplicates: 2000, rootSeed: 0),
                                          evaluation: EvaluationSettings(alpha: 0.10, correction: .holm))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: try fixtureURL(name + ".reference.json")))
        let results = try #require((json as? [String: Any])?["results"] as? [String: Any])
        return (evaluation, try #require(results[name] as? [String: Any]))
    }

    static func close(_ a: Double?, _ b: Any?, _ what: String, tolerance: Double = tolerance) {
        let expected = b as? Double
        if expected == nil && a == nil { return }
        guard let a, let expected else {
            Issue.record("\(what): ours \(String(describing: a)), reference \(String(describing: b))")
            return
        }
        #expect(abs(a - expected) <= tolerance * max(1, abs(expected)), "\(what): ours \(a), reference \(expected)")
    }

    @Test("metrics, gains, McNemar and DeLong agree to 1e-12", arguments: fixtures)
    func deterministicPartsAgree(name: String) throws {
        let (ours, reference) = try Self.load(name)
        let metrics = try #require(reference["metrics"] as? [String: Any])
        #expect(ours.keys == reference["keys"] as? [String])
        for metric in ours.metrics {
            let ref = try #require(metrics[metric.metric.rawValue] as? [String: Any])
            let refGroups = try #require(ref["groups"] as? [[String: Any]])
            #expect(metric.groups.count == refGroups.count)
            for (g, r) in zip(metric.groups, refGroups) {
                let label = "\(name) \(metric.metric) \(g.key)"
                #expect(g.key == r["key"] as? String)
                #expect(g.count == r["n"] as? Int && g.positives == r["n_pos"] as? Int, "\(label) sizes")
                Self.close(g.personalized, r["risk_personalized"], "\(label) personalized")
                Self.close(g.generic, r["risk_generic"], "\(label) generic")
                let refComparisons = [try #require(r["rationality"] as? [String: Any])]
                    + (try #require(r["envy"] as? [[String: Any]]))
                let comparisons = [try #require(g.rationality)] + g.envy
                for (c, rc) in zip(comparisons, refComparisons) {
                    let what = "\(label) vs \(c.reportedAs ?? "h0")"
                    #expect(c.reportedAs == rc["as"] as? String)
                    Self.close(c.gain, rc["gain"], "\(what) gain")
                    if c.reportedAs != nil { Self.close(c.comparatorValue, rc["risk_as"], "\(what) risk_as") }
                    if metric.metric == .error {
                        #expect(c.n10 == rc["n10"] as? Int && c.n01 == rc["n01"] as? Int, "\(what) discordant")
                    }
                    if metric.metric == .auc {
                        Self.close(c.z, rc["z"], "\(what) z")
                        Self.close(c.standardError, rc["se"], "\(what) se")
                    }
                    if metric.metric != .ece {  // ECE's primary test is the bootstrap
                        Self.close(c.primary.violation.raw, rc["p_violation"], "\(what) p_violation")
                        Self.close(c.primary.gain.raw, rc["p_gain"], "\(what) p_gain")
                        Self.close(c.primary.violation.holm, rc["p_violation_holm"], "\(what) holm")
                        Self.close(c.primary.gain.holm, rc["p_gain_holm"], "\(what) holm gain")
                        Self.close(c.primary.violation.bh, rc["p_violation_bh"], "\(what) bh")
                        Self.close(c.primary.gain.bh, rc["p_gain_bh"], "\(what) bh gain")
                        #expect(c.primary.flag.rawValue == rc["flag"] as? String, "\(what) flag")
                    }
                    // Bootstrap streams differ by design (decision D3): agreement in distribution only.
                    // With B = 2000 a p-value's Monte Carlo SD is ≤ 0.011; a flipped sign would differ by ~1.
                    let rb = try #require(rc["bootstrap"] as? [String: Any])
                    if let p = rb["p_violation"] as? Double, let ours = c.bootstrap?.violation.raw {
                        #expect(abs(ours - p) < 0.1, "\(what) bootstrap p_violation \(ours) vs \(p)")
                    }
                }
            }
            let summary = try #require(ref["summary"] as? [String: Any])
            let population = try #require(summary["population"] as? [String: Any])
            Self.close(metric.summary.personalized, population["personalized"], "\(name) \(metric.metric) population")
            Self.close(metric.summary.generic, population["generic"], "\(name) \(metric.metric) population generic")
            if metric.metric != .ece {
                let rationality = try #require(summary["rationality"] as? [String: Any])
                #expect(metric.summary.rationality.violations == rationality["violations"] as? Int)
                #expect(metric.summary.rationality.gains == rationality["gains"] as? Int)
                let envy = try #require(summary["envy"] as? [String: Any])
                #expect(metric.summary.envy.violations == envy["violations"] as? Int)
                #expect(metric.summary.envy.gains == envy["gains"] as? Int)
            }
        }
    }

    @Test("a predictions file reads back bit for bit after writing", arguments: fixtures)
    func roundTrip(name: String) throws {
        let contents = try PredictionsFile.read(path: try Self.fixtureURL(name + ".csv").path)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-roundtrip-\(name).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PredictionsFile.write(contents, to: path)
        let again = try PredictionsFile.read(path: path)
        #expect(again == contents)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == String(contentsOf: try Self.fixtureURL(name + ".csv"), encoding: .utf8))
    }
}
