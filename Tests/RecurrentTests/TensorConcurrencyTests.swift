import Dispatch
import XCTest
@testable import Recurrent

/// Tensors made on many threads at once. Run under ThreadSanitizer (Scripts/sanitizers.sh) this fails on a
/// write into shared storage, such as the count an empty `Array(unsafeUninitializedCapacity: 0)` used to store
/// into the standard library's one empty-array object; in an ordinary run it checks the results only.
final class TensorConcurrencyTests: XCTestCase {
    func testEmptyTensorsOnManyThreads() {
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            for _ in 0..<200 {
                let empty = try! Tensor<Float>(shape: [0])
                let wide = try! Tensor<Double>(shape: [3, 0])
                precondition(empty.count == 0 && wide.count == 0 && wide.shape == [3, 0])
            }
        }
        XCTAssertEqual(Tensor<Float>.zeroedScalars(count: 0), [])
        XCTAssertEqual(Tensor<Float>.zeroedScalars(count: 3), [0, 0, 0])
    }

    func testFirstNonFiniteIndex() throws {
        XCTAssertNil(try Tensor<Float>(shape: [3], scalars: [1, 2, 3]).firstNonFiniteIndex)
        let bad = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, -.infinity, .nan])
        XCTAssertEqual(bad.firstNonFiniteIndex, 2)
        XCTAssertThrowsError(try bad.requireFinite("w.safetensors: tensor 'weight_hh_l0'")) { error in
            XCTAssertEqual("\(error)", "w.safetensors: tensor 'weight_hh_l0' contains a non-finite value (NaN or infinity) at flat index 2")
        }
        let file = SafeTensors.Contents(tensors: [("bias", try Tensor<Double>(shape: [1], scalars: [0])), ("weight", bad)], source: "m.safetensors")
        XCTAssertThrowsError(try file.requireFinite()) { error in
            XCTAssertEqual(error as? RecurrentError, .nonFinite(what: "m.safetensors: tensor 'weight'", index: 2))
        }
    }

    /// The one half-precision conversion agrees with the standard library's `Float16` on all 65 536 patterns.
    func testHalfToFloatIsExactForEveryPattern() throws {
        #if arch(x86_64) && os(macOS)
        throw XCTSkip("Float16 is unavailable on macOS x86-64")
        #else
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let got = halfToFloat(bits)
            if expected.isNaN {
                XCTAssertTrue(got.isNaN, "\(bits)")
                // Float16 → Float in the standard library quiets a signalling NaN (sets bit 22); ours keeps the bits
                // as stored, so compare the sign and the payload below the quiet bit.
                XCTAssertEqual(got.bitPattern & 0x803F_E000, expected.bitPattern & 0x803F_E000, "payload of \(bits)")
            } else {
                XCTAssertEqual(got.bitPattern, expected.bitPattern, "\(bits)")
            }
        }
        #endif
    }
}
