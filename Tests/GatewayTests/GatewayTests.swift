import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import SourceFormats
import Testing
@testable import GatewayService

@Suite struct MessageSchemaTests {
    @Test func fieldsComeFromTheDescriptorsInLowerCamelCase() {
        let post = MessageSchema(of: Post.self)
        #expect(post.componentName == "Post")
        #expect(post.field("createdAtMs")?.kind == .timestamp)
        #expect(post.field("created_at_ms")?.name == "createdAtMs")
        #expect(post.field("references")?.isRepeated == true)
        guard case .enumeration(_, let platforms)? = post.field("platform")?.kind else { Issue.record("platform is not an enum"); return }
        #expect(platforms == Platform.allCases.map(\.jsonName))
        let reference = MessageSchema(of: Reference.self)
        guard case .enumeration(_, let kinds)? = reference.field("kind")?.kind else { Issue.record("kind is not an enum"); return }
        #expect(kinds == Reference.Kind.allCases.map(\.jsonName))
        // A duration in ms stays a number; only points in time become RFC 3339.
        #expect(MessageSchema(of: StatsResponse.self).field("uptimeMs")?.kind == .int64)
        #expect(MessageSchema(of: TimeRange.self).fields.map(\.kind) == [.timestamp, .timestamp])
    }

    @Test func reachableSchemasListEachMessageOnce() {
        let names = MessageSchema(of: SearchPostsResponse.self).reachableSchemas.map(\.componentName)
        #expect(names.first == "SearchPostsResponse")
        #expect(names.contains("Post") && names.contains("Author") && names.contains("Scores"))
        #expect(Set(names).count == names.count)
    }
}

@Suite struct JSONTranslationTests {
    let overview = MessageSchema(of: OverviewRequest.self)

    @Test func queryParametersFillTheRequestWithTimesInRFC3339OrUnixMs() throws {
        let request = try JSONTranslation.request(OverviewRequest.self, schema: overview, body: [],
                                                  query: [("from", "2026-12-06T00:00:00Z"), ("range.toMs", "1796601600000"), ("queryId", "q-1")])
        #expect(request.range.fromMs == 1_796_515_200_000)
        #expect(request.range.toMs == 1_796_601_600_000)
        #expect(request.queryId == "q-1")
    }

