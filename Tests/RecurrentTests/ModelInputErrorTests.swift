import XCTest
import Recurrent
import RecurrentInitializers

/// Bad input to the model's public functions is a thrown error that names what is wrong, never a trap.
final class ModelInputErrorTests: XCTestCase {
    func sequence(steps: Int, batch: Int, width: Int) throws -> Tensor<Double> {
        try Tensor(shape: [steps, batch, width], scalars: (0..<steps * batch * width).map { Double($0) })
    }

    func testReverseTimeRefusesLengthsOutsideTheSequence() throws {
        let x = try sequence(steps: 3, batch: 2, width: 1)
        // A length beyond T (it used to index past the end and trap), a negative one, and the wrong count.
        for (lengths, message) in [([3, 9], "lengths[1]"), ([-1, 2], "lengths[0]"), ([3], "expected 2 lengths")] {
            XCTAssertThrowsError(try reverseTime(x, lengths: lengths)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(lengths): \(error)")
            }
        }
        XCTAssertThrowsError(try reverseTime(Tensor<Double>(shape: [3, 2], repeating: 0), lengths: nil)) { error in
            XCTAssertTrue("\(error)".contains("reverseTime input"), "\(error)")
        }
        // Valid lengths, including 0 and T, still reverse each row within its length.
        // x[t, b] = 2t + b: row 0 has length 3 (all reversed), row 1 length 0 (unchanged).
        XCTAssertEqual(try reverseTime(x, lengths: [3, 0]).scalars, [4, 1, 2, 3, 0, 5])
        XCTAssertEqual(try reverseTime(x, lengths: nil).scalars, [4, 5, 2, 3, 0, 1])
    }

    func testLinearBackwardRefusesMismatchedGradients() throws {
        let readout = try Linear<Double>(inputSize: 3, outputSize: 2, seed: 1)
        let x = try Tensor<Double>(shape: [4, 3], repeating: 1), dy = try Tensor<Double>(shape: [4, 2], repeating: 1)
        var empty: [Tensor<Double>] = []
        XCTAssertThrowsError(try readout.backward(input: x, outputGradient: dy, into: &empty)) { error in
            XCTAssertTrue("\(error)".contains("Linear.backward gradients"), "\(error)")
        }
        var gradients = [try Tensor<Double>(shape: [2, 3]), try Tensor<Double>(shape: [2])]
        XCTAssertThrowsError(try readout.backward(input: Tensor(shape: [4], repeating: 1), outputGradient: dy, into: &gradients)) { error in
            XCTAssertTrue("\(error)".contains("Linear.backward input"), "\(error)")
        }
        XCTAssertNoThrow(try readout.backward(input: x, outputGradient: dy, into: &gradients))
    }

    func testBackwardRefusesAPassOfAnotherModel() throws {
        func model(layers: Int) throws -> RecurrentModel<SimpleRNNCell<Double>> {
            try RecurrentModel(inputSize: 2, outputSize: 1, layers: layers) { i, _, _ in
                try SimpleRNNCell<Double>(inputSize: i, hiddenSize: 3, seed: 1)
            }
        }
        let (one, two) = (try model(layers: 1), try model(layers: 2))
        var none: RandomGenerator? = nil
        let pass = try one.forward(sequence(steps: 4, batch: 2, width: 2), generator: &none)
        var gradients = two.zeroGradients()
        XCTAssertThrowsError(try two.backward(pass, outputGradient: Tensor(shape: [2, 1], repeating: 1), into: &gradients)) { error in
            XCTAssertTrue("\(error)".contains("another architecture"), "\(error)")
        }
    }
}
