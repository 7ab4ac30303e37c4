import AuditModelTypes
import AuditStats

/// The tables of truthful reporting, interventions and model selection of one technique, shared by
/// the terminal and Markdown reports (each renders a ``Block`` its own way).
public enum InterventionTables {
    /// A titled table.
    public struct Block: Sendable, Equatable {
        /// Title line.
        public var title: String
        /// Column names.
        public var header: [String]
        /// Rows of cells.
        public var rows: [[String]]
        /// A sentence under the table (what its population columns compare), if any.
        public var note: String? = nil
    }

    /// Every block of a technique section, in report order; empty when it carries none.
    public static func blocks(_ section: ReportDocument.TechniqueSection) -> [Block] {
        var blocks: [Block] = []
        let name = section.name
        if let truthful = section.truthfulReporting {
            blocks.append(truthfulBlock(name, truthful))
        }
        if let assignment = section.interventions?.assignGeneric {
            blocks.append(assignGenericBlock(name, assignment))
        }
        if let best = section.interventions?.bestOfModels {
            blocks.append(bestOfBlock(name, best))
        }
        if let minimization = section.interventions?.dataMinimization, !minimization.attributes.isEmpty {
            blocks.append(minimizationBlock(name, minimization))
        }
        if let selection = section.modelSelection {
            blocks.append(contentsOf: selectionBlocks(name, selection))
        }
        return blocks
    }

    static func truthfulBlock(_ name: String, _ truthful: TruthfulReporting) -> Block {
        var rows: [[String]] = []
        for metric in truthful.metrics {
            for c in metric.groups where c.best != .truthful {
                rows.append([metric.metric.rawValue, c.key, c.best == .withhold ? "withhold (h0)" : "report \(c.reportAs ?? "?")",
                             NumberFormat.fixed(c.truthfulValue), NumberFormat.fixed(c.bestValue), NumberFormat.signed(c.gain),
                             NumberFormat.pValue(c.pViolation), c.significant ? "SIGNIFICANT" : "not significant"])
            }
            if !metric.groups.contains(where: { $0.best != .truthful }) {
                rows.append([metric.metric.rawValue, "every group", "truthful", "", "", "", "", ""])
            }
        }
        return Block(title: "\(name) · truthful reporting (ICML 2023 Prop. 2): groups whose best report is not the truth",
                     header: ["metric", "group", "best report", "truthful", "best", "gain over truth", ReportWording.pHeader("viol.", adjustedBy: nil), "test"],
                     rows: rows)
    }

    static func assignGenericBlock(_ name: String, _ assignment: GenericAssignment) -> Block {
        let rows = assignment.metrics.map { m -> [String] in
            let p = m.population
            return [m.metric.rawValue, m.switched.isEmpty ? "—" : m.switched.joined(separator: ", "),
                    "\(NumberFormat.fixed(p.before)) → \(NumberFormat.fixed(p.after))", NumberFormat.fixed(p.generic),
                    "\(NumberFormat.signed(p.gainBefore)) → \(NumberFormat.signed(p.gainAfter))"]
        }
        return Block(title: "\(name) · intervention: assign h0 to groups with a rationality violation (§5.2)",
                     header: ["metric", "groups switched to h0", "population before → after", "h0", "population gain before → after"],
                     rows: rows, note: ReportWording.populationGain)
    }

