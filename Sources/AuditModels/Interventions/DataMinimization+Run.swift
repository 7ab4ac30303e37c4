import AuditCore
import AuditModelTypes
import AuditSpec
import AuditStats

extension DataMinimization {
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
