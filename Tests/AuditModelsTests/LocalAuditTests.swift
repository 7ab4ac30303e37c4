import AuditSpec
import AuditStats
import AuditTable
import Foundation
import Testing
@testable import AuditModels

/// A scratch folder per test, removed afterwards.
struct ScratchFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fairuse-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A small seeded dataset: two attributes, a numeric and a categorical feature.
func syntheticCSV(rows: Int, seed: UInt64, oneClassGroup: Bool = false) -> String {
    var rng = Xoshiro256StarStar(seed: seed)
    func u() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
    var text = "sex,age_group,x1,x2,smoker,y\n"
    for _ in 0..<rows {
        let sex = u() < 0.5 ? "female" : "male", age = u() < 0.5 ? "<60" : "60+"
        let x1 = u() * 4 - 2, x2 = u() * 2
        let smoker = ["yes", "no", "unknown"][Int(u() * 3)]
        let z = 0.8 * x1 - 0.5 * x2 + (sex == "male" ? 0.4 : -0.2) + (age == "60+" ? 0.6 : -0.6) + (smoker == "yes" ? 0.5 : 0)
        var y = u() < 1 / (1 + exp(-z)) ? 1 : 0
        if oneClassGroup && sex == "female" && age == "<60" { y = 0 }
        text += "\(sex),\(age),\(x1),\(x2),\(smoker),\(y)\n"
    }
    return text
}

func smallSpec(bootstrap: Int = 200) -> AuditSpec {
    var spec = AuditSpec(name: "test", outcome: OutcomeSpec(column: "y"),
                         groups: [GroupAttributeSpec(column: "sex"), GroupAttributeSpec(column: "age_group")])
    spec.tests.bootstrapReplicates = bootstrap
    return spec
}

@Suite("Local audit from data")
struct LocalAuditTests {
    @Test func runsAllTechniquesAndIsReproducible() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 800, seed: 1))
        let a = try LocalAudit.run(spec: smallSpec(), dataPath: path)
        let b = try LocalAudit.run(spec: smallSpec(), dataPath: path)
        #expect(a.techniques.map(\.technique) == [.onehot, .intersectional, .decoupled])
        #expect(a.groups.count == 4)
        #expect(a.trainCount + a.testCount == 800)
        for (x, y) in zip(a.techniques, b.techniques) { #expect(x.evaluation == y.evaluation) }
        #expect(a.generic?.converged == true)
        // Every model's gradient is at the optimum.
        for t in a.techniques {
            for model in [t.model.encodedModel].compactMap({ $0 }) + t.model.decoupledModels {
                #expect(model.maxAbsGradient < 1e-8)
            }
        }
        // Envy AUC gains are exactly 0 for additive encodings (decision D1/D4).
        for t in a.techniques where t.technique != .decoupled {
            let auc = try #require(t.evaluation.metrics.first { $0.metric == .auc })
            for g in auc.groups { for e in g.envy { #expect(e.gain == 0) } }
        }
    }

    // `--export-predictions` then `--predictions` audits exactly what the training run audited.
    @Test func exportedPredictionsReauditIdentically() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 500, seed: 4))
        let spec = smallSpec(bootstrap: 100)
        let result = try LocalAudit.run(spec: spec, dataPath: path)
        for technique in result.techniques {
            let exported = folder.url.appendingPathComponent("\(technique.technique.rawValue).csv").path
            try PredictionsFile.write(technique.predictions, to: exported)
            let contents = try PredictionsFile.read(path: exported)
            #expect(contents == technique.predictions)
            let again = FairUseAudit.run(contents.predictions, extraction: LocalAudit.extractionSettings(spec),
                                         evaluation: LocalAudit.evaluationSettings(spec))
            #expect(again == technique.evaluation)
        }
    }

    @Test func stratifiedSplitKeepsGroupLabelBalance() throws {
        let keys = (0..<1000).map { ["a", "b", "c"][$0 % 3] }
        let labels = (0..<1000).map { UInt8($0 % 7 == 0 ? 1 : 0) }
        let split = StratifiedSplit(keys: keys, labels: labels, testFraction: 0.2, seed: 9)
        #expect(Set(split.train).isDisjoint(with: split.test))
        #expect(split.train.count + split.test.count == 1000)
        for key in ["a", "b", "c"] {
            for y: UInt8 in [0, 1] {
                let stratum = (0..<1000).filter { keys[$0] == key && labels[$0] == y }
                let inTest = stratum.filter { split.test.contains($0) }.count
                #expect(inTest == Int((Double(stratum.count) * 0.2).rounded(.toNearestOrEven)))
            }
        }
        #expect(StratifiedSplit(keys: keys, labels: labels, testFraction: 0.2, seed: 9) == split)
        #expect(StratifiedSplit(keys: keys, labels: labels, testFraction: 0.2, seed: 10) != split)
    }

    @Test func oneClassGroupIsReportedNotACrash() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("data.csv", syntheticCSV(rows: 600, seed: 2, oneClassGroup: true))
        let result = try LocalAudit.run(spec: smallSpec(bootstrap: 50), dataPath: path)
        let decoupled = try #require(result.techniques.first { $0.technique == .decoupled })
        #expect(decoupled.model.fallbacks.map(\.key) == ["sex=female;age_group=<60"])
        #expect(decoupled.notes.contains { $0.contains("falls back to the generic model") && $0.contains("one class") })
        let auc = try #require(decoupled.evaluation.metrics.first { $0.metric == .auc })
        let group = try #require(auc.groups.first { $0.key == "sex=female;age_group=<60" })
        #expect(group.personalized == nil)
        #expect(group.rationality?.primary.flag == .na)
        #expect(group.rationality?.caution?.contains("AUC is undefined") == true)
        #expect(auc.familySize == 12)  // 16 tests less the 4 of the one-class group
    }
}

