import XCTest
@testable import RecurrentInitializers

/// Initializers whose settings would produce ±∞ throw, naming the setting.
final class InitializerOverflowTests: XCTestCase {
    func assertThrows(_ body: @autoclosure () throws -> Any, mentioning words: [String], line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            for word in words { XCTAssertTrue("\(error)".contains(word), "\(error) does not mention \(word)", line: line) }
        }
    }

    func testHugeScalesThrowInsteadOfProducingInfinity() {
        var generator = RandomGenerator(seed: 1)
        assertThrows(try Initializers.gaussian(rows: 8, columns: 8, standardDeviation: 1e308, using: &generator),
                     mentioning: ["gaussian", "standardDeviation = 1e+308", "too large", "inf"])
        assertThrows(try Initializers.npRNNInput(hiddenSize: 1, inputSize: 64, gain: .greatestFiniteMagnitude, using: &generator),
                     mentioning: ["npRNNInput", "gain = 1.79"])
        XCTAssertNoThrow(try Initializers.gaussian(rows: 8, columns: 8, standardDeviation: 1e300, using: &generator))
    }

    func testConversionToANarrowerTypeIsChecked() throws {
        var generator = RandomGenerator(seed: 2)
        var matrix = try Initializers.uniform(rows: 3, columns: 4, bound: 1, using: &generator)
        XCTAssertEqual(try matrix.finiteScalars(as: Float.self, setting: "--gain 1").count, 12)
        matrix.values = matrix.values.map { 1e300 * $0 }  // finite as Double
        XCTAssertThrowsError(try matrix.finiteScalars(as: Float.self, setting: "rnn init uniform --gain 1e300")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("rnn init uniform --gain 1e300: entry (0, 0)"), message)
            XCTAssertTrue(message.contains("not finite as Float"), message)
        }
        XCTAssertEqual(try matrix.finiteScalars(as: Double.self, setting: "f64").count, 12)
    }
}
