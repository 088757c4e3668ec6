// Documentation that runs: every ```swift block of README.md and of the DocC articles
// (Sources/*/*.docc/**/*.md) is either the exact text of a compiled, executed snippet in this
// test target, or is explicitly marked as not runnable.
//
// In the Markdown, the line before each ```swift fence (blank lines allowed between) is a marker:
//
//     <!-- snippet: readme-np-rnn-layer -->               an HTML comment: GitHub and DocC render nothing
//     <!-- snippet: skip (Package.swift fragment) -->     not Swift that runs; the reason is required
//
// In Snippets/*.swift, the same text lives inside a test, between `// snippet: ID` and `// end-snippet`:
//
//     @Test func npRNNLayer() throws {
//         try runSnippet("readme-np-rnn-layer") {
//             // snippet: readme-np-rnn-layer
//             let cell = try SimpleRNNCell<Double>.npRNN(inputSize: 2, hiddenSize: 16, seed: 3)
//             print(cell.hiddenSize)   // prints 16
//             // end-snippet
//             #expect(...)             // checks the reader does not see
//         }
//     }
//
// `markdownBlocksAreCompiledSnippets` compares the texts: the block's leading `import` lines must be
// imports of the snippet's file, and the rest must equal the region between the markers (indentation
// removed, trailing spaces ignored). `runSnippet` runs the region and checks its *stated output*: every
// `// prints TEXT` comment in the region is one expected line of output, in order, and the snippet must
// print exactly those lines (`…` in TEXT matches anything). `print` is captured by the module-level
// function below, which shadows `Swift.print` in this target only: the snippet's text is unchanged.
//
// A stale example therefore fails `swift test` in one of three ways: it no longer compiles, its text no
// longer matches the Markdown, or it prints something other than what the Markdown says.

import Foundation
import Synchronization
import Testing

// MARK: - Captured output

/// Collects what a snippet prints while it runs.
final class SnippetOutput: Sendable {
    /// The collector of the running snippet, if any (tests run concurrently, so it is task-local).
    @TaskLocal static var current: SnippetOutput?

    private let text = Mutex("")

    func write(_ string: String) { text.withLock { $0 += string } }

    /// The printed lines, without the final newline's empty remainder.
    var lines: [String] {
        var lines = text.withLock { $0 }.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Shadows `Swift.print` inside this test target, with the same signature and formatting, so that the
/// snippets' output can be compared with what the documentation states.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { String(describing: $0) }.joined(separator: separator) + terminator
    if let output = SnippetOutput.current {
        output.write(text)
    } else {
        Swift.print(text, terminator: "")
    }
}

// MARK: - Sources

/// Where the Markdown and the snippet sources live, found from this file's own path.
enum DocumentationSources {
    /// The package root: three levels above `Tests/DocumentationExamplesTests/SnippetHarness.swift`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// README.md and every `.md` file inside a `.docc` catalog under `Sources/`, as paths relative to the root.
    static func markdownFiles() throws -> [String] {
        var files = ["README.md"]
        let sources = root.appendingPathComponent("Sources")
        let manager = FileManager.default
        for module in try manager.contentsOfDirectory(atPath: sources.path).sorted() {
            let moduleDirectory = sources.appendingPathComponent(module)
            guard let entries = try? manager.contentsOfDirectory(atPath: moduleDirectory.path) else { continue }
            for catalog in entries.sorted() where catalog.hasSuffix(".docc") {
                let catalogPath = moduleDirectory.appendingPathComponent(catalog).path
                guard let walker = manager.enumerator(atPath: catalogPath) else { continue }
                let articles = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") }.sorted()
                files += articles.map { "Sources/\(module)/\(catalog)/\($0)" }
            }
        }
        return files
    }

    /// The snippet sources, relative to the root.
    static func snippetFiles() throws -> [String] {
        let directory = "Tests/DocumentationExamplesTests/Snippets"
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path)
        return names.filter { $0.hasSuffix(".swift") }.sorted().map { "\(directory)/\($0)" }
    }

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }
}

// MARK: - Parsing

/// A fenced ```swift block of a Markdown file and the marker before it.
struct MarkdownBlock {
    enum Marker: Equatable {
        case snippet(String)
        case skip(reason: String)
    }

    var file: String
    /// 1-based line of the opening fence.
    var line: Int
    var marker: Marker?
    var lines: [String]
}

/// A region `// snippet: ID` … `// end-snippet` of a snippet source.
struct SnippetRegion {
    var id: String
    var file: String
    /// 1-based line of the `// snippet:` marker.
    var line: Int
    var lines: [String]
    /// The `import` lines of the file.
    var imports: Set<String>
    /// Whether the line before the marker calls `runSnippet("ID")`.
    var isRun: Bool
}

