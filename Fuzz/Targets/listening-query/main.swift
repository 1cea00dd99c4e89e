// Fuzz target: a listening query as a client sends it to CreateQuery,
// UpdateQuery or ValidateQuery (and `earshot queries test`): parsed within
// the default limits, its error diagnosed, and a valid query matched alone
// and through a QuerySet's index, which must agree.
import FuzzSupport
import Listening

// The examples of docs/QUERY-LANGUAGE.md, valid and invalid.
let examples = [
    "acme AND phone", "acme OR globex", "acme AND NOT (job OR hiring)", "(acme OR globex) price", #""new phone""#,
    #""new phone"~5"#, "acme NEAR/5 refund", "acme ONEAR/3 review", "run*", "wom?n", #"raw:"C++" OR raw:iPhone"#,
    "#acme @acme.bsky.social $ACME", #"author:janedoe OR author:"did:plc:ab12""#, "site:bbc.co.uk url:acme.com/blog",
    "lang:en platform:bluesky source:rss", "followers:>10k verified:true emotion:anger",
    #"acme AND "new"#, "acme (phone OR tablet", "acme NEAR phone", "acme NEAR/31 phone", "#acme NEAR/3 x", "ru*",
    #"("battery dies"~2 OR (charger NEAR/3 broken)) AND NOT raw:"C++" followers:<=1m"#,
]
let seeds = examples.enumerated().map { (name: "example-\($0.offset + 1)", bytes: Array($0.element.utf8)) }
FuzzEntry.run(seeds: { seeds }) { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    _ = QueryTester.diagnose(text)
    if let query = try? ListeningQuery.parse(text) {
        FuzzDocuments.assertIndexAgrees(query)
    }
}
