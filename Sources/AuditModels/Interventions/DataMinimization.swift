import AuditCore
import AuditSpec
import AuditStats
import Foundation

/// Data minimization (ICML 2023 §5.2, "a potential to reduce data usage in deployment"): for each
/// group attribute a and each group g, does g gain anything from reporting a on top of its other
/// attributes? If not, a need not be collected from g.
///
/// Definition. Withholding a means being served by the model the same technique yields when a is
/// not a group attribute: h^{−a}, fitted on the same training rows, preprocessing and h0 with the
/// groups defined by the other attributes, and evaluated at g's coarser report g_{−a}. (For a
/// one-hot model this is the group-offset model without a's indicators, refitted; reusing h's own
/// coefficients without a's indicator would give every row the reference level of a, which no
/// group reported.) The gain of reporting a is, with the signs of spec §0,
/// Δ_{g,a} = R_g(h^{−a}_{g−a}) − R_g(h_g) (for AUC, AUC_g(h_g) − AUC_g(h^{−a}_{g−a})),
/// estimated on the audit's test rows. It is tested exactly like a rationality gain — h^{−a} takes
/// the place of h0 — with the metric's primary test and the audit's correction over the groups.
/// a need not be collected from g when Δ_{g,a} ≤ 0; the finding is *significant* when the
/// violation test rejects (reporting a significantly harms g). Dropping the only attribute leaves
/// h0, which is the rationality test itself, so audits with one attribute have no entries.
public struct DataMinimization: Sendable, Codable, Equatable {
    /// One group and attribute under one metric.
    public struct Entry: Sendable, Codable, Equatable {
        /// Group key.
        public var key: String
        /// Test rows of the group.
        public var count: Int
        /// The group's report without the attribute (its coarser group key).
        public var reportWithout: String
        /// The metric with the full report, R_g(h_g).
        public var full: Double?
        /// The metric without the attribute, R_g(h^{−a}_{g−a}).
        public var without: Double?
        /// Δ_{g,a}: positive when reporting the attribute helps the group.
        public var gain: Double?
        /// Raw one-sided p-values of the primary test (H1: Δ < 0, H1: Δ > 0).
        public var pViolation: Double?, pGain: Double?
        /// TestFlag under the audit's correction.
        public var flag: TestFlag
        /// Whether the group gains nothing from reporting the attribute (Δ ≤ 0).
        public var needNotCollect: Bool
    }

    /// One attribute under one metric.
    public struct MetricEntries: Sendable, Codable, Equatable {
        /// The metric.
        public var metric: Metric
        /// Groups with test rows, in key order.
        public var groups: [Entry]
        /// Groups that gain nothing from reporting the attribute.
        public var needNotCollect: [String]
    }

    /// One dropped attribute.
    public struct Attribute: Sendable, Codable, Equatable {
        /// The attribute's display name.
        public var attribute: String
        /// Decoupled groups of the coarser model that fell back to h0.
        public var fallbacks: [String]
        /// Per metric.
        public var metrics: [MetricEntries]
    }

    /// The technique.
    public var technique: Technique
    /// Per attribute, in spec order (empty with a single attribute).
    public var attributes: [Attribute]

    /// Runs the analysis for one technique of a local audit: `full` are the audit's test
    /// predictions of that technique, `generic` and `preprocessor` its h0 and preprocessing.
    public static func run(_ data: TrainingData, technique: Technique, full: Predictions, generic: LogisticModel,
                           preprocessor: Preprocessor) throws -> DataMinimization {
        guard data.dataset.attributes.count > 1 else { return DataMinimization(technique: technique, attributes: []) }
        precondition(full.count == data.test.count && full.labels == data.labels(data.test) && full.keys == data.keys,
                     "the predictions are the audit's test rows")
        var attributes: [Attribute] = []
        for a in data.dataset.attributes.indices {
            let coarse = try TrainingData(spec: data.spec, dataset: withoutAttribute(a, data.dataset), testRows: data.test)
            let model = try coarse.fit(technique: technique, rows: coarse.train, generic: generic, preprocessor: preprocessor)
            let predicted = model.predict(coarse, rows: coarse.test)
            var predictions = full
            predictions.generic = predicted.own
            let evaluation = FairUseAudit.run(predictions, extraction: LocalAudit.extractionSettings(data.spec),
                                              evaluation: LocalAudit.evaluationSettings(data.spec))
            var reportOf: [String: String] = [:]
            for row in data.test { reportOf[data.dataset.rowKeys[row]] = coarse.dataset.rowKeys[row] }
            let metrics = evaluation.metrics.map { metric -> MetricEntries in
                let groups = metric.groups.compactMap { g -> Entry? in
                    guard let r = g.rationality else { return nil }
                    return Entry(key: g.key, count: g.count, reportWithout: reportOf[g.key] ?? "",
                                 full: g.personalized, without: g.generic, gain: r.gain,
                                 pViolation: r.primary.violation.raw, pGain: r.primary.gain.raw, flag: r.primary.flag,
                                 needNotCollect: r.gain.map { $0 <= 0 } ?? false)
                }
                return MetricEntries(metric: metric.metric, groups: groups,
                                     needNotCollect: groups.filter(\.needNotCollect).map(\.key))
            }
            attributes.append(Attribute(attribute: data.dataset.attributes[a],
                                        fallbacks: model.personalized.fallbacks.map(\.key), metrics: metrics))
        }
        return DataMinimization(technique: technique, attributes: attributes)
    }

    /// The dataset with attribute `a` removed from the group attributes (and from every row's key).
    static func withoutAttribute(_ a: Int, _ dataset: AuditDataset) -> AuditDataset {
        var coarse = dataset
        coarse.attributes.remove(at: a)
        coarse.attributeValues.remove(at: a)
        coarse.rowKeys = dataset.rowKeys.indices.map { row in
            zip(coarse.attributes, coarse.attributeValues).map { "\($0)=\($1[row])" }.joined(separator: ";")
        }
        return coarse
    }
}
