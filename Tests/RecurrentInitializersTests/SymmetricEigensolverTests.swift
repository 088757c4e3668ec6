import XCTest
import RecurrentInitializers
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// max |aᵢⱼ|, the norm the tolerances are stated in.
func maxAbs(_ m: Matrix) -> Double { m.values.reduce(0) { max($0, $1.magnitude) } }

/// Asserts that every column of `vectors` is an eigenvector (‖A v − λ v‖∞ ≤ 1e-12 · ‖A‖)
/// and that the columns are orthonormal (‖VᵀV − I‖∞ ≤ 1e-12).
func assertEigenpairs(_ a: Matrix, _ values: [Double], _ vectors: Matrix,
                      file: StaticString = #filePath, line: UInt = #line) {
    let n = a.rows
    let scale = max(maxAbs(a), Double.leastNormalMagnitude)
    // ‖A‖₂ ≤ n · max|aᵢⱼ|; use the larger bound so the test states a relative tolerance.
    let norm = Double(n) * scale
    let av = a * vectors
    var worstResidual = 0.0
    for j in 0..<n {
        for i in 0..<n {
            worstResidual = max(worstResidual, (av[i, j] - values[j] * vectors[i, j]).magnitude)
        }
    }
    XCTAssertLessThanOrEqual(worstResidual, 1e-12 * norm, "residual", file: file, line: line)
    let gram = vectors.transposed() * vectors
    var worstOrthogonality = 0.0
    for i in 0..<n {
        for j in 0..<n {
            worstOrthogonality = max(worstOrthogonality, (gram[i, j] - (i == j ? 1 : 0)).magnitude)
        }
    }
    XCTAssertLessThanOrEqual(worstOrthogonality, 1e-12, "orthogonality", file: file, line: line)
    XCTAssertEqual(values, values.sorted(), "ascending", file: file, line: line)
}

final class SymmetricEigensolverTests: XCTestCase {
    func testOneByOne() throws {
        let a = Matrix(rows: 1, columns: 1, values: [-3.5])
        XCTAssertEqual(try SymmetricEigensolver.eigenvalues(of: a), [-3.5])
        let (values, vectors) = try SymmetricEigensolver.decompose(a)
        XCTAssertEqual(values, [-3.5])
        XCTAssertEqual(vectors.values, [1])
    }

    func testDiagonal() throws {
        let diagonal = [3.0, -1.0, 7.5, 0.0, 2.0, 2.0]
        var a = Matrix(rows: 6, columns: 6)
        for (i, value) in diagonal.enumerated() { a[i, i] = value }
        XCTAssertEqual(try SymmetricEigensolver.eigenvalues(of: a), diagonal.sorted())
        let (values, vectors) = try SymmetricEigensolver.decompose(a)
        XCTAssertEqual(values, diagonal.sorted())
        assertEigenpairs(a, values, vectors)
    }

    func testTwoByTwoClosedForm() throws {
        var generator = RandomGenerator(seed: 8)
        for _ in 0..<200 {
            let p = generator.nextGaussian(), q = generator.nextGaussian(), r = generator.nextGaussian()
            let a = Matrix(rows: 2, columns: 2, values: [p, q, q, r])
            let mean = (p + r) / 2
            let radius = (((p - r) / 2) * ((p - r) / 2) + q * q).squareRoot()
            let values = try SymmetricEigensolver.eigenvalues(of: a)
            let tolerance = 1e-14 * max(maxAbs(a), 1e-300)
            XCTAssertEqual(values[0], mean - radius, accuracy: tolerance)
            XCTAssertEqual(values[1], mean + radius, accuracy: tolerance)
            let (decomposedValues, vectors) = try SymmetricEigensolver.decompose(a)
            XCTAssertEqual(decomposedValues, values)
            assertEigenpairs(a, decomposedValues, vectors)
        }
        let (values, _) = try SymmetricEigensolver.decompose(Matrix(rows: 2, columns: 2, values: [2, 1, 1, 2]))
        XCTAssertEqual(values[0], 1, accuracy: 1e-15)
        XCTAssertEqual(values[1], 3, accuracy: 1e-15)
    }

    /// A = Q diag(λ) Qᵀ with a random orthogonal Q: the spectrum is known exactly.
    func testKnownSpectrumFromOrthogonalSimilarity() throws {
        var generator = RandomGenerator(seed: 99)
        for n in [3, 10, 40, 97] {
            let q = try Initializers.orthogonal(rows: n, columns: n, using: &generator)
            // Spread, negative, repeated and clustered eigenvalues.
            var spectrum = (0..<n).map { _ in 10 * generator.nextGaussian() }
            if n >= 10 {
                spectrum[1] = spectrum[0]
                spectrum[2] = spectrum[0]
                spectrum[3] = spectrum[4] + 1e-10
            }
            var scaled = q
            for i in 0..<n { for j in 0..<n { scaled[i, j] *= spectrum[j] } }
            var a = scaled * q.transposed()
            // Symmetrise away the rounding of the product.
            for i in 0..<n { for j in (i + 1)..<n { let m = (a[i, j] + a[j, i]) / 2; a[i, j] = m; a[j, i] = m } }
            let norm = spectrum.map(\.magnitude).max()!
            let values = try SymmetricEigensolver.eigenvalues(of: a)
            for (computed, exact) in zip(values, spectrum.sorted()) {
                XCTAssertEqual(computed, exact, accuracy: 1e-12 * norm, "n = \(n)")
            }
            let (decomposedValues, vectors) = try SymmetricEigensolver.decompose(a)
            for (computed, exact) in zip(decomposedValues, spectrum.sorted()) {
                XCTAssertEqual(computed, exact, accuracy: 1e-12 * norm, "n = \(n)")
            }
            assertEigenpairs(a, decomposedValues, vectors)
        }
    }

