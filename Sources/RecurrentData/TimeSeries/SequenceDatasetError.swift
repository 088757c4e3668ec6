/// Bad input to ``SequenceDataset``, ``FeatureStandardization`` or their batching, naming the case at fault.
///
/// ```swift
/// do {
///     _ = try SequenceDataset<Float>(cases: [[[1]], []], labels: [0, 1], classCount: 2)
/// } catch let error as SequenceDatasetError {
///     print(error.caseIndex ?? -1)   // 1
///     print(error)                   // case 1: has length 0; every case needs at least one step
/// }
/// ```
public struct SequenceDatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 0-based index of the case at fault, or nil for a problem with the data set as a whole.
    public var caseIndex: Int?
    /// What was wrong.
    public var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - caseIndex: the case at fault, or nil.
    ///   - reason: what was wrong.
    ///
    /// ```swift
    /// let error = SequenceDatasetError(caseIndex: 3, reason: "label 9 is outside 0..<4")
    /// ```
    public init(caseIndex: Int?, reason: String) {
        self.caseIndex = caseIndex
        self.reason = reason
    }

    /// `case N: reason`, or the reason alone.
    ///
    /// ```swift
    /// SequenceDatasetError(caseIndex: 3, reason: "label 9 is outside 0..<4").description
    /// // "case 3: label 9 is outside 0..<4"
    /// ```
    public var description: String {
        caseIndex.map { "case \($0): \(reason)" } ?? reason
    }
}
