import RecurrentInitializers

extension Tensor {
    /// A (rows, columns) tensor from an initializer's `Matrix`.
    public init(matrix: Matrix) {
        self.init(unchecked: [matrix.rows, matrix.columns], scalars: matrix.values.map { Scalar($0) })
    }

    /// A 1-D tensor from the values of a one-row or one-column `Matrix`.
    public init(vector matrix: Matrix) {
        self.init(unchecked: [matrix.values.count], scalars: matrix.values.map { Scalar($0) })
    }

    /// A 1-D tensor from Doubles.
    public init(vector values: [Double]) {
        self.init(unchecked: [values.count], scalars: values.map { Scalar($0) })
    }
}