    /// Tridiagonal Toeplitz matrices: tridiag(1, 0, 1) has eigenvalues 2 cos(kπ/(n+1)),
    /// and tridiag(−1, 2, −1) has 2 − 2 cos(kπ/(n+1)).
    func testTridiagonalToeplitz() throws {
        for n in [2, 5, 50, 128] {
            var a = Matrix(rows: n, columns: n)
            var laplacian = Matrix(rows: n, columns: n)
            for i in 0..<n {
                laplacian[i, i] = 2
                if i + 1 < n {
                    a[i, i + 1] = 1; a[i + 1, i] = 1
                    laplacian[i, i + 1] = -1; laplacian[i + 1, i] = -1
                }
            }
            let exact = (1...n).map { 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
            let values = try SymmetricEigensolver.eigenvalues(of: a)
            for (computed, expected) in zip(values, exact) { XCTAssertEqual(computed, expected, accuracy: 1e-12) }
            let laplacianValues = try SymmetricEigensolver.eigenvalues(of: laplacian)
            for (computed, expected) in zip(laplacianValues, exact.map { 2 - $0 }.sorted()) {
                XCTAssertEqual(computed, expected, accuracy: 1e-12)
            }
            let (decomposedValues, vectors) = try SymmetricEigensolver.decompose(a)
            assertEigenpairs(a, decomposedValues, vectors)
        }
    }

    func testDenseRandomMatrixDecomposition() throws {
        var generator = RandomGenerator(seed: 4)
        let n = 60
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in i..<n { let v = generator.nextGaussian(); a[i, j] = v; a[j, i] = v } }
        let (values, vectors) = try SymmetricEigensolver.decompose(a)
        assertEigenpairs(a, values, vectors)
        // Trace and Frobenius norm are invariants.
        let trace = (0..<n).reduce(0.0) { $0 + a[$1, $1] }
        XCTAssertEqual(values.reduce(0, +), trace, accuracy: 1e-11)
        let frobenius = a.values.reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(values.reduce(0) { $0 + $1 * $1 }, frobenius, accuracy: 1e-10 * frobenius)
        XCTAssertEqual(try SymmetricEigensolver.eigenvalues(of: a), values)
    }

    func testExtremeScalesDoNotOverflow() throws {
        for scale in [1e300, 1e-300, 0x1p-1070] {
            let a = Matrix(rows: 3, columns: 3, values: [2, -1, 0, -1, 2, -1, 0, -1, 2].map { $0 * scale })
            let values = try SymmetricEigensolver.eigenvalues(of: a)
            let exact = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()].map { $0 * scale }
            for (computed, expected) in zip(values, exact) {
                XCTAssertEqual(computed, expected, accuracy: max(1e-14 * 4 * scale, 4 * Double.leastNonzeroMagnitude))
            }
        }
        let zero = Matrix(rows: 4, columns: 4)
        let (values, vectors) = try SymmetricEigensolver.decompose(zero)
        XCTAssertEqual(values, [0, 0, 0, 0])
        assertEigenpairs(zero, values, vectors)
    }

    func testRankOneMatrix() throws {
        // u uᵀ has eigenvalues 0 (n − 1 times) and ‖u‖².
        let u = [1.0, 2, 3, 4, 5]
        var a = Matrix(rows: 5, columns: 5)
        for i in 0..<5 { for j in 0..<5 { a[i, j] = u[i] * u[j] } }
        let values = try SymmetricEigensolver.eigenvalues(of: a)
        for value in values.dropLast() { XCTAssertEqual(value, 0, accuracy: 1e-13 * 55) }
        XCTAssertEqual(values.last!, 55, accuracy: 1e-13 * 55)
    }

    func testInvalidInputsThrow() {
        XCTAssertThrowsError(try SymmetricEigensolver.eigenvalues(of: Matrix(rows: 2, columns: 3))) { error in
            XCTAssertTrue("\(error)".contains("square"), "\(error)")
            XCTAssertTrue("\(error)".contains("SymmetricEigensolver.eigenvalues"), "\(error)")
        }
        XCTAssertThrowsError(try SymmetricEigensolver.eigenvalues(of: Matrix(rows: 0, columns: 0)))
        XCTAssertThrowsError(try SymmetricEigensolver.decompose(Matrix(rows: 2, columns: 2, values: [1, 2, 2.001, 1]))) { error in
            XCTAssertTrue("\(error)".contains("not symmetric"), "\(error)")
            XCTAssertTrue("\(error)".contains("decompose"), "\(error)")
        }
        XCTAssertThrowsError(try SymmetricEigensolver.eigenvalues(of: Matrix(rows: 2, columns: 2, values: [1, .nan, .nan, 1]))) { error in
            XCTAssertTrue("\(error)".contains("not finite"), "\(error)")
        }
        XCTAssertThrowsError(try SymmetricEigensolver.eigenvalues(of: Matrix(rows: 1, columns: 1, values: [.infinity])))
        // Within the relative tolerance 1e-12 · max|a|: accepted.
        XCTAssertNoThrow(try SymmetricEigensolver.eigenvalues(of: Matrix(rows: 2, columns: 2, values: [1, 2, 2 + 1e-15, 1])))
    }
}
