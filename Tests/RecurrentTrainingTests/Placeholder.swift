import XCTest
final class RecurrentTrainingPlaceholderTests: XCTestCase { func testModuleLoads() {} }