    @Test func repeatedParametersCollectAndPathParametersWin() throws {
        let voice = try JSONTranslation.request(ShareOfVoiceRequest.self, schema: MessageSchema(of: ShareOfVoiceRequest.self), body: [],
                                                query: [("queryIds", "q-1"), ("queryIds", "q-2")])
        #expect(voice.queryIds == ["q-1", "q-2"])
        let update = try JSONTranslation.request(UpdateQueryRequest.self, schema: MessageSchema(of: UpdateQueryRequest.self),
                                                 body: Array(#"{"id":"q-9","name":"brand"}"#.utf8), query: [], path: ["id": "q-1"])
        #expect(update.id == "q-1" && update.name == "brand")
    }

    @Test func aBodyDecodesWithEnumsByNameAndTimesEitherWay() throws {
        let schema = MessageSchema(of: PublishRequest.self)
        let body = #"{"post":{"id":"x:1","platform":"mastodon","text":"hi","createdAtMs":"2026-12-06T12:00:00.250+01:00","author":{"handle":"a"}}}"#
        let request = try JSONTranslation.request(PublishRequest.self, schema: schema, body: Array(body.utf8), query: [])
        #expect(request.post.platform == .mastodon)
        #expect(request.post.createdAtMs == 1_796_554_800_250)
        let numeric = try JSONTranslation.request(PublishRequest.self, schema: schema, body: Array(#"{"post":{"createdAtMs":1700000000000}}"#.utf8), query: [])
        #expect(numeric.post.createdAtMs == 1_700_000_000_000)
    }

    @Test(arguments: [
        (#"{"post":{"txt":"hi"}}"#, "unknown field 'post.txt' in Post"),
        (#"{"post":"#, "not valid JSON"),
        (#"[1]"#, "must be a JSON object"),
        (#"{"post":{"text":5}}"#, "expected a string"),
        (#"{"post":{"createdAtMs":true}}"#, "post.createdAtMs: expected an RFC 3339 time"),
        (#"{"post":{"createdAtMs":"yesterday"}}"#, "post.createdAtMs: expected an RFC 3339 time"),
        (#"{"post":{"platform":"myspace"}}"#, "unknown value 'myspace'"),
        (#"{"post":{"references":{"kind":"quoteOf"}}}"#, "post.references: expected an array"),
    ])
    func badBodiesAreInvalidArgumentsNamingTheField(body: String, expected: String) {
        do {
            _ = try JSONTranslation.request(PublishRequest.self, schema: MessageSchema(of: PublishRequest.self), body: Array(body.utf8), query: [])
            Issue.record("\(body) was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.httpStatus == 400)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func unknownOrMessageParametersAreRefused() {
        for parameter in ["colour", "range", "range.fromMss"] {
            #expect(throws: GatewayError.self) {
                try JSONTranslation.request(OverviewRequest.self, schema: overview, body: [], query: [(parameter, "1")])
            }
        }
    }

    @Test func responsesShowTimesInRFC3339AndNoTimeAsNull() throws {
        var saved = SavedQuery()
        saved.id = "q-1"
        saved.createdAtMs = 1_796_515_200_123
        let body = MessageJSONWriter(of: SavedQuery.self).json(saved)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["createdAtMs"] as? String == "2026-12-06T00:00:00.123Z")
        #expect(object["updatedAtMs"] is NSNull)
        #expect(object["id"] as? String == "q-1")
    }
}

@Suite struct GatewayErrorTests {
    @Test func grpcStatusesMapToHTTP() {
        let expected: [(StatusCode, Int)] = [(.invalidArgument, 400), (.notFound, 404), (.alreadyExists, 409), (.permissionDenied, 403),
                                             (.unauthenticated, 401), (.resourceExhausted, 429), (.deadlineExceeded, 504),
                                             (.unavailable, 503), (.internal, 500)]
        for (code, status) in expected { #expect(GatewayError.httpStatus(for: code) == status, "\(code)") }
        #expect(GatewayError(.resourceExhausted, "busy").retryAfterSeconds == 1)
        #expect(GatewayError(.notFound, "no").retryAfterSeconds == nil)
    }

    @Test func theBodyHasCodeStatusAndMessage() throws {
        let error = GatewayError(RPCError(.notFound, "no query 'q-7'"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(error.body)) as? [String: Any])
        #expect(object["code"] as? Int == 404)
        #expect(object["status"] as? String == "NOT_FOUND")
        #expect(object["message"] as? String == "no query 'q-7'")
    }
}

@Suite struct RouteMatcherTests {
    let matcher = RouteMatcher(GatewayRoutes.all)

    @Test func literalsWinOverParametersAndParametersAreDecoded() {
        guard case .found(let validate, _) = matcher.match(method: "POST", path: "/v1/queries/validate") else { Issue.record("validate"); return }
        #expect(validate.rpc == ListeningMethod.validateQuery)
        guard case .found(let test, _) = matcher.match(method: "POST", path: "/v1/queries/test") else { Issue.record("test"); return }
        #expect(test.rpc == ListeningMethod.testQuery && test.permits(.reader) && !test.permits(.publisher))
        guard case .found(let update, let parameters) = matcher.match(method: "PATCH", path: "/v1/queries/q%2D1") else { Issue.record("update"); return }
        #expect(update.rpc == ListeningMethod.updateQuery && parameters == ["id": "q-1"])
        guard case .found(let claim, let post) = matcher.match(method: "POST", path: "/v1/care/x%3A17/claim") else { Issue.record("claim"); return }
        #expect(claim.rpc == InsightsMethod.markHandled && post == ["postId": "x:17"] && claim.principalField == "agent")
    }

    @Test func otherMethodsAre405AndOtherPaths404() {
        guard case .methodNotAllowed(let allowed) = matcher.match(method: "GET", path: "/v1/queries/q-1") else { Issue.record("405"); return }
        #expect(allowed == ["DELETE", "PATCH"])
        guard case .notFound = matcher.match(method: "GET", path: "/v1/nothing") else { Issue.record("404"); return }
        guard case .notFound = matcher.match(method: "GET", path: "/v1/queries/a/b") else { Issue.record("404 deeper"); return }
    }

    @Test func queryStringsAndBearerTokens() throws {
        let pairs = try RouteMatcher.queryParameters("textContains=red+shoes&hashtag=%C3%A9t%C3%A9&flag")
        #expect(pairs.map(\.name) == ["textContains", "hashtag", "flag"])
        #expect(pairs.map(\.value) == ["red shoes", "été", ""])
        #expect(throws: GatewayError.self) { try RouteMatcher.queryParameters("a=%ZZ") }
        #expect(RouteMatcher.bearerToken("Bearer est_1_2") == "est_1_2")
        #expect(RouteMatcher.bearerToken("bearer  est_1_2 ") == "est_1_2")
        #expect(RouteMatcher.bearerToken("Basic abc") == nil)
        #expect(RouteMatcher.bearerToken(nil) == nil)
    }

    @Test func everyRouteIsUniqueAndOpenToSomeTokenRole() {
        let keys = GatewayRoutes.all.map { "\($0.method.rawValue) \($0.path)" }
        #expect(Set(keys).count == keys.count)
        for route in GatewayRoutes.all { #expect(route.permits(.admin), "\(route.path)") }
        #expect(!GatewayRoutes.all.first { $0.rpc == IngestMethod.publish }!.permits(.reader))
        #expect(!GatewayRoutes.all.first { $0.rpc == ListeningMethod.createQuery }!.permits(.reader))
        #expect(GatewayRoutes.all.first { $0.rpc == ListeningMethod.createQuery }!.permits(.editor))
    }
}

@Suite struct APITokensTests {
    @Test func theIdIsTheMiddleOfThreeUnderscoreSeparatedParts() {
        #expect(APITokens.id(of: "est_abc123_s3cr3t") == "abc123")
        #expect(APITokens.id(of: "est__secret") == "")
        #expect(APITokens.id(of: "est_abc") == nil)
        #expect(APITokens.id(of: "est_a_b_c") == nil)
        #expect(APITokens.id(of: "xyz_abc_secret") == nil)
        #expect(APITokens.id(of: "") == nil)
        #expect(APITokens.id(of: "est_é_ß") == "é")
    }

    @Test func aTokenVerifiesByItsHashUntilRevoked() throws {
        let (token, tokens) = try APITokens().adding(name: "alice", role: .editor, nowMs: 5)
        #expect(token.hasPrefix("est_") && token.count == 4 + 8 + 1 + 64)
        #expect(tokens.entry(token: token)?.name == "alice")
        #expect(!tokens.text.contains(String(token.suffix(64))))
        let reread = try APITokens(parsing: tokens.text, path: "api-tokens")
        #expect(reread == tokens)
        #expect(reread.entry(token: token)?.role == .editor)
        var forged = Array(token)
        forged[forged.count - 1] = forged.last == "0" ? "1" : "0"
        #expect(reread.entry(token: String(forged)) == nil)
        #expect(reread.entry(token: "nonsense") == nil)
        #expect(reread.revoking(name: "alice")?.entry(token: token) == nil)
        #expect(reread.revoking(name: "bob") == nil)
    }

    /// The store remembers tokens it found valid: a token seen again is not hashed again, but a
    /// forged secret under a remembered id is still refused, and a revocation takes effect at once.
    @Test func theStoreRemembersValidTokensUntilTheFileChanges() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("api-tokens-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (alice, one) = try APITokens().adding(name: "alice", role: .editor, nowMs: 5)
        let (bob, two) = try one.adding(name: "bob", role: .reader, nowMs: 6)
        try two.text.write(toFile: path, atomically: true, encoding: .utf8)
        let store = TokenStore(path: path) { _ in }
        var forged = Array(alice)
        forged[forged.count - 1] = forged.last == "0" ? "1" : "0"
        for _ in 0..<2 {
            #expect(store.entry(token: alice)?.name == "alice")
            #expect(store.entry(token: bob)?.role == .reader)
            #expect(store.entry(token: String(forged)) == nil)
        }
        try two.revoking(name: "alice")!.text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.entry(token: alice) == nil)
        #expect(store.entry(token: bob)?.name == "bob")
    }

    @Test func namesAndRolesAreChecked() throws {
        let (_, tokens) = try APITokens().adding(name: "alice", role: .reader, nowMs: 1)
        #expect(throws: APITokenError.self) { try tokens.adding(name: "alice", role: .reader, nowMs: 2) }
        #expect(throws: APITokenError.self) { try tokens.adding(name: "a b", role: .reader, nowMs: 2) }
        #expect(throws: APITokenError.self) { try tokens.adding(name: "svc", role: .worker, nowMs: 2) }
    }

    @Test(arguments: [
        ("0123abcd 00 alice reader 1", "api-tokens:2: hash of 'alice' is not 64 hex digits"),
        ("0123abcd \(String(repeating: "0", count: 64)) alice gateway 1", "api-tokens:2: role 'gateway' is not one of"),
        ("0123abcd \(String(repeating: "0", count: 64)) alice reader", "api-tokens:2: expected"),
    ])
    func badLinesNameTheLine(line: String, expected: String) {
        do {
            _ = try APITokens(parsing: "# header\n\(line)\n", path: "api-tokens")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }
}

@Suite struct DelegationTests {
    let gateway = AllowList.Entry(publicKey: String(repeating: "a", count: 40), name: "gateway", role: .gateway)

    @Test func aGatewayCallsAsItsPrincipalWithThePrincipalsRole() throws {
        let caller = try Delegation.caller(gateway, metadata: [Delegation.principalKey: "alice", Delegation.roleKey: "editor"])
        #expect(caller.identity == "alice@gateway" && caller.role == .editor)
        let own = try Delegation.caller(gateway, metadata: [:])
        #expect(own.identity == "gateway" && own.role == .gateway)
        #expect(!Role.gateway.permits(method: QueryMethod.overview))
        #expect(Role.gateway.permits(method: HealthMethod.check))
    }

    @Test func otherKeysCannotClaimAPrincipal() throws {
        let reader = AllowList.Entry(publicKey: String(repeating: "b", count: 40), name: "dash", role: .reader)
        let caller = try Delegation.caller(reader, metadata: [Delegation.principalKey: "alice", Delegation.roleKey: "admin"])
        #expect(caller.identity == "dash" && caller.role == .reader)
    }

    @Test(arguments: [["alice": "worker"], ["alice": "gateway"], ["alice": ""], ["a@b": "reader"], ["": "reader"]])
    func aGatewayCannotDelegateServiceRolesOrOddNames(principal: [String: String]) {
        let (name, role) = principal.first!
        #expect(throws: Delegation.Refusal.self) {
            try Delegation.caller(gateway, metadata: [Delegation.principalKey: name, Delegation.roleKey: role])
        }
    }
}

@Suite struct OpenAPIDocumentTests {
    /// docs/openapi.json of this checkout.
    static let committedPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.json").path

    @Test func theCommittedContractIsTheOneTheRoutesMake() throws {
        let committed = try Data(contentsOf: URL(fileURLWithPath: Self.committedPath))
        let generated = Data(OpenAPIDocument.json(routes: GatewayRoutes.all))
        #expect(committed == generated, "docs/openapi.json is stale: run `earshot gateway --print-openapi > docs/openapi.json`")
    }

    @Test func everyRouteIsAnOperationWithItsSchemas() throws {
        let document = OpenAPIDocument.document(routes: GatewayRoutes.all)
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for route in GatewayRoutes.all {
            let operation = try #require(paths[route.path]?[route.method.rawValue.lowercased()] as? [String: Any], "\(route.path)")
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(responses["\(route.successStatus)"] != nil && responses["default"] != nil)
            #expect(schemas[route.responseSchema.componentName] != nil)
        }
        for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] { #expect(paths[path]?["get"] != nil) }
        let operationIDs = paths.values.flatMap { $0.values.compactMap { ($0 as? [String: Any])?["operationId"] as? String } }
        #expect(Set(operationIDs).count == operationIDs.count)
    }
}

@Suite struct AlertEventsTests {
    @Test func filtersTakeQueryIdAndKind() throws {
        var alert = Alert()
        alert.queryId = "q-1"
        alert.kind = .volume
        #expect(try AlertEvents.Filter(query: []).admits(alert))
        #expect(try AlertEvents.Filter(query: [("queryId", "q-1"), ("kind", "volume")]).admits(alert))
        #expect(try !AlertEvents.Filter(query: [("queryId", "q-2")]).admits(alert))
        #expect(try !AlertEvents.Filter(query: [("kind", "anger")]).admits(alert))
        alert.queryId = ""
        #expect(try AlertEvents.Filter(query: [("queryId", "*")]).admits(alert))
        #expect(throws: GatewayError.self) { try AlertEvents.Filter(query: [("kind", "unspecified")]) }
        #expect(throws: GatewayError.self) { try AlertEvents.Filter(query: [("colour", "red")]) }
    }

    @Test func anEventIsOneAlertAsJSON() throws {
        var alert = Alert()
        alert.id = "q-1/volume/1796515200000"
        alert.queryId = "q-1"
        alert.bucketStartMs = 1_796_515_200_000
        let text = String(decoding: AlertEvents.event(alert, json: MessageJSONWriter(of: Alert.self)), as: UTF8.self)
        #expect(text.hasPrefix("event: alert\nid: q-1/volume/1796515200000\ndata: {"))
        #expect(text.hasSuffix("}\n\n"))
        #expect(text.contains("\"bucketStartMs\":\"2026-12-06T00:00:00.000Z\""))
        #expect(!text.dropLast(2).contains("\n\n"))
    }
}

@Suite struct MessageJSONWriterTests {
    /// A post view with every kind of field set: strings needing escapes, 64-bit and 32-bit
    /// integers, floats, doubles (whole and not), enums, repeated strings and messages, a time.
    static var view: PostView {
        var view = PostView()
        view.post.id = "x:1"
        view.post.platform = .mastodon
        view.post.text = "Say \"hi\"\\ back\nnow\t\u{01} ✨ a/b"
        view.post.createdAtMs = 1_796_515_200_123
        view.post.author.handle = "ann"
        view.post.author.followers = 9_007_199_254_740_993
        view.post.author.verified = true
        view.post.engagement.likes = -3
        var reference = Reference()
        reference.kind = .replyTo
        reference.postId = "x:0"
        view.post.references = [reference, Reference()]
        view.enrichment.languageConfidence = 0.999994051042375
        view.enrichment.sentiment.compound = -0.25
        view.enrichment.entities.hashtags = ["acme", "ünï"]
        view.enrichment.emotions.joy = 0.014141713
        view.enrichment.emotions.labels = ["joy"]
        view.scores.engagement = 34
        view.scores.spamRisk = 0.30000000000000004
        view.scores.priority = 7
        return view
    }

    /// The JSON `ProtoJSON` writes for `message`, with the keys of `times` (at any depth) replaced.
    private func expected(_ message: some ProtoMessage, times: [String: Any]) throws -> NSDictionary {
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(ProtoJSON.encode(message).utf8)) as? [String: Any])
        func present(_ object: [String: Any]) -> [String: Any] {
            var result = object
            for (key, value) in object {
                if let time = times[key] { result[key] = time } else if let inner = value as? [String: Any] { result[key] = present(inner) }
            }
            return result
        }
        return present(plain) as NSDictionary
    }

    @Test func writesWhatProtoJSONWritesWithTimesInRFC3339() throws {
        let body = MessageJSONWriter(of: PostView.self).json(Self.view)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? NSDictionary)
        #expect(object == (try expected(Self.view, times: ["createdAtMs": "2026-12-06T00:00:00.123Z"])), "\(String(decoding: body, as: UTF8.self))")
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains(#""engagement":34,"#) && text.contains(#""joy":0.014141713,"#) && text.contains(#""followers":9007199254740993,"#))
        #expect(text.contains(#""text":"Say \"hi\"\\ back\nnow\t\u0001 ✨ a/b""#))
        #expect(text.hasPrefix(#"{"enrichment":{"emotions":{"anger":0,"available":false,"#))
    }

    @Test func unsetMessagesAndTimesAreZeroObjectsAndNull() throws {
        let body = MessageJSONWriter(of: Alert.self).json(Alert())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["bucketStartMs"] is NSNull && object["detectedAtMs"] is NSNull)
        #expect(object["kind"] as? String == "unspecified" && (object["terms"] as? [Any])?.isEmpty == true)
        let empty = try #require(try JSONSerialization.jsonObject(with: Data(MessageJSONWriter(of: PostView.self).json(PostView()))) as? NSDictionary)
        #expect(empty == (try expected(PostView(), times: ["createdAtMs": NSNull()])))
    }

    @Test func bytesThatDoNotDecodeHaveNoJSON() {
        #expect(MessageJSONWriter(of: PostView.self).json(encoded: [0x0A, 0x05, 0x01]) == nil)
        #expect(MessageJSONWriter(of: PostView.self).json(encoded: []) != nil)
    }

    @Test func anExportPageIsOneLinePerPostAndTheNextToken() throws {
        var response = SearchPostsResponse()
        var second = Self.view
        second.post.id = "x:2"
        response.posts = [Self.view, second]
        response.nextPageToken = "p1.5.6"
        let encoded = try response.serializedBytes()
        let json = MessageJSONWriter(of: PostView.self)
        let jsonl = try PostExport.jsonl.page(encoded, json: json)
        #expect(jsonl.nextPageToken == "p1.5.6")
        #expect(jsonl.lines == json.json(Self.view) + [0x0A] + json.json(second) + [0x0A])
        let csv = try PostExport.csv.page(encoded, json: json)
        #expect(String(decoding: csv.lines, as: UTF8.self) == CSVExport.row(Self.view) + "\n" + CSVExport.row(second) + "\n")
        #expect(throws: GatewayError.self) { try PostExport.jsonl.page([0xFF, 0xFF], json: json) }
    }
}
