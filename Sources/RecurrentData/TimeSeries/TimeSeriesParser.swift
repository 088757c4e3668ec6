/// The `.ts` reader's state machine: header lines until `@data`, then one case per line.
///
/// Works on the file's bytes, line by line, and checks each header and value as it goes, so the first error
/// names its line. See ``TimeSeriesFile`` for the format.
struct TimeSeriesParser {
    let source: String
    let missingValues: MissingValues

    // Headers, each with the line that declared it.
    private var seen: [String: Int] = [:]
    private var problemName: String?
    private var univariate: Bool?
    private var dimensions: Int?
    /// Where ``dimensions`` came from, for messages.
    private var dimensionsOrigin = ""
    private var equalLength: Bool?
    private var seriesLength: Int?
    private var classNames: [String]?
    private var classIndex: [String: Int] = [:]
    private var hasTargets = false
    private var dataLine: Int?

    // Cases read so far.
    private var lengths: [Int] = []
    private var values: [[Double]] = []
    private var labels: [Int] = []
    private var targets: [Double] = []
    private var firstCaseLine = 0

    static let headers = ["problemname", "timestamps", "missing", "univariate", "dimensions", "dimension",
                          "equallength", "serieslength", "classlabel", "targetlabel", "data"]
    /// Largest `@dimensions` accepted (a guard against nonsense, far above any archive set).
    static let maximumDimensions = 1 << 20

    init(source: String, missingValues: MissingValues) {
        self.source = source
        self.missingValues = missingValues
    }

    private func failure(_ line: Int?, _ reason: String) -> TimeSeriesFileError {
        TimeSeriesFileError(path: source, line: line, reason: reason)
    }

