import Testing
@testable import LanguageID

@Suite("Compiled language tables")
struct LanguageTablesTests {
    /// language-tables.bin must be what its sources compile to: after editing
    /// langdetect-profiles.txt or frequent-words.txt, run scripts/gen-tables.sh.
    @Test("the shipped tables are those of the source files")
    func shippedTablesMatchSources() throws {
        let inSync = try LanguageTables.shipped() == LanguageTables.compile()
        #expect(inSync, "language-tables.bin is stale: run scripts/gen-tables.sh")
    }

    @Test("the models read from the tables have the profiles' languages")
    func modelsHaveTheirLanguages() throws {
        let latin = try NGramModel(image: LanguageProfileData.tables, group: "latin")
        #expect(latin.languages == NGramModel(source: LanguageProfileData.profile(of: "latin")).languages)
        #expect(latin.languages.contains("en"))
    }
}
