import Foundation
import TextBytes

/// The compiled tables of the Sentiment module (`Resources/sentiment-tables.bin`): the lexicon
/// tables of every model (English, the other languages, emoji) and the English model's weights,
/// made from the module's TSV sources by scripts/gen-tables.sh and mapped at start-up, with no
/// parsing or building per entry. The TSV files stay the source of truth: after editing one,
/// run scripts/gen-tables.sh (a test fails while the compiled tables differ from the sources).
public enum SentimentTables {
    /// The file name of the compiled tables among the module's resources.
    public static let fileName = "sentiment-tables.bin"

    /// The compiled tables, mapped once. A missing or malformed file is a broken installation.
    static let image: TableImage = {
        guard let path = Bundle.module.path(forResource: fileName, ofType: nil) else {
            fatalError("Sentiment resource \(fileName) not found in \(Bundle.module.bundlePath): install the Sentiment resource bundle next to the binary")
        }
        do {
            return try TableImage(contentsOfFile: path)
        } catch {
            fatalError("\(error)")
        }
    }()

    /// The tables compiled from the TSV sources among the module's resources. The same sources
    /// give the same bytes.
    public static func compile() throws -> [UInt8] {
        var writer = TableImageWriter()
        try LexiconBuilder.writeEnglish(to: &writer)
        try SentimentModel(parsing: SentimentResource.model.contents()).write(to: &writer)
        try LanguageSentimentModel.writeModels(to: &writer)
        return writer.bytes
    }

    /// The compiled tables shipped in the module's resources, as they are on disk.
    public static func shipped() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: fileName, withExtension: nil) else {
            throw TableImageError.unreadable(path: fileName, reason: "not in \(Bundle.module.bundlePath)")
        }
        return try Array(Data(contentsOf: url))
    }
}
