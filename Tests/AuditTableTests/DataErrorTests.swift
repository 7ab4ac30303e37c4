import AuditTable
import Foundation
import Testing

/// Every error: its code, line and column, and that no data value leaks into the message.
@Suite("Data errors")
struct DataErrorTests {
    /// Asserts the error's text never contains `secret`.
    func expectNoLeak(_ error: DataError, _ secret: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!error.message.contains(secret), sourceLocation: sourceLocation)
        #expect(!error.description.contains(secret), sourceLocation: sourceLocation)
    }

    @Test func emptyFile() throws {
        let e = try #require(csvError(""))
        #expect(e.code == .emptyFile)
        #expect(e.file == "t.csv")
        #expect(e.line == nil)
    }

    @Test func onlyBOMAndBlankLinesIsEmpty() throws {
        let e = try #require(csvError(bytes: [0xEF, 0xBB, 0xBF, 0x0A, 0x0D, 0x0A]))
        #expect(e.code == .emptyFile)
    }

    @Test(arguments: ["a,b", "a,b\n", "a,b\r\n\r\n\n"])
    func headerOnlyIsNoDataRows(text: String) throws {
        let e = try #require(csvError(text))
        #expect(e.code == .noDataRows)
        #expect(e.message.contains("no data rows"))
    }

    @Test func raggedRowTooFew() throws {
        let e = try #require(csvError("a,b,c\n1,2,3\n4,5\n6,7,8\n"))
        #expect(e.code == .raggedRow)
        #expect(e.line == 3)
        #expect(e.column == nil)
        #expect(e.message == "expected 3 fields, found 2")
        #expect(e.description == "t.csv:3: expected 3 fields, found 2")
        expectNoLeak(e, "4")
    }

    @Test func raggedRowTooMany() throws {
        let e = try #require(csvError("a,b\n1,2\n3,4,secret,\"x\"\n"))
        #expect(e.code == .raggedRow)
        #expect(e.line == 3)
        #expect(e.message == "expected 2 fields, found 4")
        expectNoLeak(e, "secret")
    }

    @Test func raggedRowLineIsWhereAMultiLineRecordStarts() throws {
        let e = try #require(csvError("a,b\n\"x\ny\",1\n\"p\nq\nr\",2,3\n"))
        #expect(e.code == .raggedRow)
        #expect(e.line == 4)
    }

    @Test func raggedRowLineCountsBlankLinesAndCRLF() throws {
        let e = try #require(csvError("a,b\r\n1,2\r\n\r\n3\r\n"))
        #expect(e.code == .raggedRow)
        #expect(e.line == 4)
    }

    @Test func unterminatedQuoteReportsWhereTheFieldStarted() throws {
        let e = try #require(csvError("a,b\n1,2\n3,\"secret\nstill open\n4,5\n"))
        #expect(e.code == .unterminatedQuote)
        #expect(e.line == 3)
        expectNoLeak(e, "secret")
    }

    @Test func unterminatedQuoteInHeader() throws {
        let e = try #require(csvError("a,\"b\n1,2\n"))
        #expect(e.code == .unterminatedQuote)
        #expect(e.line == 1)
    }

    @Test func unterminatedQuoteInLaterFieldOfMultiLineRecord() throws {
        let e = try #require(csvError("a,b\n\"x\ny\",\"open\n1,2\n"))
        #expect(e.code == .unterminatedQuote)
        #expect(e.line == 3)
    }

    @Test func invalidUTF8InTextColumn() throws {
        let bytes = Array("name,v\nok,1\n".utf8) + [0x62, 0xFF, 0x63] + Array(",2\n".utf8)
        let e = try #require(csvError(bytes: bytes))
        #expect(e.code == .invalidUTF8)
        #expect(e.line == 3)
        #expect(e.column == "name")
    }

    @Test func invalidUTF8InHeader() throws {
        let e = try #require(csvError(bytes: [0x61, 0x2C, 0xC3, 0x28, 0x0A, 0x31, 0x2C, 0x32, 0x0A]))
        #expect(e.code == .invalidUTF8)
        #expect(e.line == 1)
    }

    @Test func invalidUTF8InForcedNumericColumn() throws {
        let bytes = Array("v\n1\n".utf8) + [0xFE] + Array("\n".utf8)
        let e = try #require(csvError(bytes: bytes, kinds: ["v": .numeric]))
        #expect(e.code == .invalidUTF8)
        #expect(e.line == 3)
        #expect(e.column == "v")
    }

    @Test func duplicateColumn() throws {
        let e = try #require(csvError("id,age, age\n1,2,3\n"))
        #expect(e.code == .duplicateColumn)
        #expect(e.column == "age")
        #expect(e.line == 1)
    }

    @Test(arguments: ["a,,b\n1,2,3\n", "a, \t,b\n1,2,3\n", "a,\"\"\n1,2\n"])
    func emptyColumnName(text: String) throws {
        let e = try #require(csvError(text))
        #expect(e.code == .emptyColumnName)
        #expect(e.line == 1)
    }

    @Test func notNumericInForcedColumn() throws {
        let e = try #require(csvError("id,creatinine\n1,0.9\n2,high-7731\n3,1.1\n", kinds: ["creatinine": .numeric]))
        #expect(e.code == .notNumeric)
        #expect(e.line == 3)
        #expect(e.column == "creatinine")
        #expect(e.message.contains("non-numeric value"))
        #expect(e.description.hasPrefix("t.csv:3: column 'creatinine': expected a number"))
        expectNoLeak(e, "high-7731")
    }

    @Test(arguments: ["inf", "-Infinity", "INF", "+inf", "1e999", "-1e400", "\"1e99999\""])
    func nonFiniteInNumericColumn(field: String) throws {
        let e = try #require(csvError("id,creatinine\n1,0.9\n2,0.8\n3,\(field)\n"))
        #expect(e.code == .nonFinite)
        #expect(e.line == 4)
        #expect(e.column == "creatinine")
        #expect(e.description == "t.csv:4: column 'creatinine': expected a finite number, found a non-finite number")
        expectNoLeak(e, field.trimmingCharacters(in: CharacterSet(charactersIn: "\"+-")))
    }

    @Test func nonFiniteInForcedNumericColumn() throws {
        let e = try #require(csvError("x\n1\ninf\n", kinds: ["x": .numeric]))
        #expect(e.code == .nonFinite)
        #expect(e.line == 3)
    }

    @Test func infinityInATextColumnIsJustALevel() throws {
        let t = try csvTable("x\ninf\nabc\n")
        #expect(csvTexts(t, "x") == ["inf", "abc"])
    }

    @Test func unknownColumnInKinds() throws {
        let e = try #require(csvError("a,b\n1,2\n", kinds: ["a": .numeric, "weight": .numeric]))
        #expect(e.code == .unknownColumn)
        #expect(e.column == "weight")
        #expect(e.line == nil)
    }

    @Test func fileUnreadable() throws {
        let path = "/nonexistent-dir-\(UUID().uuidString)/data.csv"
        do {
            _ = try DataTable.read(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .fileUnreadable)
            #expect(error.file == path)
            #expect(error.line == nil)
        }
    }

    @Test func directoryIsUnreadable() throws {
        do {
            _ = try DataTable.read(path: FileManager.default.temporaryDirectory.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .fileUnreadable)
        }
    }

    @Test func earliestFieldErrorWins() throws {
        // Column b's non-finite value (line 3) comes before column a's (line 4).
        let e = try #require(csvError("a,b\n1,2\n3,inf\ninf,4\n"))
        #expect(e.code == .nonFinite)
        #expect(e.line == 3)
        #expect(e.column == "b")
    }

    @Test func structuralErrorWinsOverFieldError() throws {
        let e = try #require(csvError("a,b\n1,inf\n3,4\n5\n"))
        #expect(e.code == .raggedRow)
        #expect(e.line == 4)
    }

    @Test func codeDescriptionsAreNames() {
        let codes: [DataError.Code] = [.fileUnreadable, .emptyFile, .noDataRows, .raggedRow, .unterminatedQuote,
                                       .invalidUTF8, .duplicateColumn, .emptyColumnName, .notNumeric,
                                       .nonFinite, .unknownColumn]
        #expect(Set(codes).count == 11)
        #expect(DataError.Code.raggedRow.description == "raggedRow")
        #expect(DataError.Code.nonFinite.description == "nonFinite")
    }

    @Test func descriptionOmitsMissingParts() {
        let e = DataError(code: .emptyFile, file: "d.csv", message: "the file is empty; expected a header row")
        #expect(e.description == "d.csv: the file is empty; expected a header row")
    }
}
