import ArgumentParser
import EarshotSecurity
import EarshotWire
import Foundation
import SampleData

/// `earshot bench codec`: what the protobuf bridge costs per post.
struct CodecBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec", abstract: "Encode/decode cost of pipeline batches (ProtoCodec over libprotobuf-c).")

    @Option(help: "Posts per batch") var batchSize = 256
    @Option(help: "Batches per measurement") var batches = 200

    func validate() throws {
        try requirePositive(["batch-size": batchSize, "batches": batches])
    }

    func run() throws {
        var stream = SampleStream(seed: 3)
        var batch = PipelineBatch()
        for index in 0..<batchSize {
            var item = PipelinePost()
            item.deliverySeq = UInt64(index)
            item.post = stream.next()
            item.enrichment.language = "en"
            item.enrichment.sentiment.available = true
            item.enrichment.sentiment.label = "positive"
            item.enrichment.entities.hashtags = ["acmephone", "happy"]
            item.scores.reach = 1234
            batch.posts.append(item)
        }
        let bytes = try batch.serializedBytes()
        // The relay's seal check, as it was (decode, then check) and as it is (on the bytes).
        let seal = DispatchSeal(key: DispatchSeal.generateKey())!
        batch.dispatchSeal = seal.tag(batch)
        let sealed = try batch.serializedBytes()
        func measure(_ label: String, _ body: () throws -> Void) rethrows -> [String] {
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<batches { try body() }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
            }
            let perPost = best / Double(batches * batchSize) / 1_000
            return [label, String(format: "%.2f µs", perPost), "\(Int(1e6 / perPost)) posts/s"]
        }
        let rows = [
            try measure("encode PipelineBatch") { _ = try batch.serializedBytes() },
            try measure("decode PipelineBatch") { _ = try PipelineBatch(serializedBytes: bytes) },
            try measure("decode + check the seal") {
                let decoded = try PipelineBatch(serializedBytes: sealed)
                precondition(seal.verifies(decoded))
            },
            measure("check the seal on the bytes") { precondition(seal.verifies(encodedBatch: sealed)) },
        ]
        print("\(batchSize) posts per batch, \(bytes.count / batchSize) bytes per post, best of 3 × \(batches) batches")
        print(table(["operation", "per post", "rate"], rows))
    }
}
