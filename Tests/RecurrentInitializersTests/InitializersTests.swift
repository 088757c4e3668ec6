import XCTest
import RecurrentInitializers

final class InitializersTests: XCTestCase {
    // MARK: np-RNN

    func testNormalizedPositiveDefiniteSpectrum() throws {
        for n in [50, 100] {
            for seed: UInt64 in [1, 2, 3, 42, 2015] {
                var generator = RandomGenerator(seed: seed)
                let w = try Initializers.normalizedPositiveDefinite(size: n, using: &generator)
                XCTAssertEqual(w.rows, n)
                XCTAssertEqual(w.columns, n)
                // Exactly symmetric.
                XCTAssertEqual(w, w.transposed(), "n = \(n), seed = \(seed)")
                let values = try SymmetricEigensolver.eigenvalues(of: w)
                XCTAssertEqual(values.last!, 1, accuracy: 1e-9, "n = \(n), seed = \(seed)")
                XCTAssertGreaterThan(values.first!, 0, "n = \(n), seed = \(seed)")
                XCTAssertLessThanOrEqual(values.last!, 1 + 1e-12, "n = \(n), seed = \(seed)")
                // A + I ⪰ I, so λmin(W) = λmin(A + I)/λmax(A + I) ≥ 1/λmax(A + I) > 0 by a margin:
                // for square Gaussian R, λmax(A) ≈ 4, so λmin(W) ≳ 1/5.
                XCTAssertGreaterThan(values.first!, 0.1, "n = \(n), seed = \(seed)")
            }
        }
    }

    func testNormalizedPositiveDefiniteIsReproducible() throws {
        var a = RandomGenerator(seed: 17), b = RandomGenerator(seed: 17)
        let first = try Initializers.normalizedPositiveDefinite(size: 30, using: &a)
        let second = try Initializers.normalizedPositiveDefinite(size: 30, using: &b)
        XCTAssertEqual(first.values, second.values)
        XCTAssertEqual(a, b)
    }

    func testNormalizedPositiveDefiniteSizeOne() throws {
        var generator = RandomGenerator(seed: 5)
        let w = try Initializers.normalizedPositiveDefinite(size: 1, using: &generator)
        XCTAssertEqual(w.values, [1])
    }

    func testNPRNNInputGain() {
        XCTAssertEqual(Initializers.npRNNInputGain(hiddenSize: 100), 1.4317, accuracy: 1e-4)
        XCTAssertEqual(Initializers.npRNNInputGain(hiddenSize: 100),
                       2.0.squareRoot() * DeterministicMath.exp(1.2 / 97.6))
        // N below 6 is clamped to 6; large N tends to √2.
        XCTAssertEqual(Initializers.npRNNInputGain(hiddenSize: 1), Initializers.npRNNInputGain(hiddenSize: 6))
        XCTAssertEqual(Initializers.npRNNInputGain(hiddenSize: 0), Initializers.npRNNInputGain(hiddenSize: 6))
        XCTAssertEqual(Initializers.npRNNInputGain(hiddenSize: 1_000_000), 2.0.squareRoot(), accuracy: 1e-5)
    }

    func testNPRNNInputStatistics() throws {
        var generator = RandomGenerator(seed: 6)
        let n = 100, m = 400
        let u = try Initializers.npRNNInput(hiddenSize: n, inputSize: m, using: &generator)
        XCTAssertEqual(u.rows, n)
        XCTAssertEqual(u.columns, m)
        let alpha = Initializers.npRNNInputGain(hiddenSize: n)
        let expectedVariance = alpha * alpha / Double(n)
        let count = Double(n * m)
        let mean = u.values.reduce(0, +) / count
        let variance = u.values.reduce(0) { $0 + $1 * $1 } / count
        // 5 standard errors: σ/√count for the mean, σ²·√(2/count) for the variance.
        XCTAssertEqual(mean, 0, accuracy: 5 * (expectedVariance / count).squareRoot())
        XCTAssertEqual(variance, expectedVariance, accuracy: 5 * expectedVariance * (2 / count).squareRoot())

        var a = RandomGenerator(seed: 6)
        let explicit = try Initializers.npRNNInput(hiddenSize: n, inputSize: m, gain: alpha, using: &a)
        XCTAssertEqual(explicit, u)
        var b = RandomGenerator(seed: 6)
        let unitGain = try Initializers.npRNNInput(hiddenSize: n, inputSize: m, gain: 1, using: &b)
        for (x, y) in zip(unitGain.values, u.values) { XCTAssertEqual(x * alpha, y, accuracy: 1e-15 * max(1, y.magnitude)) }
    }

