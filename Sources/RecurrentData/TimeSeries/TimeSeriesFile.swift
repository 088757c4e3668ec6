import Recurrent

/// The content of one `.ts` file of the UEA & UCR time-series archive (the text format sktime and aeon read).
///
/// A file is a header of `@` lines, then `@data` and one case per line:
///
///     # comment lines start with '#' (or '%', as in ARFF)
///     @problemName Toy
///     @univariate false
///     @dimensions 2
///     @equalLength false
///     @classLabel true walk run
///     @data
///     0.1,0.2,0.3:1,2,3:walk
///     0.5,0.4:2,1:run
///
/// Within a case each dimension's values are separated by `,`, dimensions by `:`, and the class label (or, with
/// `@targetLabel true`, a numeric regression target) comes last. Cases may have different lengths, but the
/// dimensions of one case all have the same length. Class labels are strings, mapped to indices in the order
/// `@classLabel` declares them. Headers are case-insensitive; `@dimension` is accepted for `@dimensions`.
///
/// Every value is checked: a malformed file throws ``TimeSeriesFileError`` naming the file, the line and what was
/// expected (a missing `@data`, a wrong number of dimensions, a non-numeric or non-finite value, dimensions of
/// different lengths within a case, an undeclared class label, no cases). Missing values (`?`) are refused unless
/// ``MissingValues/replace(with:)`` is passed. Time-stamped files (`@timeStamps true`) are refused.
///
/// Values are stored step-major: `values[i][t * dimensions + d]` is dimension `d` at step `t` of case `i`,
/// the layout of one (Tᵢ, D) matrix and of ``SequenceDataset``.
///
/// ```swift
/// let file = try TimeSeriesFile.parse("""
///     @problemName Toy
///     @dimensions 2
///     @classLabel true walk run
///     @data
///     0.1,0.2,0.3:1,2,3:walk
///     0.5,0.4:2,1:run
///     """, source: "toy.ts")
/// print(file.count, file.dimensions, file.lengths)   // 2 2 [3, 2]
/// print(file.classNames!, file.labels!)              // ["walk", "run"] [0, 1]
/// print(file.values[1])                              // [0.5, 2.0, 0.4, 1.0]
/// ```
public struct TimeSeriesFile: Sendable, Equatable {
    /// Where the content came from: the path given to ``load(_:missingValues:maximumBytes:)`` or the `source` name.
    public var source: String
    /// The `@problemName`, if declared.
    public var problemName: String?
    /// Dimensions (features) per step, D: `@dimensions`, 1 for `@univariate true`, otherwise from the first case.
    public var dimensions: Int
    /// Steps of each case, Tᵢ ≥ 1.
    public var lengths: [Int]
    /// Each case's values, step-major: `values[i][t * dimensions + d]`; `values[i].count == lengths[i] * dimensions`.
    public var values: [[Double]]
    /// The class labels in the order `@classLabel` declares them; nil when the file has no class labels.
    public var classNames: [String]?
    /// Each case's class index into ``classNames``; nil when the file has no class labels.
    public var labels: [Int]?
    /// Each case's regression target (`@targetLabel true`); nil otherwise.
    public var targets: [Double]?

    /// The number of cases.
    ///
    /// ```swift
    /// let n = file.count
    /// ```
    public var count: Int { lengths.count }

    /// True when every case has the same length.
    ///
    /// ```swift
    /// if !file.isEqualLength { print("lengths", file.lengths.min()!, "…", file.lengths.max()!) }
    /// ```
    public var isEqualLength: Bool { Set(lengths).count <= 1 }

