import Testing

@testable import Sentiment

/// The scanner reads eight bytes at a time where it can (lower-case letters, fingerprints of
/// lexicon keys) and byte by byte elsewhere; where a word falls relative to those eight-byte
/// steps must never change its score.
@Suite("Scanning")
struct ScanningTests {
    private let analyzer = SentimentAnalyzer.shared

    @Test("scores do not depend on where words fall in eight-byte steps", arguments: [
        "sooooo goooood", "NOOOO waaaay!!", "great!", "fine, thanks.", "not bad at all;", "hahahahaha love it",
        "the absolutely horrible, unfunny movie", "kind of good", "www.", "#epicfail today", "I didn't like it",
        "it's the bomb", "yesss", "aaa", "zzzzzzzzzzzzzzzzz sleepy", "cooooooooooooooool", "xoxoxo :) <3",
    ])
    func alignmentDoesNotMatter(text: String) {
        let reference = analyzer.scores(for: text)
        for padding in 1..<9 {
            #expect(analyzer.scores(for: String(repeating: " ", count: padding) + text) == reference, "\(padding) spaces before \(text)")
            #expect(analyzer.scores(for: text + String(repeating: " ", count: padding)) == reference, "\(padding) spaces after \(text)")
        }
    }

    @Test("a word with sentence punctuation scores as the word with the punctuation apart")
    func wordAndPunctuation() {
        for (joined, apart) in [("great!", "great !"), ("awful.", "awful ."), ("good, bad", "good , bad"), ("nice!!!", "nice !!!"),
                                ("not good.", "not good ."), ("ok?!", "ok ?!")] {
            #expect(analyzer.scores(for: joined) == analyzer.scores(for: apart), "\(joined)")
        }
    }

    @Test("elongation is found wherever the repeated letters fall")
    func elongationAnywhere() {
        for prefix in ["", "a ", "ab ", "abcdef ", "abcdefg ", "abcdefgh "] {
            let elongated = analyzer.scores(for: prefix + "gooooood").compound
            #expect(elongated > analyzer.scores(for: prefix + "good").compound, "\(prefix)gooooood")
            #expect(elongated == analyzer.scores(for: prefix + "goood").compound, "\(prefix)goood")
            #expect(analyzer.scores(for: prefix + "good").compound == analyzer.scores(for: prefix + "goOd").compound)
        }
    }

    @Test("texts with entities or typographic quotes score as their decoded form, marks counted once")
    func decodedTextsScoreLikeTheirDecodedForm() {
        for (written, decoded) in [("wow! &amp; so good!!", "wow! & so good!!"), ("I &lt;3 it?!", "I <3 it?!"),
                                   ("don\u{2019}t like it!", "don't like it!"), ("\u{201C}great\u{201D} movie?", "\"great\" movie?")] {
            #expect(analyzer.scores(for: written) == analyzer.scores(for: decoded), "\(written)")
        }
        #expect(analyzer.scores(for: "good!!!").compound > analyzer.scores(for: "good").compound)
        #expect(analyzer.scores(for: "good &amp; fine!!!").compound > analyzer.scores(for: "good &amp; fine").compound)
    }

    @Test("a batch scores each text as scoring it alone does")
    func batchEqualsOneByOne() {
        let texts = ["", "I love it", String(repeating: "really good, ", count: 40), "meh", "😍😍 so good!!", "not bad", "awful"]
        #expect(analyzer.scores(for: texts) { _ in true } == texts.map { analyzer.scores(for: $0) })
        // Skipped texts get nil and take no room: the longest text is skipped here.
        #expect(analyzer.scores(for: texts) { $0 != 2 } == texts.indices.map { $0 == 2 ? nil : analyzer.scores(for: texts[$0]) })
        #expect(analyzer.scores(for: []) { _ in true }.isEmpty)
    }

    @Test("a fingerprint does not depend on the bytes after its key")
    func fingerprintsIgnoreTheBytesAfterTheKey() {
        for length in 0...40 {
            for variant in 0..<20 {
                // Fixed, varied bytes (every value turns up), so a failure can be reproduced.
                let key = (0..<length).map { UInt8(truncatingIfNeeded: ($0 &* 37 &+ variant &* 101 &+ length) &* 0x9D) }
                let fingerprints = [UInt8(0x00), 0xEE, 0xFF].map { filler in
                    (key + [UInt8](repeating: filler, count: 8)).withUnsafeBufferPointer {
                        LexiconTable.fingerprint(paddedKey: UnsafeBufferPointer(rebasing: $0[..<length]))
                    }
                }
                let unpadded = key.withUnsafeBufferPointer { LexiconTable.fingerprint($0) }
                #expect(Set(fingerprints + [unpadded]).count == 1, "\(key)")
                if length <= 8 {
                    // A short key is its own bytes, first byte lowest.
                    #expect(unpadded == key.reversed().reduce(0) { $0 << 8 | UInt64($1) }, "\(key)")
                }
            }
        }
    }

    @Test("derived forms are found behind the source words")
    func derivedForms() {
        // "unfunny" and "horribly" are derived (negated and adverb forms), "funny" and "horrible" are source words.
        #expect(analyzer.scores(for: "unfunny").compound < 0)
        #expect(analyzer.scores(for: "funny").compound > 0)
        #expect(analyzer.scores(for: "horribly").compound < 0)
    }
}
