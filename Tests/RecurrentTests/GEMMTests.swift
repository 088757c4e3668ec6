import XCTest
@testable import Recurrent
import CRecurrentKernels

/// The dispatched C GEMM (`rnn_sgemm` / `rnn_dgemm` behind `Float.gemm` / `Double.gemm`)
/// against the plain Swift reference `portableGEMM`, at every kernel level this CPU
/// supports and with 1 and 2 threads; and the prepacked-B product (`gemmPacked`) against `gemm`, bit for bit, and its
/// bias variant (`gemmPackedAddingBias`) against bias rows with β = 1, bit for bit.
///
/// Tolerance, per element: |got − ref| ≤ (k + 4)·ε·(|α|·Σ_p |a_ip||b_pj| + |β·c_ij|).
/// Both computations round each of the k products/sums at most once or twice in the
/// working precision (the fast path uses fused multiply-adds in a blocked order, the
/// reference plain sequential sums), so each differs from the exact result by at most
/// about k·ε·Σ|a||b| (standard dot-product error bound); the extra 4ε covers the α and β
/// scalings. Results with 1 and 2 threads must be bit-identical.
final class GEMMTests: XCTestCase {
    /// Small deterministic generator (64-bit LCG), values in [-1, 1).
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    struct Case: CustomStringConvertible {
        var transA = false, transB = false
        var m = 1, n = 1, k = 1
        var alpha = 1.0, beta = 0.0
        var padA = 0, padB = 0, padC = 0
        var description: String {
            "transA \(transA) transB \(transB) m \(m) n \(n) k \(k) α \(alpha) β \(beta) pads \(padA),\(padB),\(padC)"
        }
    }

    static let scalings: [Double] = [1, 0.5, 0, -1]

    var levels: [Int32] { Array(0...rnn_kernel_level_supported()) }

    override func tearDown() {
        rnn_kernel_force_level(-1)
        rnn_set_thread_count(0)
        super.tearDown()
    }