@Suite("Bad input gets a clear error")
struct BadInputTests {
    static func error(csv: String, spec: AuditSpec = smallSpec(bootstrap: 0)) throws -> DataError {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("bad.csv", csv)
        do {
            _ = try LocalAudit.run(spec: spec, dataPath: path)
        } catch let error as DataError {
            #expect(error.file.hasSuffix("bad.csv"))
            return error
        }
        Issue.record("no error")
        throw CancellationError()
    }

    @Test func raggedRow() throws {
        let error = try Self.error(csv: "sex,age_group,x1,y\nfemale,<60,1.5,0\nmale,60+,2.5\n")
        #expect(error.code == .raggedRow && error.line == 3)
    }

    @Test func emptyFile() throws {
        #expect(try Self.error(csv: "").code == .emptyFile)
    }

    @Test func nonBinaryOutcome() throws {
        let error = try Self.error(csv: "sex,age_group,x1,y\nfemale,<60,1,0\nmale,60+,2,1\nmale,<60,3,2\n")
        #expect(error.code == .invalidData && error.column == "y")
        #expect(error.message.contains("binary"))
    }

    @Test func missingOutcomeColumn() throws {
        let error = try Self.error(csv: "sex,age_group,x1,outcome\nfemale,<60,1,0\n")
        #expect(error.code == .unknownColumn && error.column == "y")
    }

    @Test func aTypedFeatureMissingFromTheFileIsAnErrorNamingIt() throws {
        var spec = smallSpec(bootstrap: 0)
        spec.features.numeric = ["x1", "creatinine"]
        let error = try Self.error(csv: "sex,age_group,x1,y\nfemale,<60,1,0\nmale,60+,2,1\n", spec: spec)
        #expect(error.code == .unknownColumn && error.column == "creatinine")
        #expect(error.message.contains("features.numeric names a column that is not in the file"))
    }

    @Test func missingGroupColumn() throws {
        let error = try Self.error(csv: "gender,age_group,x1,y\nfemale,<60,1,0\nmale,60+,2,1\n")
        #expect(error.code == .unknownColumn && error.column == "sex")
    }

    @Test func missingGroupValueNamesTheRowNotTheValue() throws {
        let error = try Self.error(csv: "sex,age_group,x1,y\nfemale,<60,1.25,0\n,60+,2.5,1\n")
        #expect(error.code == .invalidData && error.column == "sex" && error.message.contains("data row 2"))
        #expect(!error.description.contains("2.5"))
    }

    @Test func infinityInAFeature() throws {
        let error = try Self.error(csv: "sex,age_group,x1,y\nfemale,<60,1.5,0\nmale,60+,inf,1\n")
        #expect(error.code == .nonFinite && error.line == 3 && error.column == "x1")
    }

    @Test func missingFeatureValuesAreImputedNotErrors() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        var csv = syntheticCSV(rows: 400, seed: 3)
        csv = csv.replacingOccurrences(of: ",yes,", with: ",NA,")
        var lines = csv.split(separator: "\n").map(String.init)
        for i in stride(from: 1, to: lines.count, by: 10) {
            var fields = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[2] = "NaN"
            lines[i] = fields.joined(separator: ",")
        }
        let path = try folder.write("data.csv", lines.joined(separator: "\n") + "\n")
        let result = try LocalAudit.run(spec: smallSpec(bootstrap: 0), dataPath: path)
        #expect(result.preprocessor.designColumns.contains("smoker=(missing)"))
    }

    @Test func groupWithNoTestRowsIsANote() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        // (male, 60+) has two rows: both strata round to zero test rows.
        var csv = "sex,age_group,x1,y\n"
        for i in 0..<200 { csv += "\(i % 2 == 0 ? "female" : "male"),<60,\(Double(i % 17) / 4),\(i % 3 == 0 ? 1 : 0)\n" }
        csv += "male,60+,1.0,1\nmale,60+,2.0,0\n"
        let path = try folder.write("data.csv", csv)
        let result = try LocalAudit.run(spec: smallSpec(bootstrap: 0), dataPath: path)
        #expect(result.notes.contains { $0.contains("sex=male;age_group=60+ has no rows in the test split") })
        let error = try #require(result.techniques.first?.evaluation.metrics.first)
        let group = try #require(error.groups.first { $0.key == "sex=male;age_group=60+" })
        #expect(group.count == 0 && group.rationality == nil)
    }

    @Test func badPredictionsFile() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("p.csv", "row_id,group,label,p_generic,p_as:a,p_as:b\n1,a,1,0.5,0.5,0.4\n2,c,0,0.5,0.2,0.3\n")
        #expect { try PredictionsFile.read(path: path) } throws: { error in
            (error as? DataError)?.code == .invalidPredictions && (error as? DataError)?.column == "group"
        }
        let outOfRange = try folder.write("q.csv", "row_id,group,label,p_generic,p_as:a\n1,a,1,1.5,0.5\n")
        #expect { try PredictionsFile.read(path: outOfRange) } throws: { error in
            (error as? DataError)?.column == "p_generic"
        }
    }
}
