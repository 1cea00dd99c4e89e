import Foundation
import LanguageID

/// The labelled sets under data/ of the repository (docs/LANGUAGE-ID.md).
enum TestData {
    /// The repository root, found from this file's path.
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The contents of a file of the repository, by relative path.
    static func contents(of relativePath: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The 240 evaluation sentences, 12 per required language.
    static let evaluationSentences: [LanguageEvaluation.Sample] = labelled("data/langid/eval-sentences.tsv")

    /// The short social-style posts in several languages.
    static let shortPosts: [LanguageEvaluation.Sample] = labelled("data/langid/short-posts.tsv")

    private static func labelled(_ relativePath: String) -> [LanguageEvaluation.Sample] {
        do {
            return try LanguageEvaluation.samples(fromTSV: contents(of: relativePath))
        } catch {
            // Empty: the tests on the set then fail on its size, naming the file.
            print("cannot read \(relativePath): \(error)")
            return []
        }
    }
}
