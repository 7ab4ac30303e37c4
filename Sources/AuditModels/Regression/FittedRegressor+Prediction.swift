import AuditModelTypes

extension LinearRegressionModel {
    /// ŷ for every row of `design` with the columns of `extra` appended (without copying either).
    public func predict(_ design: DesignMatrix, appending extra: DesignMatrix? = nil) -> [Double] {
        let d = design.columnCount, e = extra?.columnCount ?? 0
        precondition(coefficients.count == d + e, "LinearRegressionModel: \(d + e) columns, expected \(coefficients.count)")
        precondition(extra == nil || extra!.rowCount == design.rowCount, "LinearRegressionModel: appended rows differ")
        var out = [Double](repeating: intercept, count: design.rowCount)
        for i in 0..<design.rowCount {
            var s = intercept
            for j in 0..<d { s += design.values[i * d + j] * coefficients[j] }
            if let extra { for j in 0..<e { s += extra.values[i * e + j] * coefficients[d + j] } }
            out[i] = s
        }
        return out
    }
}

extension FittedRegressor {
    /// ŷ for every row of `design` with `extra` columns (group indicators) appended.
    public func predict(_ design: DesignMatrix, appending extra: DesignMatrix? = nil) -> [Double] {
        switch self {
        case .ridge(let model): model.predict(design, appending: extra)
        }
    }
}
