import AuditTable
import Foundation
import Testing

/// `NumericPrecision.single(except:)`: numeric columns rounded to floats, the named ones exact.
@Suite("Numeric columns read in single precision")
struct SinglePrecisionColumnTests {
    @Test("numbers are the exact parse rounded to float; excepted, text and categorical columns are unchanged")
    func rounding() throws {
        var text = "y,x,late,c\n"
        for i in 0..<300 {
            let x = i % 7 == 0 ? "" : "\(Double(i) * 0.1 + 123456.789)"
            text += "\(i % 2),\(x),\(i < 250 ? "\(i)" : "word"),k\(i % 3)\n"
        }
        let exact = try DataTable.parse(bytes: Array(text.utf8), source: "t.csv")
        let single = try DataTable.parse(bytes: Array(text.utf8), source: "t.csv", numbers: .single(except: ["y"]))
        guard case .numeric(let x)? = exact.column(named: "x")?.values,
              case .single(let xs)? = single.column(named: "x")?.values else {
            Issue.record("x: expected exact doubles, then floats")
            return
        }
        #expect(xs.count == 300)
        for i in x.indices { #expect(x[i].isNaN ? xs[i].isNaN : xs[i] == Float(x[i])) }
        #expect(single.column(named: "x")?.kind == .numeric && single.column(named: "x")?.missingCount == 43)
        #expect(single.column(named: "y")?.values == exact.column(named: "y")?.values)
        if case .numeric = single.column(named: "y")?.values {} else { Issue.record("y must stay exact") }
        #expect(single.column(named: "late")?.values == exact.column(named: "late")?.values)
        #expect(single.column(named: "c")?.values == exact.column(named: "c")?.values)
    }

    @Test("a field that is not a number in a forced numeric column is still an error naming the column and line")
    func errors() {
        let text = "y,x\n1,2.5\n0,abc\n"
        #expect(throws: DataError.self) {
            try DataTable.parse(bytes: Array(text.utf8), source: "t.csv", kinds: ["x": .numeric], numbers: .single(except: []))
        }
        do {
            _ = try DataTable.parse(bytes: Array(text.utf8), source: "t.csv", kinds: ["x": .numeric], numbers: .single(except: []))
        } catch {
            #expect(error.column == "x" && error.line == 3)
        }
    }
}
