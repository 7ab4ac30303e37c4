import AuditStats
import Testing
@testable import AuditAgent

/// Checks one release against the raw rows of a ``RandomSite``: every cell kind of the disclosure
/// model is recomputed from the rows (not read from the extraction) and must be 0 or ≥ min_cell
/// wherever it is released; every withholding must be a finding; findings carry no count.
struct DisclosureChecker {
    let site: RandomSite
    let release: Disclosure.Release

    var m: Int { site.keys.count }
    var context: Comment { "seed \(site.seed), min_cell \(site.minCell), bins \(site.bins)" }
    func small(_ n: Int) -> Bool { n > 0 && n < site.minCell }
    func hasFinding(_ group: String?, _ scope: String) -> Bool {
        release.findings.contains { $0.group == group && $0.scope.rawValue == scope }
    }

    func check() {
        var rowsOf = [[Int]](repeating: [], count: m)
        for i in site.labels.indices { rowsOf[Int(site.groups[i])].append(i) }
        // Group × label cells (also the AUC stratum's M and N) decide which groups are withheld.
        let withheld = Set((0..<m).filter { j in
            let positives = rowsOf[j].filter { site.labels[$0] == 1 }.count
            return small(positives) || small(rowsOf[j].count - positives)
        })
        #expect(release.withheldGroups == Set(withheld.map { site.keys[$0] }), context)
        for j in withheld { #expect(hasFinding(site.keys[j], "group"), context) }
        for finding in release.findings {
            let numbers = finding.reason.split { !$0.isNumber }.compactMap { Int($0) }
            #expect(numbers.allSatisfy { $0 == site.minCell }, "a finding states a count: \(finding.reason); \(context)")
        }
        let kept = site.labels.indices.filter { !withheld.contains(Int(site.groups[$0])) }
        #expect(release.techniques.count == site.personalized.count, context)
        for (t, entry) in release.techniques.enumerated() {
            let statistics = entry.statistics
            var genericWithheld = false, targetWithheld = false
            for j in 0..<m {
                guard !withheld.contains(j), !rowsOf[j].isEmpty else {
                    #expect(statistics.groups[j] == nil, context)
                    continue
                }
                guard let group = statistics.groups[j] else {
                    Issue.record("group \(j) missing; \(context)")
                    continue
                }
                check(group, rows: rowsOf[j], technique: t, population: false, target: j + 1, key: site.keys[j])
                if group.errorRows?[0] == 0 { genericWithheld = true }
                if group.errorRows?[j + 1] == 0 { targetWithheld = true }
                // h0's bins are the same numbers in every technique, and merged the same way.
                let reference = release.techniques[0].statistics.groups[j]?.calibration.first?.edges(model: 0)
                #expect(group.calibration.first?.edges(model: 0) == reference, context)
            }
            let population = statistics.population
            guard !kept.isEmpty else {
                #expect(population.count == 0, context)
                continue
            }
            check(population, rows: kept, technique: t, population: true, target: 1, key: nil)
            if genericWithheld { #expect(population.errorRows?[0] == 0, "complementary (h0): \(context)") }
            if targetWithheld { #expect(population.errorRows?.allSatisfy { $0 == 0 } == true, "complementary (own): \(context)") }
            checkPopulationPartition(statistics)
            checkPopulationJointCells(statistics, rowsOf: rowsOf, technique: t)
        }
    }

    /// Every cell kind of one group (or the population) against its raw rows.
    func check(_ g: GroupStatistics, rows: [Int], technique t: Int, population: Bool, target: Int, key: String?) {
        let models = population ? 2 : m + 1
        func p(_ i: Int, _ r: Int) -> Double { site.probability(i, model: r, technique: t, population: population) }
        let positives = rows.filter { site.labels[$0] == 1 }.count
        #expect(g.count == rows.count && g.positives == positives, context)
        #expect(!small(positives) && !small(rows.count - positives), "group × label cell; \(context)")
        if let auc = g.auc.first {
            #expect(auc.positives == positives && auc.negatives == rows.count - positives, context)
            #expect(!small(auc.positives) && !small(auc.negatives), "AUC M or N; \(context)")
        }
        // Calibration bins of every model, on the released partition.
        guard let stratum = g.calibration.first else {
            Issue.record("no calibration stratum; \(context)")
            return
        }
        func bin(_ probability: Double, model r: Int) -> Int {
            let edges = stratum.edges(model: r), base = CalibrationBins.bin(of: probability, bins: site.bins)
            return edges.firstIndex { $0 >= base } ?? edges.count - 1
        }
        if stratum.edges != nil { #expect(hasFinding(key, "ece_bins"), "merged bins without a finding; \(context)") }
        for r in 0..<models {
            var counts = [Int](repeating: 0, count: stratum.edges(model: r).count)
            for i in rows { counts[bin(p(i, r), model: r)] += 1 }
            #expect(counts == stratum.bins[r].counts, context)
            #expect(!counts.contains(where: small), "bin count of model \(r); \(context)")
        }
        // Joint cells: comparator bin × target bin, recomputed from the rows.
        let targetBins = stratum.edges(model: target).count
        for r in 0..<models where r != target {
            var joint: [Int: Int] = [:]
            for i in rows { joint[bin(p(i, r), model: r) * targetBins + bin(p(i, target), model: target), default: 0] += 1 }
            let sent = stratum.cross[r].cells
            #expect(sent.allSatisfy { (joint[$0] ?? 0) >= site.minCell }, "joint cell of model \(r); \(context)")
            if joint.keys.contains(where: { !sent.contains($0) }) {
                #expect(hasFinding(key, "ece_cross"), "dropped joint cells without a finding; \(context)")
            }
        }
        checkErrors(g, rows: rows, models: models, target: target, key: key, p: p)
    }

    /// wrong[r], its complement and the four McNemar cells of (r, target) for every model.
    func checkErrors(_ g: GroupStatistics, rows: [Int], models: Int, target: Int, key: String?, p: (Int, Int) -> Double) {
        func isWrong(_ i: Int, _ r: Int) -> Bool { (p(i, r) >= 0.5) != (site.labels[i] == 1) }
        var cellsOf: [[Int]] = []
        for r in 0..<models {
            let w = rows.filter { isWrong($0, r) }.count
            let a = rows.filter { isWrong($0, r) && !isWrong($0, target) }.count
            let b = rows.filter { !isWrong($0, r) && isWrong($0, target) }.count
            cellsOf.append([w, rows.count - w, a, b, w - a, rows.count - w - b])
            let released = (g.errorRows?[r] ?? g.count) > 0
            if released {
                #expect(g.errorRows == nil || g.errorRows?[r] == g.count, "a site sends error_rows 0 or the count; \(context)")
                #expect(g.wrong[r] == w && g.discordance[r].n10 == a && g.discordance[r].n01 == b, "model \(r); \(context)")
                #expect(!cellsOf[r].contains(where: small), "error cell of model \(r) released; \(context)")
            } else {
                #expect(g.wrong[r] == 0 && g.discordance[r] == Discordance(n10: 0, n01: 0), "model \(r); \(context)")
                #expect(hasFinding(key, "errors"), "withheld error statistics without a finding; \(context)")
            }
        }
        // A model is withheld only when one of its cells (or one of the target's) is small.
        if key != nil, let rows = g.errorRows {
            for r in 0..<models where rows[r] == 0 {
                #expect(cellsOf[r].contains(where: small) || cellsOf[target].contains(where: small),
                        "model \(r) withheld without need; \(context)")
            }
        }
        // The target withheld means every model withheld.
        if let rows = g.errorRows, rows[target] == 0 { #expect(rows.allSatisfy { $0 == 0 }, context) }
    }

    /// The population's bins are unions of every group's bins of the same model (h0; each row's own
    /// model), so subtracting the other groups from a population bin yields only sums of bins that
    /// are sent anyway.
    func checkPopulationPartition(_ statistics: SiteStatistics) {
        guard let population = statistics.population.calibration.first else { return }
        for group in statistics.groups.compactMap({ $0 }) {
            guard let stratum = group.calibration.first else { continue }
            #expect(Set(population.edges(model: 0)).isSubset(of: stratum.edges(model: 0)),
                    "population h0 bin cuts a group's bin; \(context)")
            #expect(Set(population.edges(model: 1)).isSubset(of: stratum.edges(model: group.target)),
                    "population own-model bin cuts a group's bin; \(context)")
        }
    }

    /// No sent population joint cell holds rows of a group's joint cell that was not sent.
    func checkPopulationJointCells(_ statistics: SiteStatistics, rowsOf: [[Int]], technique t: Int) {
        guard let population = statistics.population.calibration.first else { return }
        let sent = Set(population.cross[0].cells)
        func bin(_ probability: Double, _ partition: [Int]) -> Int {
            let base = CalibrationBins.bin(of: probability, bins: site.bins)
            return partition.firstIndex { $0 >= base } ?? partition.count - 1
        }
        for (j, group) in statistics.groups.enumerated() {
            guard let stratum = group?.calibration.first else { continue }
            let h0 = stratum.edges(model: 0), own = stratum.edges(model: j + 1)
            let populationH0 = population.edges(model: 0), populationOwn = population.edges(model: 1)
            for i in rowsOf[j] {
                let p0 = site.probability(i, model: 0, technique: t), pt = site.probability(i, model: j + 1, technique: t)
                guard !stratum.cross[0].cells.contains(bin(p0, h0) * own.count + bin(pt, own)) else { continue }
                let populationCell = bin(p0, populationH0) * populationOwn.count + bin(pt, populationOwn)
                #expect(!sent.contains(populationCell), "population joint cell reveals a dropped group cell; \(context)")
            }
        }
    }
}
