import AuditTable
import Foundation
import Testing

/// RFC 4180 syntax: quoting, escapes, embedded delimiters, line endings, BOM, header rules.
@Suite("CSV syntax")
struct CSVSyntaxTests {
    @Test func plainFieldsWithTrailingNewline() throws {
        let t = try csvTable("a,b\n1,2\n3,4\n")
        #expect(t.columnNames == ["a", "b"])
        #expect(t.rowCount == 2)
        #expect(csvNumbers(t, "a") == [1, 3])
        #expect(csvNumbers(t, "b") == [2, 4])
    }

    @Test func noTrailingNewline() throws {
        let t = try csvTable("a,b\n1,2\n3,4")
        #expect(t.rowCount == 2)
        #expect(csvNumbers(t, "b") == [2, 4])
    }

    @Test func quotedFields() throws {
        let t = try csvTable("name,x\n\"alpha\",\"1.5\"\n\"beta\",2\n")
        #expect(csvTexts(t, "name") == ["alpha", "beta"])
        #expect(csvNumbers(t, "x") == [1.5, 2])
    }

    @Test func doubledQuotesInsideQuotes() throws {
        let t = try csvTable("q\n\"say \"\"hi\"\"\"\n\"\"\"\"\n")
        #expect(csvTexts(t, "q") == ["say \"hi\"", "\""])
    }

    @Test func embeddedCommaInQuotedField() throws {
        let t = try csvTable("city,n\n\"Paris, France\",1\n\"a,b,c\",2\n")
        #expect(csvTexts(t, "city") == ["Paris, France", "a,b,c"])
        #expect(csvNumbers(t, "n") == [1, 2])
    }

    @Test func embeddedNewlinesInQuotedField() throws {
        let t = try csvTable("note,n\n\"line1\nline2\",1\n\"a\r\nb\",2\nplain,3\n")
        #expect(csvTexts(t, "note") == ["line1\nline2", "a\r\nb", "plain"])
        #expect(csvNumbers(t, "n") == [1, 2, 3])
    }

    @Test func crlfLineEndings() throws {
        let t = try csvTable("a,b\r\n1,x\r\n2,y\r\n")
        #expect(csvNumbers(t, "a") == [1, 2])
        #expect(csvTexts(t, "b") == ["x", "y"])
    }

    @Test func crlfWithoutTrailingNewline() throws {
        let t = try csvTable("a,b\r\n1,x\r\n2,y")
        #expect(t.rowCount == 2)
        #expect(csvTexts(t, "b") == ["x", "y"])
    }

    @Test func bareCarriageReturnEndsALine() throws {
        let t = try csvTable("a,b\r1,2\r3,4\r")
        #expect(csvNumbers(t, "a") == [1, 3])
    }

    @Test func utf8ByteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,v\n1,2\n".utf8)
        let t = try DataTable.parse(bytes: bytes, source: "bom.csv")
        #expect(t.columnNames == ["id", "v"])
        #expect(csvNumbers(t, "id") == [1])
    }

    @Test func headerNamesAreTrimmed() throws {
        let t = try csvTable("  age , sex\t,\" bmi \"\n1,F,2\n")
        #expect(t.columnNames == ["age", "sex", "bmi"])
        #expect(t.column(named: "age") != nil)
    }

    @Test func quotedEmptyFieldIsMissing() throws {
        let t = try csvTable("a,b\n\"\",1\n2,\"\"\n")
        #expect(csvSameBits(csvNumbers(t, "a"), [.nan, 2]))
        #expect(csvSameBits(csvNumbers(t, "b"), [1, .nan]))
    }

    @Test func emptyTrailingFieldCounts() throws {
        let t = try csvTable("a,b,c\n1,2,\n,,\n")
        #expect(t.rowCount == 2)
        #expect(t.column(named: "c")!.missingCount == 2)
        #expect(t.column(named: "a")!.missingCount == 1)
    }

    @Test func blankLinesAreSkipped() throws {
        let t = try csvTable("\na,b\n\n1,2\n\n\n3,4\n\n")
        #expect(t.rowCount == 2)
        #expect(csvNumbers(t, "b") == [2, 4])
    }

    @Test func singleColumn() throws {
        let t = try csvTable("x\n1\n2.5\n-3\n")
        #expect(csvNumbers(t, "x") == [1, 2.5, -3])
    }

    @Test func lenientQuotesLikePythonCSV() throws {
        // A quote inside an unquoted field is literal; text after a closing quote is appended.
        let t = try csvTable("a,b\nab\"c,\"x\"y\n")
        #expect(csvTexts(t, "a") == ["ab\"c"])
        #expect(csvTexts(t, "b") == ["xy"])
    }

    @Test func nonASCIITextRoundTrips() throws {
        let t = try csvTable("ville,n\nMontréal,1\n東京,2\n\"Zürich, CH\",3\n")
        #expect(csvTexts(t, "ville") == ["Montréal", "東京", "Zürich, CH"])
    }

    @Test func readFromFileMatchesParse() throws {
        let text = "id,group,value\n1,a,0.5\n2,b,NA\n3,a,-1e3\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("table-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let fromFile = try DataTable.read(path: url.path)
        let fromBytes = try csvTable(text)
        #expect(fromFile.source == url.path)
        #expect(fromFile.columns == fromBytes.columns)
        #expect(fromFile.rowCount == 3)
    }

    @Test func readFromAPipeFallsBackToRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let rows = (0..<50_000).map { "\($0),g\($0 % 3)" }.joined(separator: "\n")
        let text = "n,g\n" + rows + "\n"
        Thread.detachNewThread {
            let handle = FileHandle(forWritingAtPath: path)!
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        let t = try DataTable.read(path: path)
        #expect(t.rowCount == 50_000)
        #expect(csvNumbers(t, "n").last == 49_999)
        #expect(csvCategories(t, "g").levels == ["g0", "g1", "g2"])
    }

    @Test func emptyFileOnDiskIsEmptyFileError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).csv")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: DataError.self) { try DataTable.read(path: url.path) }
        do {
            _ = try DataTable.read(path: url.path)
        } catch {
            #expect(error.code == .emptyFile)
            #expect(error.file == url.path)
        }
    }
}
