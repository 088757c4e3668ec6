import XCTest
@testable import Recurrent

/// `Tensor.firstNonFiniteIndex` scans Float and Double tensors in blocks without an early exit (so that the scan
/// vectorizes). It must find the first NaN or infinity wherever it is — first or last element, either side of a
/// block boundary, several in one block — and must not flag the largest finite values, subnormals or negative zero.
final class NonFiniteScanTests: XCTestCase {
    func check<S: RecurrentScalar>(_: S.Type) throws {
        let count = 1537  // three blocks of 512 and one element
        let finite: [S] = (0..<count).map { i in
            switch i % 5 {
            case 0: return S.greatestFiniteMagnitude
            case 1: return -S.greatestFiniteMagnitude
            case 2: return S.leastNonzeroMagnitude
            case 3: return -0.0
            default: return S(i) / 7
            }
        }
        XCTAssertNil(try Tensor(shape: [count], scalars: finite).firstNonFiniteIndex, "\(S.self): all finite")
        for bad in [S.nan, S.infinity, -S.infinity, -S.nan, S.signalingNaN] {
            for position in [0, 1, 510, 511, 512, 513, 1023, 1024, 1535, 1536] {
                var values = finite
                values[position] = bad
                if position + 3 < count { values[position + 3] = .nan }  // a later one in the same block
                let index = try Tensor(shape: [count], scalars: values).firstNonFiniteIndex
                XCTAssertEqual(index, position, "\(S.self): \(bad) at \(position)")
                XCTAssertThrowsError(try Tensor(shape: [count], scalars: values).requireFinite("t")) { error in
                    XCTAssertEqual(error as? RecurrentError, .nonFinite(what: "t", index: position))
                }
            }
        }
        XCTAssertNil(try Tensor<S>(shape: [0], scalars: []).firstNonFiniteIndex, "\(S.self): empty")
    }

    func testFloat() throws { try check(Float.self) }
    func testDouble() throws { try check(Double.self) }
}
