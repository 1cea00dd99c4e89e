// Fuzz target: the last frame of a request to any service's RPC ROUTER.
// Decodes it as RPCServer does (an earshot.v1.RpcRequest), checks the method
// against every role as the authoriser does, then decodes the payload as the
// input message of that method (found in the proto service descriptors, so
// every method of every service is covered) and runs what the handler does
// with it before touching a store: post validation, ingest's zero-copy cut
// of a batch, listening-query parsing.
import CProtobufC
import EarshotProtoC
import EarshotSecurity
import EarshotWire
import FuzzSupport
import Foundation
import Listening

_ = RequestPayloads.decoders  // fails at once if a method has no Swift request type
FuzzEntry.run(seeds: RequestPayloads.seeds) { bytes in
    guard let request = try? RpcRequest(serializedBytes: bytes) else { return }
    WireChecks.assertStableEncoding(request)
    for role in Role.allCases { _ = role.permits(method: request.method) }
    RequestPayloads.decoders[request.method]?(request.payload)
}

enum RequestPayloads {
    /// Every service a process serves RPCs of.
    static var services: [ProtobufCServiceDescriptor] { [
        earshot__v1__ingest__descriptor, earshot__v1__insights__descriptor, earshot__v1__listening__descriptor,
        earshot__v1__query__descriptor, earshot__v1__health__descriptor, earshot__v1__stats__descriptor,
        earshot__v1__sources__descriptor,
    ] }

    /// The Swift types of the services' request messages.
    static let requestTypes: [any ProtoMessage.Type] = [
        PublishRequest.self, PublishBatchRequest.self,
        ShareOfVoiceRequest.self, TrendingRequest.self, TopAuthorsRequest.self, CareQueueRequest.self,
        MarkHandledRequest.self, AlertsRequest.self,
        CreateQueryRequest.self, UpdateQueryRequest.self, DeleteQueryRequest.self, ListQueriesRequest.self, ValidateQueryRequest.self,
        TestQueryRequest.self,
        OverviewRequest.self, TimeSeriesRequest.self, TopHashtagsRequest.self, SearchPostsRequest.self,
        HealthCheckRequest.self, StatsRequest.self, ListSourcesRequest.self, RecordRejectionsRequest.self, ReportCollectorRequest.self,
    ]

    /// Full method name ("earshot.v1.Ingest/Publish") → what its server does with a payload.
    static let decoders: [String: @Sendable ([UInt8]) -> Void] = {
        var decoders: [String: @Sendable ([UInt8]) -> Void] = [:]
        for service in services {
            let serviceName = String(cString: service.name)
            for index in 0..<Int(service.n_methods) {
                let method = service.methods[index]
                let inputName = String(cString: method.input.pointee.name)
                guard let type = requestTypes.first(where: { $0.protoName == inputName }) else {
                    fatalError("no Swift type for \(inputName), the input of \(serviceName)/\(String(cString: method.name)): add it to requestTypes")
                }
                decoders["\(serviceName)/\(String(cString: method.name))"] = { payload in handle(payload, as: type) }
            }
        }
        return decoders
    }()

    private static func handle<Request: ProtoMessage>(_ payload: [UInt8], as type: Request.Type) {
        guard let request = try? Request(serializedBytes: payload) else { return }
        WireChecks.assertStableEncoding(request)
        switch request {
        case let publish as PublishRequest:
            WireChecks.checkPublished(publish.post)
        case let batch as PublishBatchRequest:
            checkIngestCut(of: batch, payload: payload)
        case let create as CreateQueryRequest:
            parse(create.query)
        case let update as UpdateQueryRequest:
            parse(update.query)
        case let validate as ValidateQueryRequest:
            parse(validate.query)
        case let test as TestQueryRequest:
            parse(test.query)
        default:
            break
        }
    }

