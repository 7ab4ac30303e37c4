import ArgumentParser
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import Foundation

extension Local {
    /// `fairuse local --spec S` for a continuous outcome: fits the regressors and audits them.
    func runRegression(spec: AuditSpec, dataPath: String, testRows: [Int]?, progress: ProgressPrinter) throws {
        if explanationOptions.explanations {
            throw ValidationError("--explanations (BoP-X) is implemented for binary outcomes only; the spec's outcome is continuous")
        }
        if interventionOptions.selectC {
            throw ValidationError("--select-c chooses logistic regression's C; a continuous outcome uses ridge_regression's model.alpha")
        }
        let result = try LocalRegressionAudit.run(spec: spec, dataPath: dataPath, testRows: testRows) { _, message in
            progress.line(message)
        }
        if let exportPredictions {
            for technique in result.techniques {
                let path = result.techniques.count == 1 ? exportPredictions
                    : Self.exportPath(exportPredictions, technique: technique.technique.rawValue)
                try RegressionPredictionsFile.write(.init(rowIDs: technique.rowIDs, predictions: technique.predictions), to: path)
                progress.line("wrote \(path)")
            }
        }
        let document = ReportDocument(localRegression: result, version: Fairuse.version, includeTimings: !noTimings)
        try emit(document, alpha: spec.tests.alpha, correction: spec.tests.correction, progress: progress)
        if !brief, let total = result.timings["total"] {
            progress.line("done in \(NumberFormat.fixed(total, 3)) s")
        }
    }

    /// `fairuse local --predictions FILE` for a regression predictions file
    /// (`row_id,[site,]group,y,yhat_generic,yhat_as:<key>…`); `spec` supplies the test settings
    /// and metrics (default: both regression metrics).
    func runRegressionPredictions(path: String, spec: AuditSpec?, progress: ProgressPrinter) throws {
        var settings = spec ?? AuditSpec(name: "predictions", outcome: OutcomeSpec(column: "y", type: .continuous),
                                         groups: [GroupAttributeSpec(column: "group")])
        if spec == nil {
            if let bootstrap { settings.tests.bootstrapReplicates = bootstrap }
            if let alpha { settings.tests.alpha = alpha }
            if let seed { settings.tests.seed = seed }
        }
        guard settings.outcome.type == .continuous else {
            throw CommandError("\(path) holds continuous predictions (yhat_ columns) but the spec's outcome is binary")
        }
        let start = Date()
        progress.line("reading \(path)")
        let contents = try RegressionPredictionsFile.read(path: path)
        progress.line("\(contents.predictions.count) rows, \(contents.predictions.groupCount) groups, \(contents.predictions.siteIDs.count) site(s); \(settings.tests.bootstrapReplicates) bootstrap replicates")
        let evaluation = RegressionAudit.run(contents.predictions, extraction: LocalAudit.extractionSettings(settings),
                                             evaluation: LocalAudit.evaluationSettings(settings))
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let document = ReportDocument(predictionsPath: path, name: name, spec: spec == nil ? nil : settings,
                                      evaluation: evaluation, version: Fairuse.version,
                                      timings: noTimings ? nil : ["total": Date().timeIntervalSince(start)])
        try emit(document, alpha: settings.tests.alpha, correction: settings.tests.correction, progress: progress)
    }
}
