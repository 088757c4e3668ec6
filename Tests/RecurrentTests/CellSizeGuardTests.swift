import XCTest
@testable import Recurrent

/// Impossible cell sizes are refused before anything is allocated (this ran to 16.8 GB before the guard).
final class CellSizeGuardTests: XCTestCase {
    func testHugeCellsThrowNamingTheCellAndBytes() {
        let huge = 1 << 31
        let attempts: [(String, () throws -> Void)] = [
            ("SimpleRNNCell", { _ = try SimpleRNNCell<Float>(inputSize: 1, hiddenSize: huge) }),
            ("LSTMCell", { _ = try LSTMCell<Float>(inputSize: 1, hiddenSize: huge) }),
            ("GRUCell", { _ = try GRUCell<Double>(inputSize: huge, hiddenSize: 2) }),
            ("IRNN", { _ = try SimpleRNNCell<Float>.irnn(inputSize: 1, hiddenSize: huge) }),
            ("np-RNN", { _ = try SimpleRNNCell<Float>.npRNN(inputSize: 1, hiddenSize: huge) }),
            ("np-tanhRNN", { _ = try SimpleRNNCell<Float>.npTanhRNN(inputSize: 1, hiddenSize: huge) }),
            ("SCRNCell", { _ = try SCRNCell<Float>(inputSize: 1, hiddenSize: 4, contextSize: huge) }),
            ("LSTMCell", { _ = try LSTMCell<Float>(inputSize: 1, hiddenSize: Int.max / 2) }),   // G·H overflows Int
        ]
        for (name, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), name) { error in
                XCTAssertTrue("\(error)".contains(name), "\(error)")
                XCTAssertTrue("\(error)".contains("bytes") || "\(error)".contains("Int"), "\(error)")
            }
        }
        XCTAssertNoThrow(try LSTMCell<Float>(inputSize: 3, hiddenSize: 8))
    }
}