enum SnippetParser {
    /// The marker of a line, if it is one: `<!-- snippet: ID -->` or `<!-- snippet: skip (reason) -->`.
    static func marker(in line: String) -> MarkdownBlock.Marker? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->") else { return nil }
        let body = trimmed.dropFirst(4).dropLast(3).drop(while: { $0 == " " })
        guard body.hasPrefix("snippet:") else { return nil }
        let value = body.dropFirst(8).trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("skip") {
            let reason = value.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
            return .skip(reason: reason)
        }
        return .snippet(value)
    }

    /// Every fenced block whose info string is `swift`, with the nearest marker above it (blank lines
    /// may separate them; any other line in between means there is no marker).
    static func swiftBlocks(file: String, text: String) -> [MarkdownBlock] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [MarkdownBlock] = []
        var index = 0
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("```") else { index += 1; continue }
            let info = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
            let indentation = lines[index].prefix(while: { $0 == " " }).count
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" { end += 1 }
            if info == "swift" {
                var above = index - 1
                while above >= 0, lines[above].trimmingCharacters(in: .whitespaces).isEmpty { above -= 1 }
                let marker = above >= 0 ? marker(in: lines[above]) : nil
                let body = lines[(index + 1)..<min(end, lines.count)].map { String($0.dropFirst(min(indentation, $0.prefix(while: { $0 == " " }).count))) }
                blocks.append(MarkdownBlock(file: file, line: index + 1, marker: marker, lines: body))
            }
            index = end + 1
        }
        return blocks
    }

    /// Every snippet region of a snippet source.
    static func regions(file: String, text: String) -> [SnippetRegion] {
        let lines = text.components(separatedBy: "\n")
        let imports = Set(lines.filter { $0.hasPrefix("import ") })
        var regions: [SnippetRegion] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("// snippet:") else { continue }
            let id = trimmed.dropFirst("// snippet:".count).trimmingCharacters(in: .whitespaces)
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "// end-snippet" { end += 1 }
            let isRun = index > 0 && lines[index - 1].contains("runSnippet(\"\(id)\")")
            regions.append(SnippetRegion(id: id, file: file, line: index + 1, lines: dedent(Array(lines[(index + 1)..<min(end, lines.count)])),
                                         imports: imports, isRun: isRun))
        }
        return regions
    }

    /// Removes the indentation common to all non-blank lines, and trailing spaces.
    static func dedent(_ lines: [String]) -> [String] {
        let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.prefix(while: { $0 == " " }).count }
        let common = indents.min() ?? 0
        return lines.map { line in
            let stripped = line.trimmingCharacters(in: .whitespaces).isEmpty ? "" : String(line.dropFirst(common))
            return stripped.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// Drops leading and trailing blank lines.
    static func trimmed(_ lines: [String]) -> [String] {
        var lines = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        while lines.first == "" { lines.removeFirst() }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The expected output lines stated in a region: the text after `// prints ` on each line, in order.
    static func statedOutput(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard let range = line.range(of: "// prints ") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
    }

    /// Whether `actual` matches `expected`, where `…` in `expected` matches any text.
    static func matches(_ actual: String, _ expected: String) -> Bool {
        let parts = expected.components(separatedBy: "…")
        guard parts.count > 1 else { return actual == expected }
        guard actual.hasPrefix(parts[0]) else { return false }
        var rest = actual.dropFirst(parts[0].count)
        for (index, part) in parts.dropFirst().enumerated() {
            if index == parts.count - 2 { return rest.hasSuffix(part) && rest.count >= part.count }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

// MARK: - Running

/// Every region of every snippet source, by id.
func allSnippetRegions() throws -> [String: SnippetRegion] {
    var regions: [String: SnippetRegion] = [:]
    for file in try DocumentationSources.snippetFiles() {
        for region in SnippetParser.regions(file: file, text: try DocumentationSources.read(file)) {
            regions[region.id] = region
        }
    }
    return regions
}

/// Runs a snippet's code and checks that it prints exactly the lines its `// prints` comments state.
/// - Parameters:
///   - id: the snippet's id, as in its `// snippet:` marker, which must follow this call's line.
///   - body: the snippet (and any checks after `// end-snippet`).
func runSnippet(_ id: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) throws {
    let output = SnippetOutput()
    try SnippetOutput.$current.withValue(output) { try body() }
    guard let region = try allSnippetRegions()[id] else {
        Issue.record("no `// snippet: \(id)` region in Tests/DocumentationExamplesTests/Snippets", sourceLocation: sourceLocation)
        return
    }
    let expected = SnippetParser.statedOutput(region.lines)
    let actual = output.lines
    let agrees = expected.count == actual.count && zip(actual, expected).allSatisfy { SnippetParser.matches($0, $1) }
    #expect(agrees, """
        snippet '\(id)' (\(region.file):\(region.line)) printed
        \(actual.map { "    " + $0 }.joined(separator: "\n"))
        but its `// prints` comments state
        \(expected.map { "    " + $0 }.joined(separator: "\n"))
        """, sourceLocation: sourceLocation)
}

// MARK: - The documentation check

@Suite struct DocumentationExamples {
    /// Every ```swift block in README.md and the DocC articles is marked, and every marked block is the
    /// exact text of a snippet that a test runs.
    @Test func markdownBlocksAreCompiledSnippets() throws {
        let regions = try allSnippetRegions()
        var used = Set<String>()
        var blockCount = 0
        for file in try DocumentationSources.markdownFiles() {
            for block in SnippetParser.swiftBlocks(file: file, text: try DocumentationSources.read(file)) {
                blockCount += 1
                let place = "\(block.file):\(block.line)"
                switch block.marker {
                case nil:
                    Issue.record("""
                        \(place): a ```swift block without a marker. Put `<!-- snippet: ID -->` on the line \
                        before it and the same code in a test in Tests/DocumentationExamplesTests/Snippets, \
                        or mark it `<!-- snippet: skip (reason) -->`.
                        """)
                case .skip(let reason)?:
                    #expect(!reason.isEmpty, "\(place): `snippet: skip` needs a reason in parentheses")
                case .snippet(let id)?:
                    used.insert(id)
                    guard let region = regions[id] else {
                        Issue.record("\(place): snippet '\(id)' has no `// snippet: \(id)` region in Tests/DocumentationExamplesTests/Snippets")
                        continue
                    }
                    #expect(region.isRun, "\(region.file):\(region.line): the line before `// snippet: \(id)` must call runSnippet(\"\(id)\")")
                    var lines = SnippetParser.trimmed(block.lines)
                    var imports: [String] = []
                    while let first = lines.first, first.hasPrefix("import ") || (first.isEmpty && !imports.isEmpty) {
                        if !first.isEmpty { imports.append(first) }
                        lines.removeFirst()
                    }
                    for line in imports where !region.imports.contains(line) {
                        Issue.record("\(place): `\(line)` is not an import of \(region.file)")
                    }
                    let code = SnippetParser.trimmed(region.lines)
                    if lines != code {
                        let first = (0..<min(lines.count, code.count)).first(where: { lines[$0] != code[$0] }) ?? min(lines.count, code.count)
                        let documented = first < lines.count ? lines[first] : "(end of block)"
                        let compiled = first < code.count ? code[first] : "(end of snippet)"
                        Issue.record("""
                            \(place): the block differs from snippet '\(id)' (\(region.file):\(region.line)) \
                            at its line \(first + 1):
                              documented: \(documented)
                              compiled:   \(compiled)
                            """)
                    }
                }
            }
        }
        #expect(blockCount > 0, "no ```swift blocks found: is the package root \(DocumentationSources.root.path) right?")
        for id in Set(regions.keys).subtracting(used).sorted() {
            let region = regions[id]!
            Issue.record("\(region.file):\(region.line): snippet '\(id)' is not shown by any README or DocC block; remove it or show it")
        }
    }

    /// The parser itself: markers, wildcards, dedenting.
    @Test func parserUnderstandsMarkersAndOutputs() {
        #expect(SnippetParser.marker(in: "<!-- snippet: a-b -->") == .snippet("a-b"))
        #expect(SnippetParser.marker(in: "<!-- snippet: skip (Package.swift fragment) -->") == .skip(reason: "Package.swift fragment"))
        #expect(SnippetParser.marker(in: "<!-- a comment -->") == nil)
        #expect(SnippetParser.matches("loss 0.25 after 3.1 s", "loss 0.25 after … s"))
        #expect(!SnippetParser.matches("loss 0.26", "loss 0.25"))
        #expect(SnippetParser.dedent(["    a", "      b", ""]) == ["a", "  b", ""])
        #expect(SnippetParser.statedOutput(["print(x)   // prints [2, 3]", "let y = 1"]) == ["[2, 3]"])
        let blocks = SnippetParser.swiftBlocks(file: "x.md", text: "<!-- snippet: s -->\n\n```swift\nlet a = 1\n```\n```sh\nls\n```\n")
        #expect(blocks.count == 1)
        #expect(blocks.first?.marker == .snippet("s"))
        #expect(blocks.first?.lines == ["let a = 1"])
    }
}
