import AuditModels
import Testing

@Suite("DesignMatrix")
struct DesignMatrixTests {
    let matrix = DesignMatrix(rowCount: 3, columnCount: 2, values: [1, 2, 3, 4, 5, 6])

    @Test("subscript reads row-major")
    func subscripting() {
        #expect(matrix[0, 0] == 1 && matrix[0, 1] == 2 && matrix[2, 0] == 5 && matrix[2, 1] == 6)
    }

    @Test("rows(_:) selects in the given order, with repeats")
    func rowSelection() {
        let picked = matrix.rows([2, 0, 2])
        #expect(picked.rowCount == 3 && picked.columnCount == 2)
        #expect(picked.values == [5, 6, 1, 2, 5, 6])
        #expect(matrix.rows([]).rowCount == 0)
        let empty = DesignMatrix(rowCount: 2, columnCount: 0, values: [])
        #expect(empty.rows([1, 0]).rowCount == 2 && empty.rows([1, 0]).values.isEmpty)
    }

    @Test("appendingColumns(_:) puts the extra columns after each row")
    func appending() {
        let extra = DesignMatrix(rowCount: 3, columnCount: 1, values: [10, 20, 30])
        let wide = matrix.appendingColumns(extra)
        #expect(wide.rowCount == 3 && wide.columnCount == 3)
        #expect(wide.values == [1, 2, 10, 3, 4, 20, 5, 6, 30])
        let none = DesignMatrix(rowCount: 3, columnCount: 0, values: [])
        #expect(matrix.appendingColumns(none).values == matrix.values)
        #expect(none.appendingColumns(extra).values == extra.values)
    }
}
