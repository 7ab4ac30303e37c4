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
        release.findings.contains { $0.group == group && $0.scope == scope }
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
            var anyErrorsWithheld = false
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
                anyErrorsWithheld = anyErrorsWithheld || group.errorRows == 0
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
            if anyErrorsWithheld { #expect(population.errorRows == 0, "complementary: \(context)") }
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
        var wrong: [Int] = [], n10: [Int] = [], n01: [Int] = [], cells: [Int] = []
        for r in 0..<models {
            let w = rows.filter { isWrong($0, r) }.count
            let a = rows.filter { isWrong($0, r) && !isWrong($0, target) }.count
            let b = rows.filter { !isWrong($0, r) && isWrong($0, target) }.count
            wrong.append(w); n10.append(a); n01.append(b)
            cells += [w, rows.count - w, a, b, w - a, rows.count - w - b]
        }
        switch g.errorRows {
        case nil:
            #expect(g.wrong == wrong && g.discordance.map(\.n10) == n10 && g.discordance.map(\.n01) == n01, context)
            #expect(!cells.contains(where: small), "error cell released; \(context)")
        case 0?:
            #expect(g.wrong.allSatisfy { $0 == 0 } && g.discordance.allSatisfy { $0.n10 == 0 && $0.n01 == 0 }, context)
            #expect(hasFinding(key, "errors"), "withheld error statistics without a finding; \(context)")
            if key != nil { #expect(cells.contains(where: small), "withheld without need; \(context)") }
        default:
            Issue.record("a site sends error_rows 0 or nothing; \(context)")
        }
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
