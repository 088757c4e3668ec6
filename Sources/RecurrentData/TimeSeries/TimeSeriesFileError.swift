/// A `.ts` file that cannot be read or does not follow the format, with the file, the line and what was expected.
///
/// ```swift
/// do {
///     _ = try TimeSeriesFile.parse("@classLabel true a b\n@data\n1,2,3:c\n", source: "toy.ts")
/// } catch let error as TimeSeriesFileError {
///     print(error.line ?? 0)   // 3
///     print(error)             // toy.ts:3: unknown class label 'c'; @classLabel (line 1) declares: a b
/// }
/// ```
public struct TimeSeriesFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path, or the `source` name given to ``TimeSeriesFile/parse(_:source:missingValues:)``.
    public var path: String
    /// The 1-based line the problem is on; nil for problems with the file as a whole (unreadable, too large).
    public var line: Int?
    /// What was wrong and what was expected there.
    public var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - line: the 1-based line, or nil.
    ///   - reason: what was wrong and what was expected.
    ///
    /// ```swift
    /// let error = TimeSeriesFileError(path: "a.ts", line: 7, reason: "expected a number, found 'x'")
    /// ```
    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: reason` (or `path: reason` without a line), the form compilers use, so editors can jump to it.
    ///
    /// ```swift
    /// TimeSeriesFileError(path: "a.ts", line: 7, reason: "expected a number, found 'x'").description
    /// // "a.ts:7: expected a number, found 'x'"
    /// ```
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}
