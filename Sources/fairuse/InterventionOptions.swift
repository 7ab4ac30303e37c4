import ArgumentParser
import AuditModelTypes
import AuditModels
import AuditReport
import Foundation

/// The options of `fairuse local` for the interventions (ICML 2023 §5.2) and the choice of C by
/// cross-validation (§3.1); truthful reporting and the h0 assignment need no option.
struct InterventionOptions: ParsableArguments {
    @Flag(help: "Skip the interventions that refit models (best of h0 / personalized / decoupled, data minimization).")
    var noInterventions = false
    @Option(help: "Fraction of the training rows held out to choose each group's model.")
    var validationFraction: Double = 0.25
    @Flag(help: "Choose C by cross-validation (population-best and worst-group-best) and audit both.") var selectC = false
    @Option(help: "The C grid of --select-c, comma-separated (default 0.001,0.01,0.1,1,10,100,1000).") var selectGrid: String?
    @Option(help: "Folds of --select-c.") var selectFolds: Int = 5

    func validate() throws {
        if !(validationFraction > 0 && validationFraction < 1) {
            throw ValidationError("--validation-fraction must be in (0, 1)")
        }
        if !(2...20).contains(selectFolds) { throw ValidationError("--select-folds must be in 2…20") }
        if let selectGrid { _ = try Self.grid(selectGrid) }
    }

    /// Progress steps these options add to an audit of `techniques` techniques.
    func steps(techniques: Int) -> Int { (noInterventions ? 0 : 2 * techniques) + (selectC ? techniques : 0) }

    /// Runs what is asked for and attaches it to the report; a failure leaves a note, not a failed audit.
    func attach(to document: inout ReportDocument, result: LocalAudit.Result, dataPath: String, testRows: [Int]?,
                progress: ProgressPrinter) throws {
        guard !noInterventions || selectC else { return }
        let settings = LocalInterventions.Settings(
            validationFraction: validationFraction,
            selectionGrid: selectC ? try selectGrid.map(Self.grid) ?? RegularizationSelection.defaultGrid : nil,
            selectionFolds: selectFolds)
        do {
            document.attach(try LocalInterventions.run(result, dataPath: dataPath, testRows: testRows, settings: settings,
                                                       skipInterventions: noInterventions) { progress.line($0) })
        } catch {
            document.notes.append("interventions and model selection not computed: \(error)")
        }
    }

    /// Parses "0.01,0.1,1" into positive finite numbers.
    static func grid(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var grid: [Double] = []
        for (i, value) in values.enumerated() {
            guard let c = Double(value), c.isFinite, c > 0 else {
                throw ValidationError("--select-grid: entry \(i + 1) must be a number > 0, such as 0.1")
            }
            grid.append(c)
        }
        guard !grid.isEmpty else { throw ValidationError("--select-grid: expected at least one value of C") }
        return grid
    }
}