    /// Reads and checks a `.ts` file.
    ///
    /// The file is read whole through `FileIO.readAll(_:limit:)`; a file above `maximumBytes` is refused before
    /// it is read.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - missingValues: what to do with `?` values (default: refuse them).
    ///   - maximumBytes: the largest file accepted (default 1 GiB).
    /// - Returns: the file's cases, lengths and labels or targets.
    /// - Throws: ``TimeSeriesFileError`` naming the file and, for content errors, the line and what was expected.
    ///
    /// ```swift
    /// let train = try TimeSeriesFile.load("GunPoint_TRAIN.ts")
    /// ```
    public static func load(_ path: String, missingValues: MissingValues = .refuse,
                            maximumBytes: Int = 1 << 30) throws -> TimeSeriesFile {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readAll(path, limit: maximumBytes)
        } catch let error as RecurrentError {
            if case let .invalidArgument(_, reason) = error {
                throw TimeSeriesFileError(path: path, line: nil, reason: reason)
            }
            throw TimeSeriesFileError(path: path, line: nil, reason: "cannot read: \(error)")
        }
        return try parse(bytes: bytes, source: path, missingValues: missingValues)
    }

    /// Parses the text of a `.ts` file.
    ///
    /// - Parameters:
    ///   - text: the whole file.
    ///   - source: the name errors report (a path or a description).
    ///   - missingValues: what to do with `?` values (default: refuse them).
    /// - Returns: the file's cases, lengths and labels or targets.
    /// - Throws: ``TimeSeriesFileError`` with the line and what was expected.
    ///
    /// ```swift
    /// let file = try TimeSeriesFile.parse("@univariate true\n@classLabel false\n@data\n1,2,3\n", source: "inline")
    /// ```
    public static func parse(_ text: String, source: String = "<text>",
                             missingValues: MissingValues = .refuse) throws -> TimeSeriesFile {
        try parse(bytes: Array(text.utf8), source: source, missingValues: missingValues)
    }

    /// Parses the bytes of a `.ts` file (UTF-8; a byte-order mark and `\r\n` line ends are accepted).
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: the name errors report.
    ///   - missingValues: what to do with `?` values (default: refuse them).
    /// - Returns: the file's cases, lengths and labels or targets.
    /// - Throws: ``TimeSeriesFileError`` with the line and what was expected.
    ///
    /// ```swift
    /// let file = try TimeSeriesFile.parse(bytes: Array("@classLabel false\n@data\n1,2\n".utf8), source: "inline")
    /// ```
    public static func parse(bytes: [UInt8], source: String = "<bytes>",
                             missingValues: MissingValues = .refuse) throws -> TimeSeriesFile {
        var parser = TimeSeriesParser(source: source, missingValues: missingValues)
        return try parser.parse(bytes)
    }

    /// Reads an archive pair `NAME_TRAIN.ts` / `NAME_TEST.ts` and checks that they agree: the same dimensions,
    /// and, for classification, the same class labels in the same order (so label indices mean the same class).
    ///
    /// - Parameters:
    ///   - train: the training file.
    ///   - test: the test file.
    ///   - missingValues: what to do with `?` values (default: refuse them).
    /// - Returns: both files.
    /// - Throws: ``TimeSeriesFileError`` naming the file at fault.
    ///
    /// ```swift
    /// let (train, test) = try TimeSeriesFile.loadPair(train: "GunPoint_TRAIN.ts", test: "GunPoint_TEST.ts")
    /// ```
    public static func loadPair(train: String, test: String, missingValues: MissingValues = .refuse) throws
        -> (train: TimeSeriesFile, test: TimeSeriesFile) {
        let trainFile = try load(train, missingValues: missingValues)
        let testFile = try load(test, missingValues: missingValues)
        guard trainFile.dimensions == testFile.dimensions else {
            throw TimeSeriesFileError(path: test, line: nil, reason:
                "has \(testFile.dimensions) dimensions per step, the training file \(train) has \(trainFile.dimensions)")
        }
        guard trainFile.classNames == testFile.classNames, (trainFile.targets == nil) == (testFile.targets == nil) else {
            func describe(_ file: TimeSeriesFile) -> String {
                if let names = file.classNames { return "class labels " + names.joined(separator: " ") }
                return file.targets == nil ? "no labels" : "regression targets"
            }
            throw TimeSeriesFileError(path: test, line: nil, reason:
                "declares \(describe(testFile)), the training file \(train) declares \(describe(trainFile))")
        }
        return (trainFile, testFile)
    }

    /// The first existing directory of `$RNN_UEA_DIR`, `$RNN_SHARED_DIR/data/uea` and `../shared/data/uea`
    /// relative to the current directory (resolved to an absolute path).
    ///
    /// - Returns: the directory, or nil when none exists.
    ///
    /// ```swift
    /// if let directory = TimeSeriesFile.defaultArchiveDirectory() {
    ///     let train = try TimeSeriesFile.load(directory + "/GunPoint_TRAIN.ts")
    /// }
    /// ```
    public static func defaultArchiveDirectory() -> String? {
        var candidates: [String] = []
        if let explicit = FileSystem.environment("RNN_UEA_DIR") { candidates.append(explicit) }
        if let shared = FileSystem.environment("RNN_SHARED_DIR") { candidates.append(FileSystem.join(shared, "data/uea")) }
        if let current = FileSystem.currentDirectory() { candidates.append(FileSystem.join(current, "../shared/data/uea")) }
        return candidates.first { FileSystem.isDirectory($0) }.map(FileSystem.canonical)
    }
}

/// What the `.ts` reader does with a missing value, written `?` in the file.
///
/// ```swift
/// let strict = try TimeSeriesFile.load("a.ts")                                   // `?` is an error
/// let filled = try TimeSeriesFile.load("a.ts", missingValues: .replace(with: 0)) // `?` becomes 0
/// ```
public enum MissingValues: Sendable, Equatable {
    /// Throw ``TimeSeriesFileError`` at the first `?`, naming its line, dimension and position.
    case refuse
    /// Put this finite value in place of every `?`.
    case replace(with: Double)
}
