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

    @Test("fingerprints read eight bytes at a time equal those read byte by byte")
    func paddedFingerprints() {
        for length in 0...40 {
            for variant in 0..<20 {
                // Fixed, varied bytes (every value turns up), so a failure can be reproduced.
                let key = (0..<length).map { UInt8(truncatingIfNeeded: ($0 &* 37 &+ variant &* 101 &+ length) &* 0x9D) }
                let padded = key + [UInt8](repeating: 0xEE, count: 8)
                let expected = key.withUnsafeBufferPointer { LexiconTable.fingerprint($0) }
                let actual = padded.withUnsafeBufferPointer {
                    LexiconTable.fingerprint(paddedKey: UnsafeBufferPointer(rebasing: $0[..<length]))
                }
                #expect(actual == expected, "\(key)")
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