    static func bestOfBlock(_ name: String, _ best: BestModelAssignment) -> Block {
        var rows: [[String]] = []
        let metric = best.selectionMetric
        for g in best.groups {
            let t = g.test.first { $0.metric == metric }
            rows.append([g.key, g.chosen.rawValue, g.validation.map { NumberFormat.fixed($0) }.joined(separator: " / "),
                         NumberFormat.fixed(t?.generic), NumberFormat.fixed(t?.personalized), NumberFormat.fixed(t?.assigned),
                         "\(NumberFormat.signed(t?.gainBefore)) → \(NumberFormat.signed(t?.gainAfter))"])
        }
        for p in best.population {
            rows.append(["(all) \(p.metric.rawValue)", "", "", NumberFormat.fixed(p.generic), NumberFormat.fixed(p.personalized),
                         NumberFormat.fixed(p.assigned), "\(NumberFormat.signed(p.gainBefore)) → \(NumberFormat.signed(p.gainAfter))"])
        }
        let percent = Int((best.validationFraction * 100).rounded())
        return Block(title: "\(name) · intervention: best of h0 / h_g / h_g^dec per group, chosen by \(metric.rawValue) on a \(percent)% validation split of the training rows (\(best.fitRows) fit, \(best.validationRows) validation rows); test \(metric.rawValue)",
                     header: ["group", "chosen", "validation h0 / h_g / dec", "test h0", "h_g (before)", "assigned (after)", "gain before → after"],
                     rows: rows, note: "(all): the population. " + ReportWording.populationGain)
    }

    static func minimizationBlock(_ name: String, _ minimization: DataMinimization) -> Block {
        var rows: [[String]] = []
        for attribute in minimization.attributes {
            for metric in attribute.metrics {
                let none = metric.groups.filter(\.needNotCollect)
                let harmed = none.filter { $0.flag == .violation }
                rows.append([attribute.attribute, metric.metric.rawValue, "\(none.count) of \(metric.groups.count)",
                             none.isEmpty ? "—" : none.map { "\($0.key) (\(NumberFormat.signed($0.gain)))" }.joined(separator: ", "),
                             harmed.isEmpty ? "—" : harmed.map(\.key).joined(separator: ", ")])
            }
        }
        return Block(title: "\(name) · data minimization: groups that gain nothing from reporting an attribute (gain of reporting it; model refitted without it)",
                     header: ["attribute", "metric", "groups", "need not report it (gain)", "significantly harmed by reporting it"],
                     rows: rows)
    }

    static func selectionBlocks(_ name: String, _ selection: RegularizationSelection) -> [Block] {
        let grid = selection.grid.map { p -> [String] in
            var marks: [String] = []
            if p.c == selection.populationBest { marks.append("population-best") }
            if p.c == selection.worstGroupBest { marks.append("worst-group-best") }
            return [cText(p.c), NumberFormat.fixed(p.population),
                    "\(NumberFormat.fixed(p.worstValue)) (\(p.worstGroup ?? "—"))", marks.joined(separator: ", ")]
        }
        var outcomes: [[String]] = []
        for (label, c, list) in [("population-best", selection.populationBest, selection.atPopulationBest),
                                 ("worst-group-best", selection.worstGroupBest, selection.atWorstGroupBest)] {
            for o in list ?? [] {
                outcomes.append(["\(label) C = \(cText(c))", o.metric.rawValue, NumberFormat.fixed(o.personalized),
                                 NumberFormat.signed(o.gain), "\(NumberFormat.signed(o.worstGroup?.gain)) (\(o.worstGroup?.key ?? "—"))",
                                 "\(o.rationality.violations)", "\(o.envy.violations)",
                                 o.rationalityViolations.isEmpty ? "—" : o.rationalityViolations.joined(separator: ", ")])
            }
        }
        return [
            Block(title: "\(name) · model selection (§3.1): \(selection.folds)-fold cross-validated \(selection.metric.rawValue) of the personalized model per C",
                  header: ["C", "population", "worst group", "chosen as"], rows: grid),
            Block(title: "\(name) · the audit on the test split at each chosen C",
                  header: ["choice", "metric", "personalized", "population gain", "worst group gain", "rat V", "EF V", "groups with a rationality violation"],
                  rows: outcomes, note: ReportWording.populationGain),
        ]
    }

    /// C as written in a spec: 1000, 0.001.
    static func cText(_ c: Double) -> String {
        c == c.rounded() && abs(c) < 1e15 ? String(Int64(c)) : "\(c)"
    }
}
