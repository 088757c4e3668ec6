import Foundation
import Recurrent
import RecurrentData
import RecurrentInitializers
import XCTest

final class VocabularyTests: XCTestCase {
    func testCharactersRoundTripAnyTextOfTheirScalars() throws {
        let text = "Où est le café?\n\t\"ROMEO:\" — naïve 🙂"
        let vocabulary = try Vocabulary.characters(of: text)
        XCTAssertEqual(vocabulary.count, Set(text.unicodeScalars).count)
        XCTAssertEqual(vocabulary.tokens.map { $0.unicodeScalars.first!.value }, vocabulary.tokens.map { $0.unicodeScalars.first!.value }.sorted())
        XCTAssertEqual(try vocabulary.decode(vocabulary.encode(text)), text)
        XCTAssertEqual(try vocabulary.decode(vocabulary.encode("café 🙂")), "café 🙂")
    }

    func testUnknownCharacterIsNamed() throws {
        let vocabulary = try Vocabulary.characters(of: "abc ")
        XCTAssertThrowsError(try vocabulary.encode("ab z")) { error in
            XCTAssertTrue("\(error)".contains("\"z\" (U+007A) at position 3"), "\(error)")
        }
        XCTAssertThrowsError(try vocabulary.encode("a\nb")) { error in
            XCTAssertTrue("\(error)".contains("U+000A at position 1"), "\(error)")
        }
        XCTAssertThrowsError(try vocabulary.decode([0, 4])) { XCTAssertTrue("\($0)".contains("position 1"), "\($0)") }
        XCTAssertThrowsError(try Vocabulary.characters(of: ""))
    }

    func testWordsByCountWithUnknownCapAndMinimumCount() throws {
        let text = "the cat  and the dog\nand the bird  sat"
        let all = try Vocabulary.words(of: text)
        // the ×3, and ×2, then the singletons in code-point order.
        XCTAssertEqual(all.tokens, ["<unk>", "the", "and", "bird", "cat", "dog", "sat"])
        let capped = try Vocabulary.words(of: text, maximumSize: 3)
        XCTAssertEqual(capped.tokens, ["<unk>", "the", "and"])
        XCTAssertEqual(try capped.encode("the bird and fish"), [1, 0, 2, 0])
        XCTAssertEqual(try capped.decode([1, 0, 2]), "the <unk> and")
        XCTAssertEqual(try Vocabulary.words(of: text, minimumCount: 2).tokens, ["<unk>", "the", "and"])
        XCTAssertThrowsError(try Vocabulary.words(of: " \n\t "))
        XCTAssertThrowsError(try Vocabulary.words(of: text, maximumSize: 1))
        XCTAssertThrowsError(try Vocabulary.words(of: text, minimumCount: 0))
    }

    func testSerializationRoundTripsAndRejectsDamage() throws {
        let tricky = try Vocabulary(level: .character, tokens: ["\"", "\\", "\n", "\u{1}", "é", "🙂", "/", "\u{7F}"])
        XCTAssertEqual(try Vocabulary(serialized: tricky.serialized), tricky)
        let words = try Vocabulary.words(of: "a b b c")
        XCTAssertEqual(try Vocabulary(serialized: words.serialized), words)
        XCTAssertEqual(try Vocabulary(serialized: " { \"tokens\" : [ \"<unk>\" , \"x\" ] , \"level\" : \"word\" } ").tokens, ["<unk>", "x"])
        for damaged in ["", "{", "{\"level\":\"word\"}", "{\"level\":\"byte\",\"tokens\":[\"a\"]}",
                        "{\"level\":\"character\",\"tokens\":[\"ab\"]}", "{\"level\":\"character\",\"tokens\":[\"a\",\"a\"]}",
                        "{\"level\":\"word\",\"tokens\":[\"a\"]}", "{\"level\":\"character\",\"tokens\":[\"\\q\"]}",
                        "{\"level\":\"character\",\"tokens\":[\"\\ud800\"]}", "{\"level\":\"character\",\"tokens\":[]}",
                        tricky.serialized + "x"] {
            XCTAssertThrowsError(try Vocabulary(serialized: damaged), damaged)
        }
    }
}

