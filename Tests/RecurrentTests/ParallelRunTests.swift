import XCTest
@testable import Recurrent
import CRecurrentKernels
import RecurrentInitializers

/// `runInParallel` (the C pool's `rnn_parallel_for`): every part runs exactly once, whatever the thread count;
/// a parallel loop or a large product inside a part runs on that part's thread and still completes; and the
/// row-split time loop gives the same results as the serial one on a batch the pool splits unevenly.
final class ParallelRunTests: XCTestCase {
    override func tearDown() {
        rnn_set_thread_count(0)
        LayoutTuning.rowParallelWeightLimitBytes = 512 << 10
        super.tearDown()
    }

    func testEveryPartRunsOnceForAnyThreadCount() {
        for threads: Int32 in [1, 2, 3] {
            rnn_set_thread_count(threads)
            for parts in [0, 1, 2, 5, 64] {
                var counts = [Int](repeating: 0, count: parts)
                counts.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    runInParallel(parts: parts) { part in base![part] += 1 }  // disjoint elements
                }
                XCTAssertEqual(counts, [Int](repeating: 1, count: parts), "threads \(threads), parts \(parts)")
            }
        }
    }

    func testNestedLoopsAndProductsInsideAPartComplete() {
        rnn_set_thread_count(2)
        // Each part runs a nested parallel loop and a product above the threading threshold (2·64·64·300 flops):
        // the pool is busy, so both run on the part's own thread.
        let (m, n, k) = (64, 64, 300)
        let a = (0..<m * k).map { Float($0 % 7) - 3 }, b = (0..<k * n).map { Float($0 % 5) - 2 }
        var reference = [Float](repeating: 0, count: m * n)
        Float.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                   beta: 0, c: &reference, ldc: n)
        var products = [[Float]](repeating: [Float](repeating: .nan, count: m * n), count: 2)
        var inner = [Int](repeating: 0, count: 2 * 4)
        products.withUnsafeMutableBufferPointer { results in
            inner.withUnsafeMutableBufferPointer { counts in
                let (resultBase, countBase) = (results.baseAddress!, counts.baseAddress!)
                runInParallel(parts: 2) { part in
                    runInParallel(parts: 4) { innerPart in countBase[part * 4 + innerPart] += 1 }
                    resultBase[part].withUnsafeMutableBufferPointer { c in
                        Float.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
                                   b: b, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
        XCTAssertEqual(inner, [Int](repeating: 1, count: 8))
        XCTAssertEqual(products[0], reference)
        XCTAssertEqual(products[1], reference)
    }

    func testRowSplitLoopMatchesSerialLoopOnAnOddBatch() throws {
        let layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: 5, hiddenSize: 24, seed: 3))
        var generator = RandomGenerator(seed: 9)
        let x = try Tensor<Float>(shape: [40, 7, 5], scalars: (0..<40 * 7 * 5).map { _ in Float(generator.nextUniform() * 2 - 1) })
        func run() throws -> [[Float]] {
            let pass = try layer.forward(x)
            var gradients = layer.cell.zeroGradients()
            let dOut = try Tensor<Float>(shape: pass.outputs.shape, repeating: 0.5)
            let (dx, dState) = try layer.backward(pass, outputGradient: dOut, into: &gradients)
            return [pass.outputs.scalars, try layer.infer(x).outputs.scalars, dx.scalars, dState.scalars] + gradients.map(\.scalars)
        }
        rnn_set_thread_count(1)
        let serial = try run()
        rnn_set_thread_count(2)
        LayoutTuning.rowParallelWeightLimitBytes = .max
        XCTAssertEqual(layer.rowBlockCount(batch: 7), 2)  // rows 0..<3 and 3..<7
        let split = try run()
        XCTAssertEqual(split, serial)
    }
}
