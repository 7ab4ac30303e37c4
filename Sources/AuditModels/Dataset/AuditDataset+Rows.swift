extension AuditDataset {
    /// The dataset with only the rows at `rows` (ascending data row indices), every column cut
    /// alike. A site agent uses it to withhold rows before anything is trained or counted.
    public func keepingRows(_ rows: [Int]) -> AuditDataset {
        var out = self
        out.labels = rows.map { labels[$0] }
        if !outcomes.isEmpty { out.outcomes = rows.map { outcomes[$0] } }
        out.attributeValues = attributeValues.map { values in rows.map { values[$0] } }
        out.rowKeys = rows.map { rowKeys[$0] }
        out.numeric = numeric.map { $0.keepingRows(rows) }
        out.categorical = categorical.map { feature in
            CategoricalFeature(name: feature.name, levels: feature.levels, codes: rows.map { feature.codes[$0] })
        }
        return out
    }
}
