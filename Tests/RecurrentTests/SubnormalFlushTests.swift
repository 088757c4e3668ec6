import XCTest
@testable import Recurrent
import CRecurrentKernels
import RecurrentInitializers

/// `KernelSettings.flushesSubnormals`: on x86-64 the kernels treat subnormal inputs as zero and flush subnormal
/// results to zero while they run, leave the caller's floating-point mode as it was, and give the same results on
/// any number of threads. Elsewhere the setting changes nothing, which the same tests check.
final class SubnormalFlushTests: XCTestCase {
    override func tearDown() {
        KernelSettings.flushesSubnormals = true
        KernelSettings.threadCount = 0
        super.tearDown()
    }

    /// 2⁻¹³⁰: a subnormal `Float` (the smallest normal is 2⁻¹²⁶).
    let tiny = Float(sign: .plus, exponent: -130, significand: 1)

    /// C (1×1) = a·1 with a subnormal: zero when flushing (x86-64), the exact product otherwise.
    func product(_ a: Float) -> Float {
        let x: [Float] = [a], y: [Float] = [1]
        var c: [Float] = [0]
        rnn_sgemm(0, 0, 1, 1, 1, 1, x, 1, y, 1, 0, &c, 1)
        return c[0]
    }

    func testSubnormalOperandsReadAsZeroOnlyWhenFlushing() {
        XCTAssertTrue(tiny.isSubnormal)
        KernelSettings.flushesSubnormals = true
        XCTAssertTrue(KernelSettings.flushesSubnormals)
        #if arch(x86_64)
        XCTAssertEqual(product(tiny), 0, "flushing: a subnormal operand reads as zero")
        #else
        XCTAssertEqual(product(tiny), tiny, "no flushing outside x86-64")
        #endif
        KernelSettings.flushesSubnormals = false
        XCTAssertFalse(KernelSettings.flushesSubnormals)
        XCTAssertEqual(product(tiny), tiny, "not flushing: the exact product")
    }

    /// After a product with flushing on, the caller's own arithmetic still produces and keeps subnormals.
    func testCallerModeIsRestored() {
        KernelSettings.flushesSubnormals = true
        _ = product(tiny)
        let a = Float(sign: .plus, exponent: -120, significand: 1)
        let b = Float(sign: .plus, exponent: -10, significand: 1)
        let c = a * b   // 2⁻¹³⁰, computed by the caller after the kernel returned
        XCTAssertTrue(c.isSubnormal, "the caller's floating-point mode is flushing: \(c)")
        let (x, y) = (c, Float(1))
        XCTAssertEqual(x * y, tiny, "the caller reads subnormal operands as themselves")
    }

    /// A product large enough to be split over two threads, with subnormal values in both operands and in the
    /// products: bit-identical on 1 and 2 threads with flushing on and off (each part runs in the mode of the
    /// thread that started the product).
    func testThreadCountDoesNotChangeResultsWithSubnormals() {
        // Large enough (about 1 ms a product) that the pool's worker computes parts of it, whichever thread
        // started the pool and in whatever mode it was created.
        let (m, n, k) = (256, 1024, 256)
        var seed: UInt64 = 7
        // ±(1 + u)·2^e with e drawn from `exponents`.
        func next(_ exponents: ClosedRange<Int>) -> Float {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let u = Float(seed >> 40) / Float(1 << 24)           // [0, 1)
            let e = exponents.lowerBound + Int(u * Float(exponents.count))
            return Float(sign: u < 0.5 ? .minus : .plus, exponent: e, significand: 1 + u)
        }
        // A of ordinary size, B around the smallest normal number: products and sums are partly subnormal.
        let a = (0..<m * k).map { _ in next(-8...0) }, b = (0..<k * n).map { _ in next(-135...(-118)) }
        XCTAssertTrue(b.contains { $0.isSubnormal } && b.contains { $0.isNormal })
        var modes: [[Float]] = []
        for flush in [false, true, false, true] {
            KernelSettings.flushesSubnormals = flush
            KernelSettings.threadCount = 1
            var serial = [Float](repeating: 0, count: m * n)
            rnn_sgemm(0, 0, m, n, k, 1, a, k, b, n, 0, &serial, n)
            modes.append(serial)
            KernelSettings.threadCount = 2
            for repeat_ in 0..<3 {
                var c = [Float](repeating: 0, count: m * n)
                rnn_sgemm(0, 0, m, n, k, 1, a, k, b, n, 0, &c, n)
                XCTAssertEqual(c, serial, "flush \(flush), repeat \(repeat_): 1 and 2 threads differ")
            }
        }
        #if arch(x86_64)
        XCTAssertNotEqual(modes[0], modes[1], "the data exercises subnormals: flushing changes the product")
        #endif
    }

    /// A recurrent layer run with flushing off and on: outputs equal wherever nothing is subnormal (here: all of
    /// them, from ordinary inputs), so the setting changes only values below the smallest normal number.
    func testLayerOutputsUnchangedForOrdinaryValues() throws {
        let cell = try LSTMCell<Float>(inputSize: 3, hiddenSize: 8, seed: 5)
        let layer = RecurrentLayer(cell: cell)
        var g = RandomGenerator(seed: 6)
        let x = try Tensor<Float>(shape: [12, 4, 3], scalars: (0..<144).map { _ in Float(g.nextUniform() * 2 - 1) })
        KernelSettings.flushesSubnormals = false
        let off = try layer.infer(x).outputs
        KernelSettings.flushesSubnormals = true
        let on = try layer.infer(x).outputs
        XCTAssertEqual(off.scalars, on.scalars)
    }
}
