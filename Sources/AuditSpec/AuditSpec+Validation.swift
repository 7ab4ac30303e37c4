extension AuditSpec {
    /// Checks ranges and the consistency of keys with each other, for a spec built in code or
    /// decoded from JSON (``parse(yaml:source:)`` and ``load(path:)`` already do this).
    ///
    /// Checks: the format version; the name's characters; non-empty names and paths; at least one
    /// group attribute, unique by column and by display name, none of them the outcome; cut points
    /// finite and strictly increasing; feature lists without duplicates, without the outcome or a
    /// group column, `include`/`exclude` and `categorical`/`numeric` disjoint; a known model class,
    /// C finite and > 0; techniques and metrics non-empty without duplicates; test fraction in
    /// (0, 1); α in (0, 0.5); B in 0 … 100000; ECE bins in 2 … 100; `decoupled.min_rows` ≥ 1;
    /// model class, metrics and options consistent with `outcome.type` (see `validateOutcomeType`).
    /// - Parameter source: the name used as ``SpecError/file`` in errors.
    public func validate(source: String = "<spec>") throws(SpecError) {
        try validate(source: source, lines: [:])
    }

    /// Allowed characters of ``name``.
    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "_" || character == "-")
    }

    func validate(source: String, lines: [String: Int]) throws(SpecError) {
        func fail(_ code: SpecError.Code, _ key: String, _ message: String, lineOf lineKey: String? = nil) -> SpecError {
            SpecError(code: code, file: source, key: key, line: lines[lineKey ?? key] ?? lines[key], message: message)
        }

        guard formatVersion == Self.currentFormatVersion else {
            throw fail(.unsupportedVersion, "fairuse",
                       "spec format version \(formatVersion) is not supported; this build reads version \(Self.currentFormatVersion)")
        }
        guard !name.isEmpty, name.allSatisfy(Self.isNameCharacter) else {
            throw fail(.invalidValue, "name", "expected a name of letters, digits, '.', '_' and '-', found '\(name)'")
        }
        if let dataPath, dataPath.isEmpty {
            throw fail(.invalidValue, "data", "expected a file path, found an empty string")
        }
        guard !outcome.column.isEmpty else {
            throw fail(.invalidValue, "outcome.column", "expected the outcome column name, found an empty string")
        }
        guard !outcome.positive.isEmpty else {
            throw fail(.invalidValue, "outcome.positive", "expected the positive class value, found an empty string")
        }

        // Groups.
        guard !groups.isEmpty else {
            throw fail(.invalidValue, "groups", "expected at least one group attribute")
        }
        for (index, group) in groups.enumerated() {
            let key = "groups[\(index)]"
            let columnLine = key + ".column"
            guard !group.column.isEmpty else {
                throw fail(.invalidValue, key, "expected a column name, found an empty string", lineOf: columnLine)
            }
            if let name = group.name, name.isEmpty {
                throw fail(.invalidValue, key + ".name", "expected a display name, found an empty string")
            }
            guard group.column != outcome.column else {
                throw fail(.invalidValue, key,
                           "column '\(group.column)' is the outcome column; a group attribute must be another column",
                           lineOf: columnLine)
            }
            if let earlier = groups[..<index].firstIndex(where: { $0.column == group.column }) {
                throw fail(.duplicate, key, "column '\(group.column)' is already group attribute groups[\(earlier)]",
                           lineOf: columnLine)
            }
            if let earlier = groups[..<index].firstIndex(where: { $0.displayName == group.displayName }) {
                throw fail(.duplicate, key, "name '\(group.displayName)' is already used by groups[\(earlier)]",
                           lineOf: columnLine)
            }
            if let cuts = group.cuts {
                let cutsKey = key + ".cuts"
                guard !cuts.isEmpty else {
                    throw fail(.invalidValue, cutsKey, "expected at least one cut point, found an empty list")
                }
                if let bad = cuts.first(where: { !$0.isFinite }) {
                    throw fail(.invalidValue, cutsKey, "expected finite cut points, found \(bad)")
                }
                for (lower, upper) in zip(cuts, cuts.dropFirst()) where !(lower < upper) {
                    throw fail(.invalidValue, cutsKey,
                               "expected strictly increasing cut points, found \(GroupAttributeSpec.label(upper)) after \(GroupAttributeSpec.label(lower))")
                }
            }
        }

        // Features.
        let groupColumns = Set(groups.map(\.column))
        if let include = features.include, include.isEmpty {
            throw fail(.invalidValue, "features.include",
                       "expected at least one column (leave include out to use every eligible column)")
        }
        let lists: [(key: String, columns: [String], canHoldOutcomeOrGroup: Bool)] = [
            ("features.include", features.include ?? [], false),
            ("features.exclude", features.exclude, true),
            ("features.categorical", features.categorical, false),
            ("features.numeric", features.numeric, false),
        ]
        for list in lists {
            for (index, column) in list.columns.enumerated() {
                let key = "\(list.key)[\(index)]"
                guard !column.isEmpty else {
                    throw fail(.invalidValue, key, "expected a column name, found an empty string")
                }
                if let earlier = list.columns[..<index].firstIndex(of: column) {
                    throw fail(.duplicate, key, "column '\(column)' is already listed at \(list.key)[\(earlier)]")
                }
                if list.canHoldOutcomeOrGroup { continue }
                if column == outcome.column {
                    throw fail(.invalidValue, key, "column '\(column)' is the outcome; it cannot be a feature")
                }
                if groupColumns.contains(column) {
                    throw fail(.invalidValue, key,
                               "column '\(column)' is a group attribute; group attributes are never features (each technique adds them itself)")
                }
            }
        }
        if let include = features.include,
           let index = features.exclude.firstIndex(where: include.contains) {
            throw fail(.invalidValue, "features.exclude[\(index)]",
                       "column '\(features.exclude[index])' is both included and excluded")
        }
        if let index = features.numeric.firstIndex(where: features.categorical.contains) {
            throw fail(.invalidValue, "features.numeric[\(index)]",
                       "column '\(features.numeric[index])' is typed both categorical and numeric")
        }

        // Model, techniques, metrics.
        guard ModelClass.allCases.contains(model.modelClass) else {
            throw fail(.invalidValue, "model.class",
                       "unknown model class '\(model.modelClass)'; expected one of "
                       + ModelClass.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let fixed = model.fixed {
            guard techniques == [fixed.technique] else {
                throw fail(.invalidValue, "techniques", "a fixed model is evaluated with its own technique; expected techniques: [\(fixed.technique.rawValue)]")
            }
            let all = fixed.generic.coefficients + fixed.personalized.coefficients + fixed.groupOffsets + fixed.impute
            guard ([fixed.generic.intercept, fixed.personalized.intercept] + all.map(\.value)).allSatisfy(\.isFinite) else {
                throw fail(.invalidValue, "model.fixed", "every intercept, coefficient, offset and imputed value must be a finite number")
            }
        }
        guard model.inverseRegularization.isFinite, model.inverseRegularization > 0 else {
            throw fail(.invalidValue, "model.C", "expected a number > 0, found \(model.inverseRegularization)")
        }
        try validateHyperparameters(fail: fail)
        try Self.checkChoices(techniques, key: "techniques", fail: fail)
        try Self.checkChoices(metrics, key: "metrics", fail: fail)
        try validateOutcomeType(fail: fail)

        // Split and tests.
        guard split.testFraction > 0, split.testFraction < 1 else {
            throw fail(.invalidValue, "split.test_fraction", "expected a number in (0, 1), found \(split.testFraction)")
        }
        guard tests.alpha > 0, tests.alpha < 0.5 else {
            throw fail(.invalidValue, "tests.alpha", "expected a number in (0, 0.5), found \(tests.alpha)")
        }
        guard (0...100_000).contains(tests.bootstrapReplicates) else {
            throw fail(.invalidValue, "tests.bootstrap",
                       "expected an integer in 0 … 100000 (0 skips the bootstrap), found \(tests.bootstrapReplicates)")
        }
        guard (2...100).contains(tests.eceBins) else {
            throw fail(.invalidValue, "tests.ece_bins", "expected an integer in 2 … 100, found \(tests.eceBins)")
        }
        guard decoupled.minRows >= 1 else {
            throw fail(.invalidValue, "decoupled.min_rows", "expected an integer ≥ 1, found \(decoupled.minRows)")
        }
    }

    /// Ranges of the random-forest and neural-network hyperparameters; a fixed model is logistic.
    private func validateHyperparameters(fail: (SpecError.Code, String, String, String?) -> SpecError) throws(SpecError) {
        if model.fixed != nil, model.modelClass != .logisticRegression {
            throw fail(.invalidValue, "model.class", "a fixed model is a logistic regression; expected class logistic_regression with model.fixed", nil)
        }
        if let forest = model.forest {
            guard model.modelClass == .randomForest else {
                throw fail(.invalidValue, "model.class", "random-forest hyperparameters with class \(model.modelClass)", nil)
            }
            let checks: [(String, Int, ClosedRange<Int>)] = [
                ("model.trees", forest.trees, 1...10_000), ("model.max_depth", forest.maxDepth, 1...100),
                ("model.min_samples_split", forest.minSamplesSplit, 2...Int(Int32.max)),
                ("model.min_samples_leaf", forest.minSamplesLeaf, 1...Int(Int32.max)),
            ]
            for (key, value, range) in checks where !range.contains(value) {
                let upper = range.upperBound == Int(Int32.max) ? "" : " … \(range.upperBound)"
                throw fail(.invalidValue, key, "expected an integer \(upper.isEmpty ? "≥ \(range.lowerBound)" : "in \(range.lowerBound)\(upper)"), found \(value)", nil)
            }
            if case .count(let k) = forest.maxFeatures, k < 1 {
                throw fail(.invalidValue, "model.max_features", "expected sqrt, log2, all or an integer ≥ 1, found \(k)", nil)
            }
        }
        if let network = model.network {
            guard model.modelClass == .neuralNetwork else {
                throw fail(.invalidValue, "model.class", "neural-network hyperparameters with class \(model.modelClass)", nil)
            }
            guard (1...8).contains(network.hidden.count) else {
                throw fail(.invalidValue, "model.hidden", "expected 1 … 8 layer sizes, found \(network.hidden.count)", nil)
            }
            if let index = network.hidden.firstIndex(where: { !(1...1024).contains($0) }) {
                throw fail(.invalidValue, "model.hidden[\(index)]", "expected a layer size in 1 … 1024, found \(network.hidden[index])", "model.hidden")
            }
            guard network.learningRate.isFinite, network.learningRate > 0 else {
                throw fail(.invalidValue, "model.learning_rate", "expected a number > 0, found \(network.learningRate)", nil)
            }
            guard network.l2.isFinite, network.l2 >= 0 else {
                throw fail(.invalidValue, "model.l2", "expected a number ≥ 0, found \(network.l2)", nil)
            }
            guard network.batchSize >= 1 else {
                throw fail(.invalidValue, "model.batch_size", "expected an integer ≥ 1, found \(network.batchSize)", nil)
            }
            guard (1...100_000).contains(network.maxEpochs) else {
                throw fail(.invalidValue, "model.max_epochs", "expected an integer in 1 … 100000, found \(network.maxEpochs)", nil)
            }
            guard network.calibrationFraction > 0, network.calibrationFraction <= 0.5 else {
                throw fail(.invalidValue, "model.calibration_fraction", "expected a number in (0, 0.5], found \(network.calibrationFraction)", nil)
            }
        }
    }

    /// Non-empty and without duplicates.
    private static func checkChoices<T: RawRepresentable & CaseIterable & Equatable>(
        _ values: [T], key: String, fail: (SpecError.Code, String, String, String?) -> SpecError
    ) throws(SpecError) where T.RawValue == String {
        guard !values.isEmpty else {
            throw fail(.invalidValue, key,
                       "expected at least one of " + T.allCases.map(\.rawValue).joined(separator: ", ") + ", found an empty list", nil)
        }
        for (index, value) in values.enumerated() {
            if let earlier = values[..<index].firstIndex(of: value) {
                throw fail(.duplicate, "\(key)[\(index)]", "'\(value.rawValue)' is already listed at \(key)[\(earlier)]", nil)
            }
        }
    }
}
