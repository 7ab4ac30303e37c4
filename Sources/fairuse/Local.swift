import ArgumentParser
import AuditCore
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import AuditTable
import AuditWire
import Foundation
import Synchronization

/// `fairuse local`: a single-site audit, from data and a spec, or from a predictions file.
struct Local: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit one dataset (fitting the models) or one predictions file.",
        discussion: """
        With --data and --spec, fits the generic and personalized models on a stratified split and \
        audits the test predictions. With --predictions, audits predictions from any model \
        (format: row_id,[site,]group,label,p_generic,p_as:<key>…, or for a continuous outcome \
        row_id,[site,]group,y,yhat_generic,yhat_as:<key>…); the spec, if given, supplies the test settings.
        """)

    @Option(help: "CSV data file (default: the spec's `data`).") var data: String?
    @Option(help: "Audit spec (YAML).") var spec: String?
    @Option(help: "Audit this predictions file instead of fitting models.") var predictions: String?
    @Option(help: "Write the JSON report here.") var out: String = "fairuse-report.json"
    @Option(help: "Write the test predictions here; with several techniques, FILE becomes FILE.<technique>.csv.")
    var exportPredictions: String?
    @Option(help: "Use the test rows of this predictions file (its row_ids) instead of the spec's split.")
    var splitFrom: String?
    @Option(help: "Bootstrap replicates (overrides the spec).") var bootstrap: Int?
    @Option(help: "Significance level (overrides the spec).") var alpha: Double?
    @Option(help: "Root seed of the bootstrap (overrides the spec).") var seed: UInt64?
    @Option(help: "Write the HTML report here ('none' to skip).") var html: String = "fairuse-report.html"
    @Option(help: "Write the Markdown report here.") var markdown: String?
    @Option(help: "Write the tables as CSV files into this directory.") var csv: String?
    @OptionGroup var explanationOptions: ExplanationOptions
    @OptionGroup var interventionOptions: InterventionOptions
    @Option(help: "Model class (overrides the spec's model.class): logistic_regression, random_forest or neural_network for a binary outcome, ridge_regression for a continuous one; a class the spec does not configure gets the paper's hyperparameters.")
    var modelClass: String?
    @Flag(help: "Leave timings out of the JSON report (byte-identical reruns).") var noTimings = false
    @Flag(help: "Print only the summary and findings.") var brief = false
    @Flag(help: "No progress messages.") var quiet = false

    func validate() throws {
        if predictions == nil && spec == nil { throw ValidationError("give --spec (with --data or the spec's `data`), or --predictions") }
        if predictions != nil && (data != nil || exportPredictions != nil) {
            throw ValidationError("--predictions audits a predictions file; it takes no --data or --export-predictions")
        }
        if predictions != nil && explanationOptions.explanations {
            throw ValidationError("--explanations needs the fitted models (--spec with data), not --predictions")
        }
        if let bootstrap, bootstrap < 0 || bootstrap > 100_000 { throw ValidationError("--bootstrap must be in 0…100000") }
        if let alpha, !(alpha > 0 && alpha < 0.5) { throw ValidationError("--alpha must be in (0, 0.5)") }
        if let modelClass, !ModelClass.allCases.map(\.rawValue).contains(modelClass) {
            throw ValidationError("--model-class must be one of " + ModelClass.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if modelClass != nil && predictions != nil { throw ValidationError("--model-class needs --spec and data; --predictions fits no model") }
    }

    func run() throws {
        // Output folders are checked first: a typo in a path must not cost the whole computation.
        try OutputPaths.check(files: [out, html == "none" ? nil : html, markdown, exportPredictions], folders: [csv])
        try runAudit()
    }

    func effectiveSpec() throws -> AuditSpec? {
        guard let spec else { return nil }
        var loaded = try AuditSpec.load(path: spec)
        if let bootstrap { loaded.tests.bootstrapReplicates = bootstrap }
        if let alpha { loaded.tests.alpha = alpha }
        if let seed { loaded.tests.seed = seed }
        if let modelClass {
            loaded.model = loaded.model.with(modelClass: ModelClass(rawValue: modelClass))
            try loaded.validate(source: "--model-class")
        }
        return loaded
    }

    func runAudit() throws {
        let auditSpec = try effectiveSpec()
        // load, split, generic fit, then per technique: fit and statistics; and the final "done";
        // then per technique the interventions' two refits and, with --select-c, its cross-validation.
        let extra = { (t: Int) in interventionOptions.steps(techniques: t) }
        let steps = auditSpec.map { $0.model.fixed == nil ? 4 + 2 * $0.techniques.count + extra($0.techniques.count) : 4 }
        let progress = ProgressPrinter(enabled: !quiet, totalSteps: predictions == nil ? steps : nil)
        var document: ReportDocument
        if let predictions, try auditSpec?.outcome.type == .continuous || RegressionPredictionsFile.isRegressionFile(path: predictions) {
            try runRegressionPredictions(path: predictions, spec: auditSpec, progress: progress)
            return
        }
        if let predictions {
            let settings = auditSpec ?? AuditSpec(name: "predictions", outcome: OutcomeSpec(column: "label"),
                                                   groups: [GroupAttributeSpec(column: "group")])
            var specForTests = settings
            if auditSpec == nil {
                if let bootstrap { specForTests.tests.bootstrapReplicates = bootstrap }
                if let alpha { specForTests.tests.alpha = alpha }
                if let seed { specForTests.tests.seed = seed }
            }
            let start = Date()
            progress.line("reading \(predictions)")
            let contents = try PredictionsFile.read(path: predictions)
            progress.line("\(contents.predictions.count) rows, \(contents.predictions.groupCount) groups, \(contents.predictions.siteIDs.count) site(s); \(specForTests.tests.bootstrapReplicates) bootstrap replicates")
            let evaluation = FairUseAudit.run(contents.predictions,
                                              extraction: LocalAudit.extractionSettings(specForTests),
                                              evaluation: LocalAudit.evaluationSettings(specForTests))
            let name = URL(fileURLWithPath: predictions).deletingPathExtension().lastPathComponent
            document = ReportDocument(predictionsPath: predictions, name: name, spec: auditSpec == nil ? nil : specForTests,
                                      evaluation: evaluation, version: Fairuse.version,
                                      timings: noTimings ? nil : ["total": Date().timeIntervalSince(start)])
            document.attachGenericAssignment(predictions: contents.predictions, eceBins: specForTests.tests.eceBins)
            try emit(document, alpha: specForTests.tests.alpha, correction: specForTests.tests.correction, progress: progress)
            return
        }
        guard let auditSpec, let specPath = spec else { return }
        guard let dataPath = data ?? auditSpec.resolvedDataPath(specPath: specPath) else {
            throw ValidationError("the spec names no `data`; give --data")
        }
        let testRows = try splitFrom.map { path in
            try (RegressionPredictionsFile.isRegressionFile(path: path) ? RegressionPredictionsFile.read(path: path).rowIDs
                 : PredictionsFile.read(path: path).rowIDs).map { id -> Int in
                guard let row = Int(id) else {
                    throw CommandError("\(path): row_id values must be 0-based data row indices to define a split")
                }
                return row
            }
        }
        if auditSpec.outcome.type == .continuous {
            try runRegression(spec: auditSpec, dataPath: dataPath, testRows: testRows, progress: progress)
            return
        }
        let result = try LocalAudit.run(spec: auditSpec, dataPath: dataPath, testRows: testRows) { _, message in
            progress.line(message)
        }
        if let exportPredictions {
            for technique in result.techniques {
                let path = result.techniques.count == 1 ? exportPredictions
                    : Self.exportPath(exportPredictions, technique: technique.technique.rawValue)
                try PredictionsFile.write(technique.predictions, to: path)
                progress.line("wrote \(path)")
            }
        }
        document = ReportDocument(local: result, version: Fairuse.version, includeTimings: !noTimings)
        if explanationOptions.explanations {
            try explanationOptions.attach(to: &document, result: result, spec: auditSpec, progress: progress)
        }
        try interventionOptions.attach(to: &document, result: result, dataPath: dataPath, testRows: testRows, progress: progress)
        try emit(document, alpha: auditSpec.tests.alpha, correction: auditSpec.tests.correction, progress: progress)
        if !brief, let total = result.timings["total"] {
            progress.line("done in \(NumberFormat.fixed(total, 3)) s")
        }
    }

    func emit(_ document: ReportDocument, alpha: Double, correction: Correction, progress: ProgressPrinter? = nil) throws {
        progress?.finish()
        let text = TerminalReport.render(document, alpha: alpha, correction: correction, brief: brief)
        print(text, terminator: "")
        var document = document
        if let spec = document.spec { document.specDigest = SiteTask.specDigest(spec) }
        try AtomicFile.write(try document.jsonData(), to: out)
        print("\nJSON report:     \(out)")
        for line in try ReportFiles.write(document, alpha: alpha, correction: correction, html: html == "none" ? nil : html,
                                          markdown: markdown, csv: csv) {
            print(line)
        }
    }

    /// "preds.csv" → "preds.onehot.csv".
    static func exportPath(_ template: String, technique: String) -> String {
        let url = URL(fileURLWithPath: template)
        let ext = url.pathExtension.isEmpty ? "csv" : url.pathExtension
        let base = url.pathExtension.isEmpty ? template : String(template.dropLast(ext.count + 1))
        return "\(base).\(technique).\(ext)"
    }
}

/// Progress on standard error, so standard output stays the report: on a terminal one live line
/// with a bar over the audit's steps and the elapsed time; otherwise one line per step.
final class ProgressPrinter: Sendable {
    private let enabled: Bool, live: Bool, total: Int?
    private let start = Date()
    /// The steps reported so far, and whether the live line is open.
    private let state = Mutex((step: 0, open: false))

    /// `totalSteps`, when known, draws a bar (steps are the messages the audit reports).
    init(enabled: Bool, totalSteps: Int? = nil) {
        self.enabled = enabled
        self.live = enabled && isatty(STDERR_FILENO) == 1
        self.total = totalSteps
    }

    /// Reports the next step.
    func line(_ text: String) {
        guard enabled else { return }
        state.withLock { state in
            state.step += 1
            let elapsed = NumberFormat.fixed(Date().timeIntervalSince(start), 1) + " s"
            var prefix = ""
            if let total {
                let shown = min(state.step, total), width = 20, filled = shown * width / max(1, total)
                prefix = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] \(shown)/\(total) "
            }
            if live {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(prefix)\(elapsed)  \(text)".utf8))
                state.open = true
            } else {
                FileHandle.standardError.write(Data("· \(prefix)\(elapsed)  \(text)\n".utf8))
            }
        }
    }

    /// Ends the live line, before the report is printed.
    func finish() {
        state.withLock { state in
            if state.open { FileHandle.standardError.write(Data("\n".utf8)); state.open = false }
        }
    }
}
