import CRecurrentKernels

// The elementwise functions every cell may use (vector exp, σ, tanh and column sums): the plain Swift reference,
// the defaults of the `RecurrentScalar` requirements (which call it), and the `Float` and `Double` versions that
// run the dispatched C kernels of CRecurrentKernels (activations*.c: AVX-512F, AVX2+FMA or portable C, at the
// level of `rnn_kernel_level()`). Each cell's own gate kernels live beside the cell (Cells/<Name>/<Name>Kernels.swift).

extension RecurrentScalar {
    /// `y[i] = eˣ⁽ⁱ⁾` with the scalar ``RecurrentScalar/exp(_:)``.
    @inlinable
    public static func portableVectorExp(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<Swift.max(count, 0) { y[i] = exp(x[i]) }
    }

    /// `y[i] = σ(x[i])` with the scalar ``RecurrentScalar/sigmoid(_:)``.
    @inlinable
    public static func portableVectorSigmoid(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<Swift.max(count, 0) { y[i] = sigmoid(x[i]) }
    }

    /// `y[i] = tanh(x[i])` with the scalar ``RecurrentScalar/tanh(_:)``.
    @inlinable
    public static func portableVectorTanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<Swift.max(count, 0) { y[i] = tanh(x[i]) }
    }

    /// `sums[j] += Σ_r m[r, j]` over `rows` rows of pitch `ld`, adding row 0 first: the gradient of a bias
    /// broadcast over rows.
    @inlinable
    public static func portableAddColumnSums(_ m: UnsafePointer<Self>, ld: Int, rows: Int, width: Int,
                                             into sums: UnsafeMutablePointer<Self>) {
        for r in 0..<rows {
            let row = m + r * ld
            for j in 0..<width { sums[j] += row[j] }
        }
    }
}

extension RecurrentScalar {
    /// Default implementation: the plain Swift loop `portableVectorExp` (same arguments).
    @inlinable
    public static func vectorExp(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        portableVectorExp(x, into: y, count: count)
    }
    /// Default implementation: the plain Swift loop `portableVectorSigmoid` (same arguments).
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        portableVectorSigmoid(x, into: y, count: count)
    }
    /// Default implementation: the plain Swift loop `portableVectorTanh` (same arguments).
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int) {
        portableVectorTanh(x, into: y, count: count)
    }
    /// Default implementation: the plain Swift loop `portableAddColumnSums` (same arguments).
    @inlinable
    public static func addColumnSums(_ m: UnsafePointer<Self>, ld: Int, rows: Int, width: Int,
                                     into sums: UnsafeMutablePointer<Self>) {
        portableAddColumnSums(m, ld: ld, rows: rows, width: width, into: sums)
    }
}

extension Float {
    /// Runs the C kernel `rnn_s_exp` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorExp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        rnn_s_exp(count, x, y)
    }
    /// Runs the C kernel `rnn_s_sigmoid` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        rnn_s_sigmoid(count, x, y)
    }
    /// Runs the C kernel `rnn_s_tanh` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        rnn_s_tanh(count, x, y)
    }
    /// Runs the C kernel `rnn_s_add_column_sums` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func addColumnSums(_ m: UnsafePointer<Float>, ld: Int, rows: Int, width: Int,
        into sums: UnsafeMutablePointer<Float>) {
        rnn_s_add_column_sums(rows, width, m, ld, sums)
    }
}

extension Double {
    /// Runs the C kernel `rnn_d_exp` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorExp(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        rnn_d_exp(count, x, y)
    }
    /// Runs the C kernel `rnn_d_sigmoid` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorSigmoid(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        rnn_d_sigmoid(count, x, y)
    }
    /// Runs the C kernel `rnn_d_tanh` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func vectorTanh(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        rnn_d_tanh(count, x, y)
    }
    /// Runs the C kernel `rnn_d_add_column_sums` at the level of `rnn_kernel_level()` (AVX-512F, AVX2+FMA or portable C).
    @inlinable
    public static func addColumnSums(_ m: UnsafePointer<Double>, ld: Int, rows: Int, width: Int,
        into sums: UnsafeMutablePointer<Double>) {
        rnn_d_add_column_sums(rows, width, m, ld, sums)
    }
}
