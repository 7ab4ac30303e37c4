import ArgumentParser
import AuditCore
import AuditModelTypes
import AuditModels
import AuditReport
import AuditSpec
import AuditStats
import Foundation

/// `fairuse local --explanations`: BoP-X, the explanation benefit of personalization per group
/// (Cornelis et al., arXiv 2502.02786), beside the audit's prediction benefit (BoP-P).
struct ExplanationOptions: ParsableArguments {
    @Flag(help: "Also evaluate BoP-X: sufficiency and incomprehensiveness of h0 vs h_g per group (fitted models only).")
    var explanations = false
    @Option(help: "Fraction r of a model's features that form its explanation (0.5 in the paper).")
    var explanationFraction: Double = 0.5
    @Option(help: "Loss comparing masked and full predictions: zero_one or absolute.")
    var explanationLoss: String = ExplanationLoss.zeroOne.rawValue
    @Option(help: "Attributions: exact (linear models) or shapley (sampled, any model).")
    var explanationMethod: String = LocalExplanations.Method.exact.rawValue
    @Option(help: "Permutations per row of sampled Shapley values.") var shapleyPermutations: Int = 32

    func validate() throws {
        guard explanations else { return }
        if !(explanationFraction > 0 && explanationFraction <= 1) { throw ValidationError("--explanation-fraction must be in (0, 1]") }
        if ExplanationLoss(rawValue: explanationLoss) == nil { throw ValidationError("--explanation-loss must be zero_one or absolute") }
        if LocalExplanations.Method(rawValue: explanationMethod) == nil { throw ValidationError("--explanation-method must be exact or shapley") }
        if !(1...10_000).contains(shapleyPermutations) { throw ValidationError("--shapley-permutations must be in 1…10000") }
    }

    /// Computes BoP-X for every technique and attaches it to the report's technique sections.
    func attach(to document: inout ReportDocument, result: LocalAudit.Result, spec: AuditSpec, progress: ProgressPrinter) throws {
        guard spec.model.fixed == nil else {
            progress.line("explanations: a fixed model is evaluated without fitting; BoP-X is skipped")
            return
        }
        let settings = LocalExplanations.Settings(
            method: LocalExplanations.Method(rawValue: explanationMethod) ?? .exact, fraction: explanationFraction,
            loss: ExplanationLoss(rawValue: explanationLoss) ?? .zeroOne, permutations: shapleyPermutations,
            bootstrap: spec.tests.bootstrapReplicates, seed: spec.tests.seed)
        progress.line("explanations: \(settings.method.rawValue) attributions, top \(settings.fraction) of features, \(settings.loss.rawValue) loss")
        let start = Date()
        let all = try LocalExplanations.evaluate(result, settings: settings, alpha: spec.tests.alpha,
                                                 correction: spec.tests.correction)
        for (i, x) in all.enumerated() where i < document.results.count { document.results[i].explanations = x }
        if document.timings != nil { document.timings?["explanations"] = Date().timeIntervalSince(start) }
    }
}
