import AuditTable
import Foundation
import Testing

/// Missing values, numeric/categorical inference, per-column overrides, level ordering.
@Suite("Column typing")
struct ColumnTypingTests {
    @Test(arguments: ["", "NA", "N/A", "NaN", "nan", "NULL"])
    func missingSpellingsInNumericColumn(spelling: String) throws {
        let t = try csvTable("x,y\n1,a\n\(spelling),b\n3,c\n")
        let x = try #require(t.column(named: "x"))
        #expect(x.kind == .numeric)
        #expect(x.missingCount == 1)
        #expect(csvSameBits(csvNumbers(t, "x"), [1, .nan, 3]))
    }

    @Test(arguments: ["", "NA", "N/A", "NaN", "nan", "NULL"])
    func missingSpellingsInCategoricalColumn(spelling: String) throws {
        let t = try csvTable("g,n\nb,1\n\(spelling),2\na,3\n")
        #expect(csvCategories(t, "g").levels == ["a", "b"])
        #expect(csvCategories(t, "g").codes == [1, -1, 0])
        #expect(t.column(named: "g")!.missingCount == 1)
    }

    @Test func blankLineInSingleColumnFileIsSkippedNotMissing() throws {
        // Like pandas (skip_blank_lines=True): an empty line is not a record.
        let t = try csvTable("x\n1\n\n2\n")
        #expect(csvNumbers(t, "x") == [1, 2])
    }

    @Test func otherSpellingsAreNotMissingText() throws {
        let t = try csvTable("g\nnull\nna\nNone\n")
        #expect(t.column(named: "g")!.kind == .categorical)
        #expect(t.column(named: "g")!.missingCount == 0)
        #expect(csvCategories(t, "g").levels == ["None", "na", "null"])
    }

    @Test func nanSpellingsAreMissingInNumericColumns() throws {
        // Any spelling Python's float() reads as NaN is a missing number, not an error.
        let t = try csvTable("x\n1\nNAN\n-nan\n+NaN\n")
        #expect(csvSameBits(csvNumbers(t, "x"), [1, .nan, .nan, .nan]))
    }

    @Test func numericSyntaxAcceptedLikePythonFloat() throws {
        let t = try csvTable("x\n1\n-2.5\n+3\n.5\n5.\n1e3\n1E-2\n-0\n\" 7 \"\n0001.2500\n12345678901234567890123\n")
        let expected: [Double] = [1, -2.5, 3, 0.5, 5, 1000, 0.01, -0.0, 7, 1.25, 1.2345678901234568e22]
        #expect(csvSameBits(csvNumbers(t, "x"), expected))
    }

    @Test func inferenceCategoricalWhenAnyFieldIsNotANumber() throws {
        let t = try csvTable("code,v\n1,1\n2,2\nX3,3\n10,4\n")
        let code = try #require(t.column(named: "code"))
        #expect(code.kind == .categorical)
        // Numbers keep their text and sort as text (code-point order).
        #expect(csvCategories(t, "code").levels == ["1", "10", "2", "X3"])
        #expect(csvTexts(t, "code") == ["1", "2", "X3", "10"])
        #expect(t.column(named: "v")!.kind == .numeric)
    }

    @Test(arguments: ["1_000", "0x10", "1e", ".", "-", "1.2.3", "١٢", "1,5"])
    func nonDecimalSyntaxIsText(field: String) throws {
        let quoted = "\"" + field + "\""
        let t = try csvTable("x\n1\n\(quoted)\n")
        #expect(t.column(named: "x")!.kind == .categorical)
        #expect(csvTexts(t, "x") == ["1", field])
    }

    @Test func allMissingColumnIsNumeric() throws {
        let t = try csvTable("a,b\n,1\nNA,2\n")
        #expect(t.column(named: "a")!.kind == .numeric)
        #expect(t.column(named: "a")!.missingCount == 2)
    }

    @Test func forcingCategoricalKeepsNumberText() throws {
        let t = try csvTable("site,v\n1,0.5\n01,1\n1.0,2\n,3\n", kinds: ["site": .categorical])
        #expect(csvCategories(t, "site").levels == ["01", "1", "1.0"])
        #expect(csvTexts(t, "site") == ["1", "01", "1.0", nil])
        #expect(t.column(named: "v")!.kind == .numeric)
    }

    @Test func forcingNumericOnNumbersWorks() throws {
        let t = try csvTable("a\n1\nNA\n2\n", kinds: ["a": .numeric])
        #expect(csvSameBits(csvNumbers(t, "a"), [1, .nan, 2]))
    }

    @Test func categoricalLevelsSortByCodePoint() throws {
        let t = try csvTable("g\nb\nB\na\nÄ\nä\nZ\n_\n")
        // Python: sorted(["b","B","a","Ä","ä","Z","_"]) == ['B', 'Z', '_', 'a', 'b', 'Ä', 'ä']
        #expect(csvCategories(t, "g").levels == ["B", "Z", "_", "a", "b", "Ä", "ä"])
        #expect(csvTexts(t, "g") == ["b", "B", "a", "Ä", "ä", "Z", "_"])
    }

    @Test func canonicallyEquivalentButDistinctBytesStayDistinctLevels() throws {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301): distinct in Python, so distinct here.
        let t = try csvTable("g\n\u{E9}\ne\u{301}\n\u{E9}\n")
        let (levels, codes) = csvCategories(t, "g")
        #expect(levels.count == 2)
        #expect(codes[0] == codes[2])
        #expect(codes[0] != codes[1])
        #expect(Array(levels[0].unicodeScalars).map(\.value) == [0x65, 0x301])
    }

    @Test func categoricalTextIsNotTrimmed() throws {
        let t = try csvTable("g\n a\na\n")
        #expect(csvCategories(t, "g").levels == [" a", "a"])
    }

    @Test func kindAndMissingCountAndLookup() throws {
        let t = try csvTable("a,b\n1,x\n,y\n3,\n")
        #expect(t.columnNames == ["a", "b"])
        #expect(t.column(named: "a")?.kind == .numeric)
        #expect(t.column(named: "b")?.kind == .categorical)
        #expect(t.column(named: "a")?.missingCount == 1)
        #expect(t.column(named: "b")?.missingCount == 1)
        #expect(t.column(named: "zzz") == nil)
        #expect(t.source == "t.csv")
    }

    @Test func columnEqualityTreatsMissingAsEqual() {
        let a = DataColumn(name: "x", values: .numeric([1, .nan]))
        let b = DataColumn(name: "x", values: .numeric([1, .nan]))
        let c = DataColumn(name: "x", values: .numeric([1, 2]))
        #expect(a == b)
        #expect(a != c)
    }

    @Test func tableBuiltInCode() {
        let t = DataTable(source: "mem", columns: [
            DataColumn(name: "x", values: .numeric([1, 2])),
            DataColumn(name: "g", values: .categorical(levels: ["a"], codes: [0, -1])),
        ])
        #expect(t.rowCount == 2)
        #expect(t.column(named: "g")?.missingCount == 1)
    }
}
