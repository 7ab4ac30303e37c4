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

    @Test("init(filling:) starts from zeros and keeps what the closure writes")
    func filling() {
        let filled = DesignMatrix(rowCount: 2, columnCount: 3) { values in
            values[1] = 7
            values[5] = -1
        }
        #expect(filled.rowCount == 2 && filled.columnCount == 3)
        #expect(filled.values == [0, 7, 0, 0, 0, -1])
        #expect(DesignMatrix(rowCount: 0, columnCount: 3) { _ in }.values.isEmpty)
    }

    @Test("large matrices (the huge-page path): init(filling:), rows(_:) and appendingColumns(_:) keep every value")
    func large() {
        let n = 700, d = 800  // 4.5 MB of doubles, above MemoryAdvice.minimumBytes
        let big = DesignMatrix(rowCount: n, columnCount: d) { values in
            for i in 0..<n { for j in 0..<d { values[i * d + j] = Double(i * 1000 + j) } }
        }
        #expect(big.values.enumerated().allSatisfy { $0.element == Double($0.offset / d * 1000 + $0.offset % d) })
        let order = Array((0..<n).reversed()) + [3, 3]
        let picked = big.rows(order)
        #expect(picked.rowCount == n + 2)
        #expect(picked.values.enumerated().allSatisfy { $0.element == Double(order[$0.offset / d] * 1000 + $0.offset % d) })
        let extra = DesignMatrix(rowCount: n, columnCount: 2, values: (0..<(2 * n)).map { -Double($0) })
        let wide = big.appendingColumns(extra)
        #expect(wide.rowCount == n && wide.columnCount == d + 2)
        #expect(wide.values.enumerated().allSatisfy { k, value in
            let i = k / (d + 2), j = k % (d + 2)
            return value == (j < d ? Double(i * 1000 + j) : -Double(2 * i + j - d))
        })
    }
}