final class TokenStreamTests: XCTestCase {
    func testWindowsCoverEachStreamOnceContiguously() throws {
        // N = 23, B = 3: L = 7 (tokens 21, 22 dropped), 6 predictions per stream, T = 4: windows of 4 and 2.
        let stream = try TokenStream(tokens: Array(0..<23), batch: 3, window: 4)
        XCTAssertEqual(stream.streamLength, 7)
        XCTAssertEqual(stream.windowCount, 2)
        XCTAssertEqual(stream.predictionCount, 18)
        var seenPairs = [[(Int32, Int32)]](repeating: [], count: 3)
        for k in 0..<stream.windowCount {
            let (inputs, targets) = stream.window(k)
            XCTAssertEqual(inputs.steps, k == 0 ? 4 : 2)
            for t in 0..<inputs.steps { for b in 0..<3 {
                seenPairs[b].append((inputs[t, b], targets[t, b]))
            } }
        }
        for b in 0..<3 {
            // Stream b reads tokens 7b ..< 7b + 7 in order, each target the next token.
            XCTAssertEqual(seenPairs[b].map(\.0), (0..<6).map { Int32(7 * b + $0) })
            XCTAssertEqual(seenPairs[b].map(\.1), (1..<7).map { Int32(7 * b + $0) })
        }
    }

    func testRandomWindowsAreContiguousAndSeeded() throws {
        let stream = try TokenStream(tokens: Array(0..<50), batch: 4, window: 5)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let first = stream.randomWindow(using: &a)
        XCTAssertEqual(first.inputs, stream.randomWindow(using: &b).inputs)
        for column in 0..<4 {
            let start = first.inputs[0, column]
            for t in 0..<5 {
                XCTAssertEqual(first.inputs[t, column], start + Int32(t))
                XCTAssertEqual(first.targets[t, column], start + Int32(t) + 1)
            }
        }
    }

    func testTooShortAndBadInputAreRefused() throws {
        XCTAssertThrowsError(try TokenStream(tokens: Array(0..<9), batch: 2, window: 4)) { error in
            XCTAssertTrue("\(error)".contains("9 tokens are too few"), "\(error)")
        }
        XCTAssertNoThrow(try TokenStream(tokens: Array(0..<10), batch: 2, window: 4))
        XCTAssertThrowsError(try TokenStream(tokens: [0, 1, -2, 3], batch: 1, window: 1))
        XCTAssertThrowsError(try TokenStream(tokens: [0, 1], batch: 0, window: 1))
        XCTAssertThrowsError(try TokenStream(tokens: [0, 1], batch: 1, window: 0))
        XCTAssertThrowsError(try TokenStream(tokens: [0, 1], batch: Int.max, window: Int.max))
    }

    func testMetrics() {
        XCTAssertEqual(LanguageModelMetrics.bits(fromNats: 0.693_147_180_559_945_3), 1, accuracy: 1e-15)
        XCTAssertEqual(LanguageModelMetrics.perplexity(fromNats: 2), 7.38905609893065, accuracy: 1e-12)
    }
}

final class TextCorpusTests: XCTestCase {
    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "text-corpus-\(UUID().uuidString).txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testLoadsUTF8AndSplitsAtTheEnd() throws {
        let path = try temporaryFile(Array("abcdefghij".utf8))
        let corpus = try TextCorpus.load(path: path)
        let (train, validation) = try corpus.split(validationFraction: 0.1)
        XCTAssertEqual(train, "abcdefghi")
        XCTAssertEqual(validation, "j")
        XCTAssertThrowsError(try corpus.split(validationFraction: 0))
        XCTAssertThrowsError(try corpus.split(validationFraction: 0.01))   // would leave validation empty
    }

    func testEmptyMissingAndInvalidUTF8AreNamed() throws {
        let empty = try temporaryFile([])
        XCTAssertThrowsError(try TextCorpus.load(path: empty)) { XCTAssertTrue("\($0)".contains("empty"), "\($0)") }
        let bad = try temporaryFile(Array("ab".utf8) + [0xC3, 0x28] + Array("cd".utf8))
        XCTAssertThrowsError(try TextCorpus.load(path: bad)) { error in
            XCTAssertTrue("\(error)".contains("byte 2"), "\(error)")
            XCTAssertTrue("\(error)".contains(bad), "\(error)")
        }
        XCTAssertThrowsError(try TextCorpus.load(path: "/nonexistent/x.txt")) { XCTAssertTrue("\($0)".contains("/nonexistent/x.txt")) }
    }

    /// The real corpus (skipped when ../shared is absent): 1,115,394 characters, 65 distinct (the data's README).
    func testTinyShakespeareWhenPresent() throws {
        let root = ProcessInfo.processInfo.environment["RNN_SHARED_DIR"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared").path
        let path = root + "/data/text/tinyshakespeare.txt"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no \(path)") }
        let corpus = try TextCorpus.load(path: path)
        let vocabulary = try Vocabulary.characters(of: corpus.text)
        XCTAssertEqual(corpus.text.unicodeScalars.count, 1_115_394)
        XCTAssertEqual(vocabulary.count, 65)
        let ids = try vocabulary.encode(corpus.text)
        XCTAssertEqual(try vocabulary.decode(Array(ids.prefix(200))), String(String.UnicodeScalarView(corpus.text.unicodeScalars.prefix(200))))
    }
}