    /// A short quotation of hostile text for a message (at most 40 characters, control characters escaped).
    static func quote<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let text = String(decoding: bytes.prefix(40), as: UTF8.self)
        let escaped = text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
        return "'" + escaped.joined() + (bytes.count > 40 ? "…'" : "'")
    }

    mutating func parse(_ bytes: [UInt8]) throws -> TimeSeriesFile {
        if case let .replace(value) = missingValues, !value.isFinite {
            throw failure(nil, "the replacement for missing values must be finite, got \(value)")
        }
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var number = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            number += 1
            try line(bytes[start..<end], number: number)
            start = end + 1
        }
        return try finish(lineCount: max(number, 1))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    private mutating func line(_ raw: ArraySlice<UInt8>, number: Int) throws {
        let text = Self.trimmed(raw)
        // Comments: '#', and '%' as in ARFF, the format `.ts` grew from (aeon's own example files use both).
        guard let first = text.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "%") else { return }
        if dataLine != nil {
            guard first != UInt8(ascii: "@") else {
                throw failure(number, "unexpected header \(Self.quote(text)) after @data (line \(dataLine!)); "
                              + "headers come before @data, cases after it")
            }
            return try dataCase(text, number: number)
        }
        guard first == UInt8(ascii: "@") else {
            throw failure(number, "expected a header line starting with '@' (or a '#' comment) before @data, "
                          + "found \(Self.quote(text))")
        }
        try header(String(decoding: text.dropFirst(), as: UTF8.self), number: number)
    }

    private static func boolean(_ token: String) -> Bool? {
        switch token.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    private mutating func header(_ text: String, number: Int) throws {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let keyword = tokens.first?.lowercased() ?? ""
        let arguments = Array(tokens.dropFirst())
        guard Self.headers.contains(keyword) else {
            throw failure(number, "unknown header '@\(tokens.first ?? "")'; expected one of @problemName, @timeStamps, "
                          + "@missing, @univariate, @dimensions, @equalLength, @seriesLength, @classLabel, @targetLabel, @data")
        }
        let canonical = keyword == "dimension" ? "dimensions" : keyword
        if let previous = seen[canonical] {
            throw failure(number, "@\(tokens[0]) is declared twice (first on line \(previous))")
        }
        seen[canonical] = number
        func flag() throws -> Bool {
            guard arguments.count == 1, let value = Self.boolean(arguments[0]) else {
                throw failure(number, "expected '@\(tokens[0]) true' or '@\(tokens[0]) false', found '@\(text)'")
            }
            return value
        }
        func positive() throws -> Int {
            guard arguments.count == 1, let value = Int(arguments[0]), value > 0 else {
                throw failure(number, "expected '@\(tokens[0]) N' with a whole number N ≥ 1, found '@\(text)'")
            }
            return value
        }
        switch canonical {
        case "problemname":
            guard !arguments.isEmpty else { throw failure(number, "expected '@problemName NAME', found no name") }
            problemName = arguments.joined(separator: " ")
        case "timestamps":
            if try flag() {
                throw failure(number, "time-stamped data (@timeStamps true) is not supported; "
                              + "expected '@timeStamps false' and plain comma-separated values")
            }
        case "missing":
            _ = try flag()
        case "univariate":
            univariate = try flag()
        case "dimensions":
            let value = try positive()
            guard value <= Self.maximumDimensions else {
                throw failure(number, "@dimensions \(value) is more than the \(Self.maximumDimensions) this reader accepts")
            }
            dimensions = value
            dimensionsOrigin = "as @dimensions (line \(number)) declares"
        case "equallength":
            equalLength = try flag()
        case "serieslength":
            seriesLength = try positive()
        case "classlabel":
            guard let enabled = arguments.first.flatMap(Self.boolean) else {
                throw failure(number, "expected '@classLabel true LABEL…' or '@classLabel false', found '@\(text)'")
            }
            guard enabled else {
                guard arguments.count == 1 else { throw failure(number, "'@classLabel false' takes no labels, found '@\(text)'") }
                return
            }
            let names = Array(arguments.dropFirst())
            guard !names.isEmpty else { throw failure(number, "expected the class labels after '@classLabel true', found none") }
            for (index, name) in names.enumerated() {
                if let earlier = classIndex[name] {
                    throw failure(number, "class label '\(name)' is declared twice (positions \(earlier + 1) and \(index + 1))")
                }
                classIndex[name] = index
            }
            classNames = names
        case "targetlabel":
            hasTargets = try flag()
        default:  // "data"
            guard arguments.isEmpty else { throw failure(number, "expected '@data' alone on its line, found '@\(text)'") }
            if classNames != nil && hasTargets {
                throw failure(number, "both @classLabel true (line \(seen["classlabel"]!)) and @targetLabel true "
                              + "(line \(seen["targetlabel"]!)) are declared; a file has class labels or regression targets, not both")
            }
            if univariate == true, let dimensions, dimensions != 1 {
                throw failure(seen["dimensions"]!, "@univariate true (line \(seen["univariate"]!)) but @dimensions \(dimensions)")
            }
            if univariate == true && dimensions == nil {
                dimensions = 1
                dimensionsOrigin = "as @univariate true (line \(seen["univariate"]!)) implies"
            }
            dataLine = number
        }
    }

    /// One value: a finite number, or `?` under ``MissingValues/replace(with:)``.
    private func value(_ raw: ArraySlice<UInt8>, number: Int, dimension: Int, position: Int) throws -> Double {
        let text = Self.trimmed(raw)
        var place: String { "dimension \(dimension + 1), value \(position + 1)" }  // only built for a message
        if text.count == 1 && text.first == UInt8(ascii: "?") {
            guard case let .replace(replacement) = missingValues else {
                throw failure(number, "\(place): missing value '?'; this reader refuses missing values "
                              + "(pass missingValues: .replace(with:) to substitute a number)")
            }
            return replacement
        }
        guard text.count <= 64, let parsed = Self.exactDecimal(text) ?? Double(String(decoding: text, as: UTF8.self)) else {
            throw failure(number, "\(place): expected a number, found \(Self.quote(text))")
        }
        guard parsed.isFinite else {
            throw failure(number, "\(place): expected a finite number, found \(Self.quote(text))")
        }
        return parsed
    }

    /// The value of a plain decimal `[+-]digits[.digits][(e|E)[+-]digits]` whose digits form an integer m < 2⁵³
    /// and whose power of ten 10^k has |k| ≤ 22, as m · 10^k or m / 10^−k; nil for anything else (the caller
    /// falls back to the standard library's parser).
    ///
    /// Both m and 10^|k| are exact doubles, so the one multiplication or division rounds once, correctly:
    /// the result equals `Double(text)` bit for bit (Clinger 1990's fast path). Archive files are almost all
    /// such numbers, and this is several times faster than building a string for each.
    static func exactDecimal(_ text: ArraySlice<UInt8>) -> Double? {
        let zero = UInt8(ascii: "0")
        var i = text.startIndex
        let end = text.endIndex
        var negative = false
        if i < end && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0, digits = 0, scale = 0
        var seenPoint = false
        while i < end {
            let c = text[i]
            if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if c >= zero && c <= zero + 9 {
                mantissa = mantissa * 10 + UInt64(c - zero)
                guard mantissa < 1 << 53 else { return nil }
                digits += 1
                if seenPoint { scale -= 1 }
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if i < end {
            guard text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var exponentNegative = false
            if i < end && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0, exponentDigits = 0
            while i < end, text[i] >= zero, text[i] <= zero + 9 {
                exponent = exponent * 10 + Int(text[i] - zero)
                guard exponent < 1000 else { return nil }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0, i == end else { return nil }
            scale += exponentNegative ? -exponent : exponent
        }
        guard scale >= -22 && scale <= 22 else { return nil }
        let power = powersOfTen[abs(scale)]
        let magnitude = scale >= 0 ? Double(mantissa) * power : Double(mantissa) / power
        return negative ? -magnitude : magnitude
    }

    /// 10⁰ … 10²², each exact in `Double`.
    static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { value, _ in value * 10 } }

    private mutating func dataCase(_ text: ArraySlice<UInt8>, number: Int) throws {
        let fields = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let labelled = classNames != nil || hasTargets
        let extra = labelled ? 1 : 0
        if dimensions == nil {
            guard fields.count > extra else {
                throw failure(number, "expected at least one dimension" + (labelled ? " and the label, separated by ':'" : "")
                              + ", found \(Self.quote(text))")
            }
            dimensions = fields.count - extra
            dimensionsOrigin = "as the first case (line \(number)) has"
        }
        let d = dimensions!
        guard fields.count == d + extra else {
            let what = "\(d) dimension\(d == 1 ? "" : "s")" + (labelled ? " and the \(hasTargets ? "target" : "class label")" : "")
            throw failure(number, "expected \(what) separated by ':', \(dimensionsOrigin); found \(fields.count) field"
                          + (fields.count == 1 ? "" : "s"))
        }
        var series: [[Double]] = []
        series.reserveCapacity(d)
        for (dimension, field) in fields.prefix(d).enumerated() {
            guard !Self.trimmed(field).isEmpty else {
                throw failure(number, "dimension \(dimension + 1) is empty; expected comma-separated numbers (a case of length 0?)")
            }
            let parts = field.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            var column: [Double] = []
            column.reserveCapacity(parts.count)
            for (position, part) in parts.enumerated() {
                column.append(try value(part, number: number, dimension: dimension, position: position))
            }
            if let firstLength = series.first?.count, firstLength != column.count {
                throw failure(number, "dimension \(dimension + 1) has \(column.count) values, dimension 1 has \(firstLength); "
                              + "every dimension of a case must have the same length")
            }
            series.append(column)
        }
        let length = series[0].count
        if equalLength == true {
            if let seriesLength, length != seriesLength {
                throw failure(number, "the case has \(length) steps, @seriesLength (line \(seen["serieslength"]!)) declares \(seriesLength)")
            }
            if let first = lengths.first, first != length {
                throw failure(number, "the case has \(length) steps, the first case (line \(firstCaseLine)) has \(first), "
                              + "and @equalLength true (line \(seen["equallength"]!)) declares equal lengths")
            }
        }
        if labelled {
            let label = Self.trimmed(fields[d])
            if hasTargets {
                guard label.count <= 64, let target = Double(String(decoding: label, as: UTF8.self)), target.isFinite else {
                    throw failure(number, "expected a finite numeric target after the last ':', found \(Self.quote(label))")
                }
                targets.append(target)
            } else {
                let name = String(decoding: label, as: UTF8.self)
                guard let index = classIndex[name] else {
                    throw failure(number, "unknown class label \(Self.quote(label)); @classLabel (line \(seen["classlabel"]!)) "
                                  + "declares: " + classNames!.joined(separator: " "))
                }
                labels.append(index)
            }
        }
        var stepMajor = [Double](repeating: 0, count: length * d)
        for (dimension, column) in series.enumerated() {
            for (t, x) in column.enumerated() { stepMajor[t * d + dimension] = x }
        }
        if lengths.isEmpty { firstCaseLine = number }
        lengths.append(length)
        values.append(stepMajor)
    }

    private func finish(lineCount: Int) throws -> TimeSeriesFile {
        guard let dataLine else {
            throw failure(lineCount, "the file ends without '@data'; expected the header lines, then '@data', then one case per line")
        }
        guard !lengths.isEmpty, let dimensions else {
            throw failure(dataLine, "no cases after @data; expected one case per line")
        }
        return TimeSeriesFile(source: source, problemName: problemName, dimensions: dimensions, lengths: lengths,
                              values: values, classNames: classNames, labels: classNames == nil ? nil : labels,
                              targets: hasTargets ? targets : nil)
    }
}
