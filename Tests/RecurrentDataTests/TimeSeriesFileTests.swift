import Foundation
import RecurrentData
import XCTest

/// The `.ts` reader: the format's features, then one hostile input per error, each checked for its line and message.
final class TimeSeriesFileTests: XCTestCase {
    /// Asserts that parsing `text` throws a ``TimeSeriesFileError`` on `line` whose reason contains every fragment.
    func assertFails(_ text: String, line: Int?, _ fragments: [String], missingValues: MissingValues = .refuse,
                     file: StaticString = #filePath, sourceLine: UInt = #line) {
        do {
            let parsed = try TimeSeriesFile.parse(text, source: "hostile.ts", missingValues: missingValues)
            XCTFail("expected an error, parsed \(parsed.count) cases", file: file, line: sourceLine)
        } catch let error as TimeSeriesFileError {
            XCTAssertEqual(error.path, "hostile.ts", file: file, line: sourceLine)
            XCTAssertEqual(error.line, line, "message was: \(error)", file: file, line: sourceLine)
            for fragment in fragments {
                XCTAssertTrue(error.reason.contains(fragment), "'\(fragment)' not in: \(error)", file: file, line: sourceLine)
            }
            if let line { XCTAssertTrue(error.description.hasPrefix("hostile.ts:\(line): "), error.description, file: file, line: sourceLine) }
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: sourceLine)
        }
    }

    static let multivariate = """
        # A comment
        #
        @problemName Toy Problem
        @timeStamps false
        @missing false
        @univariate false
        @dimensions 2
        @equalLength false
        @classLabel true walk run jump

        @data
        0.1,0.2,0.3:1,2,3:walk
        # a comment among the cases
        0.5, -0.4 :2e1,1 : jump\r
        7:8:run
        """

    func testMultivariateVariableLengthWithLabels() throws {
        let file = try TimeSeriesFile.parse(Self.multivariate, source: "toy.ts")
        XCTAssertEqual(file.source, "toy.ts")
        XCTAssertEqual(file.problemName, "Toy Problem")
        XCTAssertEqual(file.count, 3)
        XCTAssertEqual(file.dimensions, 2)
        XCTAssertEqual(file.lengths, [3, 2, 1])
        XCTAssertFalse(file.isEqualLength)
        // Step-major: values[i][t * D + d].
        XCTAssertEqual(file.values, [[0.1, 1, 0.2, 2, 0.3, 3], [0.5, 20, -0.4, 1], [7, 8]])
        XCTAssertEqual(file.classNames, ["walk", "run", "jump"])
        XCTAssertEqual(file.labels, [0, 2, 1])  // indices in the declared order, not the order of appearance
        XCTAssertNil(file.targets)
    }

    /// ARFF-style '%' comment lines, as at the top of aeon 1.6.0's `UnitTest_TRAIN.ts` ("%# This is a cut down
    /// version …", then a bare "%"), are skipped like '#' lines, before and after `@data`.
    func testPercentCommentLinesAsInARFF() throws {
        let file = try TimeSeriesFile.parse("""
            %# This is a cut down version of a problem
            % a second comment line
            %
            @problemName Percent
            @univariate true
            @classLabel true 1 2
            @data
            1,2,3:1
            % a comment among the cases
              %indented
            4,5:2
            """, source: "percent.ts")
        XCTAssertEqual(file.problemName, "Percent")
        XCTAssertEqual(file.lengths, [3, 2])
        XCTAssertEqual(file.values, [[1, 2, 3], [4, 5]])
        XCTAssertEqual(file.labels, [0, 1])
        // A '%' inside a value is still no number.
        assertFails("@univariate true\n@classLabel true a\n@data\n1,%2:a\n", line: 4, ["expected a number"])
    }

    func testUnivariateWithoutDimensionsHeaderAndRegressionTargets() throws {
        let file = try TimeSeriesFile.parse("""
            @problemName Reg
            @univariate true
            @equalLength true
            @seriesLength 3
            @targetLabel true
            @data
            1,2,3:0.5
            4,5,6:-2
            """)
        XCTAssertEqual(file.dimensions, 1)
        XCTAssertEqual(file.lengths, [3, 3])
        XCTAssertTrue(file.isEqualLength)
        XCTAssertEqual(file.values, [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(file.targets, [0.5, -2])
        XCTAssertNil(file.labels)
        XCTAssertNil(file.classNames)
    }

    func testDimensionsInferredFromTheFirstCaseAndUnlabelledData() throws {
        let file = try TimeSeriesFile.parse("\u{FEFF}@DIMENSION 3\n@classlabel FALSE\n@data\n1:2:3\n4,5:6,7:8,9\n")
        XCTAssertEqual(file.dimensions, 3)
        XCTAssertEqual(file.lengths, [1, 2])
        XCTAssertNil(file.labels)
        let inferred = try TimeSeriesFile.parse("@classLabel true a\n@data\n1,2:3,4:a\n")
        XCTAssertEqual(inferred.dimensions, 2)
        XCTAssertEqual(inferred.values, [[1, 3, 2, 4]])
    }

    func testMissingValuesCanBeReplacedExplicitly() throws {
        let text = "@missing true\n@classLabel true a\n@data\n1,?,3:a\n"
        assertFails(text, line: 4, ["dimension 1, value 2: missing value '?'", "missingValues: .replace(with:)"])
        let file = try TimeSeriesFile.parse(text, missingValues: .replace(with: -1))
        XCTAssertEqual(file.values, [[1, -1, 3]])
        assertFails(text, line: nil, ["replacement for missing values must be finite"], missingValues: .replace(with: .nan))
    }

    // MARK: Hostile input: each error names the line and what was expected.

    func testMissingData() {
        assertFails("# only a comment\n@problemName X\n@classLabel true a b\n", line: 3, ["ends without '@data'"])
        assertFails("", line: 1, ["ends without '@data'"])
    }

    func testEmptyData() {
        assertFails("@classLabel true a\n@data\n\n# nothing\n", line: 2, ["no cases after @data"])
    }

    func testWrongNumberOfDimensions() {
        assertFails("@dimensions 2\n@classLabel true a\n@data\n1,2:3,4:a\n1,2:a\n", line: 5,
                    ["expected 2 dimensions and the class label separated by ':'", "@dimensions (line 1)", "found 2 fields"])
        assertFails("@classLabel true a\n@data\n1:2:a\n1:2:3:a\n", line: 4, ["expected 2 dimensions", "first case (line 3)"])
        assertFails("@univariate true\n@classLabel true a\n@data\n1:2:a\n", line: 4, ["expected 1 dimension and", "@univariate true (line 1)"])
        assertFails("@univariate true\n@dimensions 3\n@data\n1\n", line: 2, ["@univariate true (line 1) but @dimensions 3"])
    }

    func testNonNumericAndNonFiniteValues() {
        assertFails("@classLabel true a\n@data\n1,2,x3:a\n", line: 3, ["dimension 1, value 3: expected a number, found 'x3'"])
        assertFails("@classLabel true a\n@data\n1,,3:a\n", line: 3, ["dimension 1, value 2: expected a number, found ''"])
        assertFails("@dimensions 2\n@classLabel true a\n@data\n1,2:3,nan:a\n", line: 4, ["dimension 2, value 2: expected a finite number"])
        assertFails("@classLabel true a\n@data\n1e999:a\n", line: 3, ["expected a finite number, found '1e999'"])
        assertFails("@targetLabel true\n@data\n1,2:abc\n", line: 3, ["expected a finite numeric target", "'abc'"])
        let long = String(repeating: "9", count: 100)
        assertFails("@classLabel true a\n@data\n\(long):a\n", line: 3, ["expected a number", "…'"])
    }

    func testDimensionsOfDifferentLengthsWithinACase() {
        assertFails("@dimensions 2\n@classLabel true a\n@data\n1,2,3:4,5:a\n", line: 4,
                    ["dimension 2 has 2 values, dimension 1 has 3", "same length"])
    }

    func testUnknownClassLabel() {
        assertFails("@classLabel true walk run\n@data\n1:walk\n2:swim\n", line: 4,
                    ["unknown class label 'swim'", "@classLabel (line 1) declares: walk run"])
        assertFails("@classLabel true a\n@data\n1,2\n", line: 3, ["expected at least one dimension and the label", "'1,2'"])
    }

    func testEmptyDimensionIsACaseOfLengthZero() {
        assertFails("@dimensions 2\n@classLabel true a\n@data\n1,2: :a\n", line: 4, ["dimension 2 is empty"])
        assertFails("@classLabel true a\n@data\n:a\n", line: 3, ["dimension 1 is empty"])
    }

    func testDeclaredLengthsAreChecked() {
        assertFails("@equalLength true\n@seriesLength 3\n@classLabel true a\n@data\n1,2,3:a\n1,2:a\n", line: 6,
                    ["the case has 2 steps, @seriesLength (line 2) declares 3"])
        assertFails("@equalLength true\n@classLabel true a\n@data\n1,2,3:a\n1,2:a\n", line: 5,
                    ["first case (line 4) has 3", "@equalLength true (line 1)"])
    }

    func testBadHeaders() {
        assertFails("1,2,3\n@data\n", line: 1, ["expected a header line starting with '@'", "'1,2,3'"])
        assertFails("@frobnicate yes\n@data\n1\n", line: 1, ["unknown header '@frobnicate'"])
        assertFails("@classLabel true a\n@classLabel true b\n@data\n", line: 2, ["declared twice (first on line 1)"])
        assertFails("@classLabel true\n@data\n", line: 1, ["expected the class labels"])
        assertFails("@classLabel true a b a\n@data\n", line: 1, ["class label 'a' is declared twice"])
        assertFails("@classLabel maybe\n@data\n", line: 1, ["expected '@classLabel true LABEL…'"])
        assertFails("@dimensions 0\n@data\n", line: 1, ["whole number N ≥ 1"])
        assertFails("@dimensions 99999999999999999999\n@data\n", line: 1, ["whole number N ≥ 1"])
        assertFails("@dimensions 2000000\n@data\n", line: 1, ["more than the"])
        assertFails("@univariate sometimes\n@data\n", line: 1, ["expected '@univariate true' or '@univariate false'"])
        assertFails("@timeStamps true\n@data\n", line: 1, ["@timeStamps true) is not supported"])
        assertFails("@classLabel true a\n@targetLabel true\n@data\n", line: 3, ["both @classLabel true (line 1) and @targetLabel true (line 2)"])
        assertFails("@data extra\n", line: 1, ["'@data' alone"])
        assertFails("@classLabel true a\n@data\n1:a\n@problemName late\n", line: 4, ["after @data (line 2)"])
        assertFails("@problemName\n@data\n", line: 1, ["expected '@problemName NAME'"])
    }

    func testControlCharactersAreEscapedInMessages() {
        assertFails("@classLabel true a\n@data\n1,\u{1B}[2J:a\n", line: 3, ["'\\u{1b}[2J'"])
    }

    func testFilesAreReadWithASizeCapAndReportedByPath() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/Toy_TRAIN.ts"
        try Self.multivariate.write(toFile: path, atomically: true, encoding: .utf8)
        let file = try TimeSeriesFile.load(path)
        XCTAssertEqual(file.source, path)
        XCTAssertEqual(file.lengths, [3, 2, 1])
        XCTAssertThrowsError(try TimeSeriesFile.load(path, maximumBytes: 10)) { error in
            XCTAssertEqual((error as? TimeSeriesFileError)?.path, path)
            XCTAssertTrue("\(error)".contains("more than the limit of 10"), "\(error)")
        }
        XCTAssertThrowsError(try TimeSeriesFile.load(directory + "/absent.ts")) { error in
            XCTAssertTrue("\(error)".hasPrefix(directory + "/absent.ts: "), "\(error)")
        }
        // A pair must agree on dimensions and on the declared classes.
        let other = directory + "/Toy_TEST.ts"
        try "@dimensions 2\n@classLabel true walk jump run\n@data\n1:2:run\n".write(toFile: other, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TimeSeriesFile.loadPair(train: path, test: other)) { error in
            XCTAssertTrue("\(error)".contains("declares class labels walk jump run, the training file"), "\(error)")
        }
        try "@dimensions 2\n@classLabel true walk run jump\n@data\n1:2:run\n".write(toFile: other, atomically: true, encoding: .utf8)
        let pair = try TimeSeriesFile.loadPair(train: path, test: other)
        XCTAssertEqual(pair.test.labels, [1])
        try "@classLabel true walk run jump\n@data\n1:run\n".write(toFile: other, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TimeSeriesFile.loadPair(train: path, test: other)) { error in
            XCTAssertTrue("\(error)".contains("has 1 dimensions per step, the training file"), "\(error)")
        }
    }

    /// The reader's fast decimal path gives `Double(text)` bit for bit, on the path's edges (2⁵³, 10^±22) and on
    /// seeded random decimals of every shape it sees in files.
    func testNumbersParseExactlyAsTheStandardLibrary() throws {
        var tokens = ["0", "-0", "+1", "1.", ".5", "-.5", "007", "1e22", "1e23", "1e-22", "1e-23", "9007199254740991",
                      "9007199254740992", "9007199254740993", "0.1", "-0.6478854", "1.7976931348623157e308", "4.9e-324",
                      "123456789012345678901234567890", "1E+5", "2.5e-0", "0.30000000000000004", "1e308", "22e-22"]
        var state: UInt64 = 12_345
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<5000 {
            var digits = (0..<(1 + next(19))).map { _ in String(next(10)) }.joined()
            if next(2) == 0 { digits.insert(".", at: digits.index(digits.startIndex, offsetBy: next(digits.count + 1))) }
            if digits == "." { digits = "0.0" }
            let sign = ["", "-", "+"][next(3)]
            let exponent = next(3) == 0 ? ["e", "E"][next(2)] + ["", "-", "+"][next(3)] + String(next(40)) : ""
            tokens.append(sign + digits + exponent)
        }
        let file = try TimeSeriesFile.parse("@classLabel false\n@data\n" + tokens.joined(separator: ",") + "\n")
        XCTAssertEqual(file.lengths, [tokens.count])
        for (token, value) in zip(tokens, file.values[0]) {
            XCTAssertEqual(value.bitPattern, Double(token)!.bitPattern, "\(token): \(value) vs \(Double(token)!)")
        }
    }

    /// Seeded random mutations of a valid file (bytes replaced by format characters or junk, deleted, duplicated):
    /// each either parses into a consistent file or throws a ``TimeSeriesFileError`` with a line inside the text —
    /// never a crash, never another error type.
    func testMutatedFilesFailCleanly() throws {
        let original = Array(Self.multivariate.utf8)
        let alphabet = Array(":,@#?\n\r -.e9aZ".utf8) + [0, 0xFF, 0xC3]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var parsed = 0, failed = 0
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<(1 + next(4)) {
                let at = next(bytes.count)
                switch next(3) {
                case 0: bytes[at] = alphabet[next(alphabet.count)]
                case 1: bytes.remove(at: at)
                default: bytes.insert(contentsOf: bytes[at..<min(at + next(12), bytes.count)], at: at)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            let lineCount = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            do {
                let file = try TimeSeriesFile.parse(bytes: bytes, source: "mutant.ts")
                parsed += 1
                XCTAssertEqual(file.values.count, file.count)
                for (i, values) in file.values.enumerated() {
                    XCTAssertGreaterThan(file.lengths[i], 0)
                    XCTAssertEqual(values.count, file.lengths[i] * file.dimensions)
                    XCTAssertTrue(values.allSatisfy(\.isFinite))
                }
                if let labels = file.labels, let names = file.classNames {
                    XCTAssertEqual(labels.count, file.count)
                    XCTAssertTrue(labels.allSatisfy { (0..<names.count).contains($0) })
                }
            } catch let error as TimeSeriesFileError {
                failed += 1
                XCTAssertEqual(error.path, "mutant.ts")
                XCTAssertTrue((1...max(lineCount, 1)).contains(error.line ?? 0), "\(error) (\(lineCount) lines)")
            }
        }
        // Both outcomes occur, so the mutations neither always break nor never touch the parse.
        XCTAssertGreaterThan(parsed, 100)
        XCTAssertGreaterThan(failed, 100)
    }

    /// Every hostile file of the fuzzing corpus fails with the error its first line announces (`# expect: …`).
    func testHostileCorpus() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = root.appendingPathComponent("Fuzz/corpus-ts").path
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".ts") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10)
        for name in names {
            let path = corpus + "/" + name
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            guard let first = text.split(separator: "\n").first, first.hasPrefix("# expect: ") else {
                XCTFail("\(name): the first line must be '# expect: LINE: FRAGMENT'")
                continue
            }
            let expected = first.dropFirst("# expect: ".count)
            XCTAssertThrowsError(try TimeSeriesFile.load(path), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(path + ":" + expected), "\(name): expected '\(expected)', got \(error)")
            }
        }
    }
}