    /// Runs one case at every level and with 1 and 2 threads; returns the number of failures.
    @discardableResult
    func check<S: RecurrentScalar>(_ c: Case, _ type: S.Type, seed: UInt64, threads: [Int32] = [1, 2],
                                   file: StaticString = #filePath, line: UInt = #line) -> Int {
        var rng = LCG(state: seed)
        let (aRows, aCols) = c.transA ? (c.k, c.m) : (c.m, c.k)
        let (bRows, bCols) = c.transB ? (c.n, c.k) : (c.k, c.n)
        let lda = max(aCols + c.padA, 1), ldb = max(bCols + c.padB, 1), ldc = max(c.n + c.padC, 1)
        // Padding holds values that must never be read into the result (huge, so a stray
        // read shows) and C's padding must come back bit-identical.
        let a: [S] = (0..<max(aRows * lda, 1)).map { i in i % lda < aCols ? S(rng.next()) : 1e30 }
        let b: [S] = (0..<max(bRows * ldb, 1)).map { i in i % ldb < bCols ? S(rng.next()) : 1e30 }
        let c0: [S] = (0..<max(c.m * ldc, 1)).map { i in
            i % ldc < c.n ? (c.beta == 0 ? S.nan : S(rng.next())) : S(-7.25)
        }
        let alpha = S(c.alpha), beta = S(c.beta)
        let bias: [S] = (0..<max(c.n, 1)).map { _ in S(rng.next()) }

        var ref = c0
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in ref.withUnsafeMutableBufferPointer { cp in
            S.portableGEMM(transposeA: c.transA, transposeB: c.transB, m: c.m, n: c.n, k: c.k,
                           alpha: alpha, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                           beta: beta, c: cp.baseAddress!, ldc: ldc)
        } } }
        // Per-element error bound.
        var bound = [Double](repeating: 0, count: max(c.m * ldc, 1))
        for i in 0..<c.m {
            for j in 0..<c.n {
                var s = 0.0
                for p in 0..<c.k {
                    let av = Double(c.transA ? a[p * lda + i] : a[i * lda + p])
                    let bv = Double(c.transB ? b[j * ldb + p] : b[p * ldb + j])
                    s += abs(av * bv)
                }
                let cv = c.beta == 0 ? 0 : abs(c.beta * Double(c0[i * ldc + j]))
                bound[i * ldc + j] = Double(c.k + 4) * Double(S.ulpOfOne) * (abs(c.alpha) * s + cv)
                    + Double(S.leastNormalMagnitude)
            }
        }

        var failures = 0
        for level in levels {
            rnn_kernel_force_level(level)
            XCTAssertEqual(rnn_kernel_level(), level, file: file, line: line)
            var first: [S]?
            for t in threads {
                rnn_set_thread_count(t)
                var got = c0
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in got.withUnsafeMutableBufferPointer { cp in
                    S.gemm(transposeA: c.transA, transposeB: c.transB, m: c.m, n: c.n, k: c.k,
                           alpha: alpha, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                           beta: beta, c: cp.baseAddress!, ldc: ldc)
                } } }
                // The same product from B packed once (the recurrent weights' path) is bit-identical.
                var packed = [S](repeating: .nan, count: S.packedWeightCount(k: c.k, n: c.n))
                b.withUnsafeBufferPointer { bp in packed.withUnsafeMutableBufferPointer { pp in
                    S.packWeight(transpose: c.transB, k: c.k, n: c.n, b: bp.baseAddress!, ldb: ldb, into: pp.baseAddress!)
                } }
                var fromPacked = c0
                a.withUnsafeBufferPointer { ap in packed.withUnsafeBufferPointer { pp in fromPacked.withUnsafeMutableBufferPointer { cp in
                    S.gemmPacked(transposeA: c.transA, m: c.m, n: c.n, k: c.k, alpha: alpha, a: ap.baseAddress!, lda: lda,
                                 packed: pp.baseAddress!, beta: beta, c: cp.baseAddress!, ldc: ldc)
                } } }
                let samePacked = fromPacked.withUnsafeBytes { x in got.withUnsafeBytes { y in x.elementsEqual(y) } }
                if !samePacked { failures += 1 }
                XCTAssertTrue(samePacked, "\(S.self) level \(level) threads \(t): packed B differs from gemm, \(c)",
                              file: file, line: line)
                // With a bias row in place of β·C (an input projection): bit for bit C's rows set to the bias and
                // β = 1, and C's old values (NaN here) unread.
                var biasRows = c0, withBias = c0
                for i in 0..<c.m {
                    for j in 0..<c.n { (biasRows[i * ldc + j], withBias[i * ldc + j]) = (bias[j], .nan) }
                }
                a.withUnsafeBufferPointer { ap in packed.withUnsafeBufferPointer { pp in bias.withUnsafeBufferPointer { bb in
                    biasRows.withUnsafeMutableBufferPointer { cp in
                        S.gemmPacked(transposeA: c.transA, m: c.m, n: c.n, k: c.k, alpha: alpha, a: ap.baseAddress!, lda: lda,
                                     packed: pp.baseAddress!, beta: 1, c: cp.baseAddress!, ldc: ldc)
                    }
                    withBias.withUnsafeMutableBufferPointer { cp in
                        S.gemmPackedAddingBias(transposeA: c.transA, m: c.m, n: c.n, k: c.k, alpha: alpha, a: ap.baseAddress!,
                                               lda: lda, packed: pp.baseAddress!, bias: bb.baseAddress!, c: cp.baseAddress!, ldc: ldc)
                    }
                } } }
                let sameBias = withBias.withUnsafeBytes { x in biasRows.withUnsafeBytes { y in x.elementsEqual(y) } }
                if !sameBias { failures += 1 }
                XCTAssertTrue(sameBias, "\(S.self) level \(level) threads \(t): packed product adding a bias differs from bias rows and β = 1, \(c)",
                              file: file, line: line)
                if let first {
                    let same = first.withUnsafeBytes { x in got.withUnsafeBytes { y in x.elementsEqual(y) } }
                    if !same { failures += 1 }
                    XCTAssertTrue(same, "\(S.self) level \(level): \(t) threads not bit-identical to 1, \(c)",
                                  file: file, line: line)
                } else {
                    first = got
                }
                for i in 0..<c.m {
                    for j in 0..<ldc {
                        let idx = i * ldc + j
                        if j >= c.n {
                            if got[idx] != c0[idx] {
                                failures += 1
                                XCTFail("\(S.self) level \(level) threads \(t): wrote C padding at (\(i), \(j)), \(c)",
                                        file: file, line: line)
                                return failures
                            }
                            continue
                        }
                        let err = abs(Double(got[idx]) - Double(ref[idx]))
                        if !(err <= bound[idx]) {
                            failures += 1
                            XCTFail("\(S.self) level \(level) threads \(t): C[\(i), \(j)] = \(got[idx]), "
                                    + "reference \(ref[idx]), bound \(bound[idx]), \(c)", file: file, line: line)
                            return failures
                        }
                    }
                }
            }
        }
        return failures
    }

    /// All transposes, α/β combinations and padded leading dimensions on small shapes.
    func runSmallShapes<S: RecurrentScalar>(_ type: S.Type) {
        let dims = [0, 1, 2, 3, 5, 7, 8, 9, 13]
        var rng = LCG(state: 99)
        var n = 0
        for tA in [false, true] {
            for tB in [false, true] {
                for alpha in Self.scalings {
                    for beta in Self.scalings {
                        for _ in 0..<3 {
                            let pick = { (r: inout LCG) in dims[Int((r.next() + 1) / 2 * Double(dims.count)) % dims.count] }
                            let c = Case(transA: tA, transB: tB, m: pick(&rng), n: pick(&rng), k: pick(&rng),
                                         alpha: alpha, beta: beta, padA: n % 3, padB: (n / 3) % 2, padC: n % 2 * 3)
                            n += 1
                            if check(c, type, seed: UInt64(n), threads: [1]) > 0 { return }
                        }
                    }
                }
            }
        }
    }

    /// Sizes around the register tiles (float 8×32 / 6×16 / 4×8, double 8×16 / 6×8 / 4×4):
    /// random shapes in 1...40 × 1...70 × 1...50 plus primes.
    func runBlockEdges<S: RecurrentScalar>(_ type: S.Type, count: Int) {
        var rng = LCG(state: 7)
        let draw = { (r: inout LCG, max: Int) in 1 + Int((r.next() + 1) / 2 * Double(max)) % max }
        var cases: [Case] = []
        for i in 0..<count {
            cases.append(Case(transA: i % 2 == 1, transB: i / 2 % 2 == 1,
                              m: draw(&rng, 40), n: draw(&rng, 70), k: draw(&rng, 50),
                              alpha: Self.scalings[i % 4], beta: Self.scalings[i / 4 % 4],
                              padA: i % 5 == 0 ? 3 : 0, padB: i % 7 == 0 ? 1 : 0, padC: i % 3 == 0 ? 2 : 0))
        }
        cases.append(Case(transA: false, transB: true, m: 17, n: 31, k: 37, alpha: 1, beta: 1))
        cases.append(Case(transA: true, transB: false, m: 33, n: 65, k: 13, alpha: -1, beta: 0.5))
        cases.append(Case(transA: true, transB: true, m: 9, n: 67, k: 41, alpha: 0.5, beta: 0, padA: 2, padB: 2, padC: 2))
        for (i, c) in cases.enumerated() where check(c, type, seed: UInt64(1000 + i), threads: [1]) > 0 { return }
    }

    /// Larger products: several k blocks, row/column blocks, and shapes big enough for two
    /// threads (split over n and over m), checked bit-identical between 1 and 2 threads.
    func runLarge<S: RecurrentScalar>(_ type: S.Type) {
        let cases = [
            // k larger than the k block (several k blocks, β applied only once).
            Case(transA: true, transB: false, m: 20, n: 12, k: 1100, alpha: 1, beta: 1),
            Case(transA: false, transB: false, m: 10, n: 45, k: 800, alpha: 0.5, beta: 0),
            // Over the thread threshold (2·m·n·k ≥ 2e6): split over n, then over m.
            Case(transA: false, transB: true, m: 24, n: 300, k: 230, alpha: 1, beta: 0.5, padC: 5),
            Case(transA: false, transB: false, m: 45, n: 301, k: 120, alpha: -1, beta: 0, padB: 3),
            Case(transA: true, transB: false, m: 230, n: 37, k: 190, alpha: 1, beta: 1, padA: 1),
            Case(transA: true, transB: true, m: 213, n: 29, k: 260, alpha: 0.5, beta: 0),
        ]
        for (i, c) in cases.enumerated() where check(c, type, seed: UInt64(500 + i)) > 0 { return }
    }

    func testSmallShapesFloat() { runSmallShapes(Float.self) }
    func testSmallShapesDouble() { runSmallShapes(Double.self) }
    func testBlockEdgesFloat() { runBlockEdges(Float.self, count: 60) }
    func testBlockEdgesDouble() { runBlockEdges(Double.self, count: 40) }
    func testLargeFloat() { runLarge(Float.self) }
    func testLargeDouble() { runLarge(Double.self) }

    /// β = 0 must not read C (NaN stays out); α = 0 or k = 0 reduces to C = β·C.
    func testBetaZeroAndDegenerateScalings() {
        for level in levels {
            rnn_kernel_force_level(level)
            var c = [Float](repeating: .nan, count: 6)
            let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 0, 2, 0, 1, 3]
            rnn_sgemm(0, 0, 2, 3, 2, 1, a, 2, b, 3, 0, &c, 3)
            XCTAssertEqual(c, [1, 2, 8, 3, 4, 18])
            c = [Float](repeating: .nan, count: 6)
            rnn_sgemm(0, 0, 2, 3, 0, 1, a, 2, b, 3, 0, &c, 3)  // k = 0, β = 0: zeros
            XCTAssertEqual(c, [0, 0, 0, 0, 0, 0])
            c = [1, 2, 3, 4, 5, 6]
            rnn_sgemm(0, 0, 2, 3, 2, 0, a, 2, b, 3, 2, &c, 3)  // α = 0: C = 2·C
            XCTAssertEqual(c, [2, 4, 6, 8, 10, 12])
            var d = [Double](repeating: .nan, count: 4)
            rnn_dgemm(1, 1, 2, 2, 1, -1, [1, 2], 2, [3, 4], 1, 0, &d, 2)
            XCTAssertEqual(d, [-3, -4, -6, -8])
            rnn_sgemm(0, 0, 0, 3, 2, 1, a, 2, b, 3, 0, &c, 3)  // m = 0: nothing written
            XCTAssertEqual(c, [2, 4, 6, 8, 10, 12])
        }
    }

    func testDispatchAndThreadControls() {
        let best = rnn_kernel_level_supported()
        XCTAssert((0...2).contains(best))
        XCTAssertEqual(rnn_kernel_level(), best)
        XCTAssertEqual(KernelSettings.level.rawValue, Int(best))
        rnn_kernel_force_level(0)
        XCTAssertEqual(rnn_kernel_level(), 0)
        XCTAssertEqual(KernelSettings.level, .portable)
        rnn_kernel_force_level(99)  // clamped to what the CPU supports
        XCTAssertEqual(rnn_kernel_level(), best)
        KernelSettings.force(nil)
        XCTAssertEqual(rnn_kernel_level(), best)

        rnn_set_thread_count(1)
        XCTAssertEqual(rnn_thread_count(), 1)
        KernelSettings.threadCount = 2
        XCTAssertEqual(KernelSettings.threadCount, 2)
        rnn_set_thread_count(0)
        XCTAssertGreaterThanOrEqual(rnn_thread_count(), 1)
    }

    /// The shapes of an LSTM time step (batch 16, hidden 100: x·Wᵀ and its adjoint) and of
    /// the after-loop weight gradient (dW += dGᵀ·H, large k), with 1 and 2 threads.
    func testRecurrentShapes() {
        let cases = [
            Case(transA: false, transB: true, m: 16, n: 400, k: 100, alpha: 1, beta: 1),
            Case(transA: false, transB: false, m: 16, n: 100, k: 400, alpha: 1, beta: 0),
            Case(transA: true, transB: false, m: 400, n: 100, k: 160, alpha: 1, beta: 1),
        ]
        for (i, c) in cases.enumerated() {
            check(c, Float.self, seed: UInt64(900 + i))
        }
    }

    /// A streaming step's products: one to a few rows against a B of ≥ 384 KiB (W_hhᵀ of an LSTM with hidden 256
    /// is 1 MiB), which the kernels split over the columns on two threads although their flops are few.
    func testFewRowsLargeBSplitOverColumns() {
        let cases = [
            Case(transA: false, transB: true, m: 1, n: 1024, k: 256, alpha: 1, beta: 0),
            Case(transA: false, transB: true, m: 3, n: 1000, k: 130, alpha: 1, beta: 1, padC: 3),
            Case(transA: false, transB: false, m: 1, n: 768, k: 256, alpha: 1, beta: 1),
        ]
        for (i, c) in cases.enumerated() {
            check(c, Float.self, seed: UInt64(950 + i))
            check(c, Double.self, seed: UInt64(960 + i))
        }
    }
}
