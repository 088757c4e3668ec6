import XCTest
import RecurrentDiagnostics
final class RecurrentDiagnosticsPlaceholderTests: XCTestCase { func testModuleBuilds() {} }
