import Foundation

/// Namespace for the generated profile sources (see LanguageProfileData.swift).
enum LanguageProfileData {}

/// A naive Bayes model over character 1-, 2- and 3-grams of one script group, built from the
/// langdetect profiles: a gram's weight for a language is ln(1 + p / 5e-5), p being the gram's
/// probability in that language and 5e-5 langdetect's smoothing, so grams a language never
/// uses weigh 0 and grams no language uses are skipped.
struct NGramModel: Sendable {
    /// Language codes, in column order.
    let languages: [String]
    /// Gram key (up to three scalars, 21 bits each) to row in `weights`.
    private let rows: [UInt64: Int32]
    /// Row-major weights: `weights[row * languages.count + column]`.
    private let weights: [Float]

    /// Smoothing of the langdetect detector (alpha 0.5 / base frequency 10 000), in millionths.
    private static let smoothingMillionths: Float = 50

    /// Parses a generated source: "@code" lines start a language, other lines are
    /// "gram<TAB>millionths" with "_" standing for a space.
    init(source: String) {
        var languages: [String] = []
        var entries: [(key: UInt64, column: Int, weight: Float)] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.first == "@" {
                languages.append(String(line.dropFirst()))
                continue
            }
            guard let tab = line.firstIndex(of: "\t"), let millionths = Float(line[line.index(after: tab)...]) else { continue }
            var key: UInt64 = 0
            for scalar in line[..<tab].unicodeScalars {
                key = key << 21 | UInt64(scalar == "_" ? 0x20 : scalar.value)
            }
            entries.append((key, languages.count - 1, log1p(millionths / Self.smoothingMillionths)))
        }
        var rows: [UInt64: Int32] = [:]
        rows.reserveCapacity(entries.count)
        for entry in entries where rows[entry.key] == nil {
            rows[entry.key] = Int32(rows.count)
        }
        var weights = [Float](repeating: 0, count: rows.count * languages.count)
        for entry in entries {
            weights[Int(rows[entry.key]!) * languages.count + entry.column] = entry.weight
        }
        self.languages = languages
        self.rows = rows
        self.weights = weights
    }

    /// Log-likelihood scores per language (column order) and the number of grams that counted.
    /// `text` holds normalised scalars with 0x20 between words, as built by ``LetterBuffer``.
    func scores(_ text: [UInt32]) -> (scores: [Double], grams: Int) {
        let width = languages.count
        var totals = [Double](repeating: 0, count: width)
        var grams = 0
        var window: (UInt32, UInt32, UInt32) = (0, 0, 0x20)
        for scalar in text {
            if scalar == 0x20 && window.2 == 0x20 { continue }
            window = window.2 == 0x20 ? (0, 0x20, scalar) : (window.1, window.2, scalar)
            if scalar != 0x20 {
                grams += add(UInt64(scalar), to: &totals)
            }
            grams += add(UInt64(window.1) << 21 | UInt64(scalar), to: &totals)
            if window.0 != 0 {
                grams += add(UInt64(window.0) << 42 | UInt64(window.1) << 21 | UInt64(scalar), to: &totals)
            }
        }
        return (totals, grams)
    }

    /// Adds the weights of one gram to `totals`; returns 1 when the gram is known, else 0.
    @inline(__always)
    private func add(_ key: UInt64, to totals: inout [Double]) -> Int {
        guard let row = rows[key] else { return 0 }
        let width = languages.count
        let base = Int(row) * width
        for column in 0..<width {
            totals[column] += Double(weights[base + column])
        }
        return 1
    }
}
