import XCTest
final class RecurrentDataPlaceholderTests: XCTestCase { func testModuleLoads() {} }