    /// Ingest journals each post of a batch as the bytes WireSplice cuts out of
    /// the payload, not as re-encoded from the decoded post: the cut must find
    /// exactly the posts the decoder found, and each must decode to the same post.
    private static func checkIngestCut(of batch: PublishBatchRequest, payload: [UInt8]) {
        guard let cut = WireSplice.lengthDelimitedFields(1, in: payload) else {
            fatalError("WireSplice cannot cut a PublishBatchRequest that libprotobuf-c decodes (\(payload.count) bytes)")
        }
        guard cut.count == batch.posts.count else {
            fatalError("WireSplice cut \(cut.count) posts where libprotobuf-c decoded \(batch.posts.count)")
        }
        for (bytes, post) in zip(cut, batch.posts) {
            guard let journaled = try? Post(serializedBytes: Array(bytes)), journaled == post else {
                fatalError("a post cut by WireSplice does not decode to the post libprotobuf-c decoded")
            }
            WireChecks.checkPublished(post)
        }
    }

    private static func parse(_ query: String) {
        guard let parsed = try? ListeningQuery.parse(query) else { return }
        FuzzDocuments.assertIndexAgrees(parsed)
    }

    /// One request per method, as clients send them, with realistic payloads.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var post = Post()
        post.id = "x:1790000000000000001"
        post.platform = .x
        post.source = "x"
        post.author.id = "42"
        post.author.handle = "dana"
        post.author.followers = 12_000
        post.text = "Acme's new phone is great, but the battery dies fast #acme @acmehelp https://acme.example/p/1"
        post.createdAtMs = 1_790_000_000_000
        post.url = "https://x.com/dana/status/1790000000000000001"
        post.engagement.likes = 3
        var reply = Reference()
        reply.kind = .replyTo
        reply.postId = "x:1789999999999999999"
        post.references = [reply]
        var second = post
        second.id = "mastodon:110"
        second.platform = .mastodon
        second.text = "<p>Servicio pésimo, nunca más 😡</p>"
        second.textIsHtml = true

        var create = CreateQueryRequest()
        create.name = "acme"
        create.group = "brands"
        create.query = #"(acme OR #acme) AND NOT "acme corp"~2 lang:en followers:>1000"#
        var update = UpdateQueryRequest()
        update.id = "q1"
        update.query = "battery NEAR/3 dies site:acme.example"
        var validate = ValidateQueryRequest()
        validate.query = "@acmehelp -spam platform:x"
        var test = TestQueryRequest()
        test.query = "battery OR #acme lang:en"
        test.limit = 10
        var search = SearchPostsRequest()
        search.range = TimeRange(fromMs: 1_790_000_000_000, toMs: 1_790_000_360_000)
        search.textContains = "battery"
        search.pageSize = 20
        var rejections = RecordRejectionsRequest()
        rejections.source = "x"
        rejections.count = 3

        let payloads: [(String, any ProtoMessage)] = [
            (IngestMethod.publish, { var r = PublishRequest(); r.post = post; return r }()),
            (IngestMethod.publishBatch, PublishBatchRequest(posts: [post, second])),
            (ListeningMethod.createQuery, create), (ListeningMethod.updateQuery, update), (ListeningMethod.validateQuery, validate),
            (ListeningMethod.testQuery, test),
            (ListeningMethod.deleteQuery, { var r = DeleteQueryRequest(); r.id = "q1"; return r }()),
            (ListeningMethod.listQueries, { var r = ListQueriesRequest(); r.group = "brands"; return r }()),
            (QueryMethod.searchPosts, search), (InsightsMethod.markHandled, MarkHandledRequest(postId: post.id, agent: "sam")),
            (SourcesMethod.recordRejections, rejections), (HealthMethod.check, HealthCheckRequest()),
        ]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (method, payload) in payloads {
            var request = RpcRequest()
            request.requestId = "r-\(seeds.count + 1)"
            request.method = method
            request.deadlineUnixMs = 1_790_000_005_000
            request.metadata = ["client": "earshot import"]
            request.payload = try! payload.serializedBytes()
            seeds.append((seedName(method), try! request.serializedBytes()))
        }
        // Methods whose request is empty or all defaults.
        for name in decoders.keys.sorted() where !payloads.contains(where: { $0.0 == name }) {
            var request = RpcRequest()
            request.requestId = "r-\(seeds.count + 1)"
            request.method = name
            seeds.append((seedName(name), try! request.serializedBytes()))
        }
        return seeds
    }

    /// "earshot.v1.Ingest/Publish" → "Ingest-Publish".
    private static func seedName(_ method: String) -> String {
        method.replacingOccurrences(of: "earshot.v1.", with: "").replacingOccurrences(of: "/", with: "-")
    }
}
