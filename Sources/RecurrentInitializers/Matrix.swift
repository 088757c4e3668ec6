/// A dense matrix of `Double`s stored row-major: element (i, j) is `values[i * columns + j]`.
///
/// `Matrix` is the plain exchange type of the initializers: it converts to any
/// floating-point type with ``scalars(as:)`` and to the core library's tensors
/// with `Tensor(shape: [m.rows, m.columns], scalars: m.scalars(as: Float.self))`.
///
/// ```swift
/// var m = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
/// m[1, 2] = 60
/// let gram = m * m.transposed()   // 2 × 2
/// print(gram[0, 0])                // 14.0
/// ```
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int
    /// The `rows · columns` elements in row-major order.
    public var values: [Double]

    /// Creates a matrix from row-major values.
    ///
    /// - Parameters:
    ///   - rows: number of rows, ≥ 0.
    ///   - columns: number of columns, ≥ 0.
    ///   - values: `rows · columns` elements, row after row (checked with a precondition).
    ///
    /// ```swift
    /// let m = Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])   // [[1, 2], [3, 4]]
    /// ```
    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix(rows:columns:values:): negative shape \(rows) × \(columns)")
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        precondition(!overflow && count == values.count,
                     "Matrix(rows:columns:values:): \(rows) × \(columns) needs \(rows) · \(columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a matrix with every element equal to `repeating`.
    ///
    /// - Parameters:
    ///   - rows: number of rows, ≥ 0.
    ///   - columns: number of columns, ≥ 0.
    ///   - repeating: the value of every element (default 0).
    ///
    /// ```swift
    /// let zeros = Matrix(rows: 3, columns: 4)
    /// let ones = Matrix(rows: 2, columns: 2, repeating: 1)
    /// ```
    public init(rows: Int, columns: Int, repeating: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix(rows:columns:repeating:): negative shape \(rows) × \(columns)")
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        precondition(!overflow, "Matrix(rows:columns:repeating:): \(rows) × \(columns) overflows Int")
        self.rows = rows
        self.columns = columns
        self.values = [Double](repeating: repeating, count: count)
    }

    /// The element in row `row` and column `column` (zero-based; checked with a precondition).
    ///
    /// - Parameters:
    ///   - row: 0 ..< rows.
    ///   - column: 0 ..< columns.
    ///
    /// ```swift
    /// var m = Matrix(rows: 2, columns: 2)
    /// m[0, 1] = 5
    /// ```
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix index (\(row), \(column)) out of range for \(rows) × \(columns)")
            return values[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix index (\(row), \(column)) out of range for \(rows) × \(columns)")
            values[row * columns + column] = newValue
        }
    }

    /// The transpose Aᵀ, with (Aᵀ)ᵢⱼ = Aⱼᵢ.
    ///
    /// ```swift
    /// let m = Matrix(rows: 1, columns: 3, values: [1, 2, 3])
    /// m.transposed().rows   // 3
    /// ```
    public func transposed() -> Matrix {
        var result = [Double](repeating: 0, count: values.count)
        for i in 0..<rows {
            for j in 0..<columns {
                result[j * rows + i] = values[i * columns + j]
            }
        }
        return Matrix(rows: columns, columns: rows, values: result)
    }

    /// The matrix product (A·B)ᵢⱼ = Σₖ Aᵢₖ Bₖⱼ, computed with a plain triple loop.
    ///
    /// The loop order is i, k, j, so the innermost loop runs along rows of both B
    /// and the result. Each element is accumulated in increasing k, so the result is
    /// deterministic. O(m·n·k).
    ///
    /// - Parameters:
    ///   - lhs: an m × k matrix.
    ///   - rhs: a k × n matrix (`lhs.columns == rhs.rows` is checked with a precondition).
    /// - Returns: the m × n product.
    ///
    /// ```swift
    /// let a = Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
    /// let b = a * a   // [[7, 10], [15, 22]]
    /// ```
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows,
                     "Matrix *: inner extents differ, (\(lhs.rows) × \(lhs.columns)) · (\(rhs.rows) × \(rhs.columns))")
        let (m, k, n) = (lhs.rows, lhs.columns, rhs.columns)
        var result = [Double](repeating: 0, count: m * n)
        lhs.values.withUnsafeBufferPointer { a in
            rhs.values.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    for i in 0..<m {
                        for p in 0..<k {
                            let aip = a[i * k + p]
                            let bRow = p * n
                            let cRow = i * n
                            for j in 0..<n {
                                c[cRow + j] += aip * b[bRow + j]
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: n, values: result)
    }

    /// The row-major values converted to another floating-point type (rounded to nearest).
    ///
    /// - Parameters:
    ///   - as: the target type, e.g. `Float.self`.
    /// - Returns: `rows · columns` converted values, row after row.
    ///
    /// ```swift
    /// let weights = try Initializers.identity(size: 3)
    /// let floats: [Float] = weights.scalars(as: Float.self)
    /// ```
    public func scalars<S: BinaryFloatingPoint>(as _: S.Type) -> [S] {
        values.map { S($0) }
    }
}