    // MARK: IRNN and deterministic initialisers

    func testIdentity() throws {
        let w = try Initializers.identity(size: 4)
        for i in 0..<4 { for j in 0..<4 { XCTAssertEqual(w[i, j], i == j ? 1 : 0) } }
        let scaled = try Initializers.identity(size: 3, scale: 0.01)
        XCTAssertEqual(scaled.values, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01])
        XCTAssertEqual(try Initializers.identity(size: 1).values, [1])
    }

    func testLSTMBias() throws {
        let h = 5
        let bias = try Initializers.lstmBias(hiddenSize: h)
        XCTAssertEqual(bias.count, 4 * h)
        XCTAssertEqual(Array(bias[0..<h]), [Double](repeating: 0, count: h))           // i
        XCTAssertEqual(Array(bias[h..<(2 * h)]), [Double](repeating: 1, count: h))     // f
        XCTAssertEqual(Array(bias[(2 * h)...]), [Double](repeating: 0, count: 2 * h))  // g, o
        let custom = try Initializers.lstmBias(hiddenSize: 2, forgetBias: 2.5)
        XCTAssertEqual(custom, [0, 0, 2.5, 2.5, 0, 0, 0, 0])
    }

    func testLSTMBiasPairSumsToForgetBias() throws {
        for forgetBias in [1.0, 0.0, -0.5, 3] {
            let h = 7
            let (input, hidden) = try Initializers.lstmBiasPair(hiddenSize: h, forgetBias: forgetBias)
            XCTAssertEqual(input.count, 4 * h)
            XCTAssertEqual(hidden.count, 4 * h)
            let sum = zip(input, hidden).map { $0 + $1 }
            XCTAssertEqual(sum, try Initializers.lstmBias(hiddenSize: h, forgetBias: forgetBias))
            for k in 0..<(4 * h) {
                XCTAssertEqual(sum[k], (h..<(2 * h)).contains(k) ? forgetBias : 0)
            }
            XCTAssertEqual(hidden, [Double](repeating: 0, count: 4 * h))
        }
    }

    // MARK: Random distributions

    /// Checks bounds, mean 0 and variance b²/3 of a U(−b, b) sample within 5 standard errors.
    func assertUniform(_ values: [Double], bound: Double, file: StaticString = #filePath, line: UInt = #line) {
        let count = Double(values.count)
        XCTAssertTrue(values.allSatisfy { $0 >= -bound && $0 < bound }, "out of [−b, b)", file: file, line: line)
        let mean = values.reduce(0, +) / count
        let secondMoment = values.reduce(0) { $0 + $1 * $1 } / count
        // Var(x) = b²/3, Var(x²) = b⁴/5 − b⁴/9 = 4b⁴/45.
        XCTAssertEqual(mean, 0, accuracy: 5 * (bound * bound / 3 / count).squareRoot(), file: file, line: line)
        XCTAssertEqual(secondMoment, bound * bound / 3, accuracy: 5 * bound * bound * (4.0 / 45 / count).squareRoot(),
                       file: file, line: line)
        // The extremes come close to the bound (a sample of ≥ 10⁴ misses the top 1 % with probability < 10⁻⁴³).
        XCTAssertGreaterThan(values.max()!, 0.99 * bound, file: file, line: line)
        XCTAssertLessThan(values.min()!, -0.99 * bound, file: file, line: line)
    }

    func testUniform() throws {
        var generator = RandomGenerator(seed: 10)
        let w = try Initializers.uniform(rows: 200, columns: 300, bound: 0.25, using: &generator)
        XCTAssertEqual(w.rows, 200)
        XCTAssertEqual(w.columns, 300)
        assertUniform(w.values, bound: 0.25)
        let zero = try Initializers.uniform(rows: 2, columns: 2, bound: 0, using: &generator)
        XCTAssertTrue(zero.values.allSatisfy { $0 == 0 })
    }

    func testPyTorchDefault() throws {
        var generator = RandomGenerator(seed: 12)
        let h = 128
        let w = try Initializers.pytorchDefault(rows: 4 * h, columns: 64, hiddenSize: h, using: &generator)
        XCTAssertEqual(w.rows, 4 * h)
        XCTAssertEqual(w.columns, 64)
        assertUniform(w.values, bound: 1 / Double(h).squareRoot())
    }

    func testGlorotUniform() throws {
        var generator = RandomGenerator(seed: 13)
        let w = try Initializers.glorotUniform(rows: 100, columns: 300, using: &generator)
        assertUniform(w.values, bound: (6.0 / 400).squareRoot())
    }

    func assertGaussian(_ values: [Double], standardDeviation sigma: Double,
                        file: StaticString = #filePath, line: UInt = #line) {
        let count = Double(values.count)
        let mean = values.reduce(0, +) / count
        let secondMoment = values.reduce(0) { $0 + $1 * $1 } / count
        let fourthMoment = values.reduce(0) { $0 + $1 * $1 * $1 * $1 } / count
        let variance = sigma * sigma
        // Standard errors: σ/√n; σ²√(2/n); σ⁴√(96/n) for E[x⁴] = 3σ⁴. Five of each.
        XCTAssertEqual(mean, 0, accuracy: 5 * sigma / count.squareRoot(), file: file, line: line)
        XCTAssertEqual(secondMoment, variance, accuracy: 5 * variance * (2 / count).squareRoot(), file: file, line: line)
        XCTAssertEqual(fourthMoment, 3 * variance * variance, accuracy: 5 * variance * variance * (96 / count).squareRoot(),
                       file: file, line: line)
    }

    func testGaussian() throws {
        var generator = RandomGenerator(seed: 14)
        let w = try Initializers.gaussian(rows: 250, columns: 400, standardDeviation: 0.001, using: &generator)
        XCTAssertEqual(w.values.count, 100_000)
        assertGaussian(w.values, standardDeviation: 0.001)
    }

    func testGlorotNormal() throws {
        var generator = RandomGenerator(seed: 15)
        let w = try Initializers.glorotNormal(rows: 100, columns: 500, using: &generator)
        assertGaussian(w.values, standardDeviation: (2.0 / 600).squareRoot())
    }

    // MARK: Orthogonal

    func assertOrthonormalColumns(_ q: Matrix, gain: Double = 1, file: StaticString = #filePath, line: UInt = #line) {
        let gram = q.transposed() * q
        var worst = 0.0
        for i in 0..<gram.rows {
            for j in 0..<gram.columns {
                worst = max(worst, (gram[i, j] - (i == j ? gain * gain : 0)).magnitude)
            }
        }
        XCTAssertLessThanOrEqual(worst, 1e-12 * gain * gain, file: file, line: line)
    }

    func testOrthogonalSquareAndTall() throws {
        var generator = RandomGenerator(seed: 16)
        for (rows, columns) in [(1, 1), (2, 2), (64, 64), (100, 100), (100, 30), (7, 1), (513, 128)] {
            let q = try Initializers.orthogonal(rows: rows, columns: columns, using: &generator)
            XCTAssertEqual(q.rows, rows)
            XCTAssertEqual(q.columns, columns)
            assertOrthonormalColumns(q)
        }
        let scaled = try Initializers.orthogonal(rows: 40, columns: 40, gain: 2, using: &generator)
        assertOrthonormalColumns(scaled, gain: 2)
    }

    func testOrthogonalWideHasOrthonormalRows() throws {
        var generator = RandomGenerator(seed: 18)
        for (rows, columns) in [(30, 100), (1, 5), (128, 512)] {
            let q = try Initializers.orthogonal(rows: rows, columns: columns, using: &generator)
            XCTAssertEqual(q.rows, rows)
            XCTAssertEqual(q.columns, columns)
            assertOrthonormalColumns(q.transposed())
        }
    }

    func testOrthogonalMatchesSignCorrectedQR() throws {
        // For a 1 × 1 or n × 1 matrix, Q is the normalised Gaussian column with R₁₁ > 0:
        // it must equal g / ‖g‖ exactly in direction (same signs as the draws).
        var a = RandomGenerator(seed: 19), b = RandomGenerator(seed: 19)
        let q = try Initializers.orthogonal(rows: 6, columns: 1, using: &a)
        let g = (0..<6).map { _ in b.nextGaussian() }
        let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for (x, y) in zip(q.values, g) { XCTAssertEqual(x, y / norm, accuracy: 1e-15) }
        // Square: the diagonal of R = QᵀG is positive.
        var c = RandomGenerator(seed: 20), d = RandomGenerator(seed: 20)
        let square = try Initializers.orthogonal(rows: 8, columns: 8, using: &c)
        let gaussian = try Initializers.gaussian(rows: 8, columns: 8, standardDeviation: 1, using: &d)
        let r = square.transposed() * gaussian
        for i in 0..<8 {
            XCTAssertGreaterThan(r[i, i], 0)
            for j in 0..<i { XCTAssertEqual(r[i, j], 0, accuracy: 1e-12) }  // upper triangular
        }
    }

    // MARK: Determinism

    func testSameSeedGivesBitIdenticalMatrices() throws {
        func all(_ seed: UInt64) throws -> [[Double]] {
            var g = RandomGenerator(seed: seed)
            return [
                try Initializers.normalizedPositiveDefinite(size: 20, using: &g).values,
                try Initializers.npRNNInput(hiddenSize: 20, inputSize: 3, using: &g).values,
                try Initializers.gaussian(rows: 5, columns: 6, standardDeviation: 0.1, using: &g).values,
                try Initializers.uniform(rows: 5, columns: 6, bound: 0.1, using: &g).values,
                try Initializers.pytorchDefault(rows: 5, columns: 6, hiddenSize: 9, using: &g).values,
                try Initializers.glorotUniform(rows: 5, columns: 6, using: &g).values,
                try Initializers.glorotNormal(rows: 5, columns: 6, using: &g).values,
                try Initializers.orthogonal(rows: 9, columns: 4, using: &g).values,
                try Initializers.orthogonal(rows: 4, columns: 9, using: &g).values,
            ]
        }
        XCTAssertEqual(try all(2718), try all(2718))
        XCTAssertNotEqual(try all(2718), try all(2719))
    }

    // MARK: Validation

    func assertInvalidSize(_ argument: String, _ function: String, _ body: () throws -> Void,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case .invalidSize(let what, _)? = error as? InitializerError else {
                return XCTFail("expected invalidSize, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(what.hasSuffix(": \(argument)"), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(function), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains("must be positive"), "\(error)", file: file, line: line)
        }
    }

    func testBadSizesThrowNamingTheArgument() {
        var g = RandomGenerator(seed: 1)
        assertInvalidSize("size", "Initializers.identity") { _ = try Initializers.identity(size: 0) }
        assertInvalidSize("size", "Initializers.normalizedPositiveDefinite") {
            _ = try Initializers.normalizedPositiveDefinite(size: -3, using: &g)
        }
        assertInvalidSize("hiddenSize", "Initializers.npRNNInput") {
            _ = try Initializers.npRNNInput(hiddenSize: 0, inputSize: 1, using: &g)
        }
        assertInvalidSize("inputSize", "Initializers.npRNNInput") {
            _ = try Initializers.npRNNInput(hiddenSize: 4, inputSize: -1, using: &g)
        }
        assertInvalidSize("rows", "Initializers.gaussian") {
            _ = try Initializers.gaussian(rows: 0, columns: 1, standardDeviation: 1, using: &g)
        }
        assertInvalidSize("columns", "Initializers.uniform") {
            _ = try Initializers.uniform(rows: 1, columns: 0, bound: 1, using: &g)
        }
        assertInvalidSize("hiddenSize", "Initializers.pytorchDefault") {
            _ = try Initializers.pytorchDefault(rows: 1, columns: 1, hiddenSize: 0, using: &g)
        }
        assertInvalidSize("rows", "Initializers.glorotUniform") {
            _ = try Initializers.glorotUniform(rows: -1, columns: 1, using: &g)
        }
        assertInvalidSize("columns", "Initializers.glorotNormal") {
            _ = try Initializers.glorotNormal(rows: 1, columns: 0, using: &g)
        }
        assertInvalidSize("columns", "Initializers.orthogonal") {
            _ = try Initializers.orthogonal(rows: 3, columns: 0, using: &g)
        }
        assertInvalidSize("hiddenSize", "Initializers.lstmBias") { _ = try Initializers.lstmBias(hiddenSize: 0) }
        assertInvalidSize("hiddenSize", "Initializers.lstmBiasPair") { _ = try Initializers.lstmBiasPair(hiddenSize: -2) }
    }

    func testBadArgumentsThrowNamingTheArgument() {
        var g = RandomGenerator(seed: 1)
        func check(_ argument: String, _ body: () throws -> Void, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                guard case .invalidArgument(let message)? = error as? InitializerError else {
                    return XCTFail("expected invalidArgument, got \(error)", line: line)
                }
                XCTAssertTrue(message.contains(": \(argument) must be"), message, line: line)
            }
        }
        check("scale") { _ = try Initializers.identity(size: 2, scale: .nan) }
        check("standardDeviation") { _ = try Initializers.gaussian(rows: 1, columns: 1, standardDeviation: -1, using: &g) }
        check("bound") { _ = try Initializers.uniform(rows: 1, columns: 1, bound: .infinity, using: &g) }
        check("gain") { _ = try Initializers.orthogonal(rows: 2, columns: 2, gain: .nan, using: &g) }
        check("gain") { _ = try Initializers.npRNNInput(hiddenSize: 2, inputSize: 2, gain: .infinity, using: &g) }
        check("forgetBias") { _ = try Initializers.lstmBias(hiddenSize: 2, forgetBias: .nan) }
        XCTAssertThrowsError(try Initializers.uniform(rows: Int.max, columns: 2, bound: 1, using: &g)) { error in
            XCTAssertTrue("\(error)".contains("overflows"), "\(error)")
        }
    }

    // MARK: Matrix

    func testMatrixBasics() {
        var m = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(m[1, 0], 4)
        m[1, 2] = 60
        XCTAssertEqual(m.values, [1, 2, 3, 4, 5, 60])
        let t = m.transposed()
        XCTAssertEqual(t.rows, 3)
        XCTAssertEqual(t.values, [1, 4, 2, 5, 3, 60])
        let product = m * t
        XCTAssertEqual(product, Matrix(rows: 2, columns: 2, values: [14, 4 + 10 + 180, 4 + 10 + 180, 16 + 25 + 3600]))
        XCTAssertEqual(Matrix(rows: 2, columns: 2, repeating: 3).values, [3, 3, 3, 3])
        XCTAssertEqual(Matrix(rows: 1, columns: 2).values, [0, 0])
        let floats: [Float] = Matrix(rows: 1, columns: 2, values: [0.1, 2]).scalars(as: Float.self)
        XCTAssertEqual(floats, [Float(0.1), 2])
    }
}
