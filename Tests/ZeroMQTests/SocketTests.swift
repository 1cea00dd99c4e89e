import Testing
@testable import ZeroMQ

/// A free-ish TCP port per test, so parallel tests do not collide.

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketTests {
    @Test func pushPullOverInprocCarriesMultipartMessages() throws {
        let context = try Context()
        let pull = try Socket(.pull, context: context)
        try pull.bind("inproc://pipeline")
        let push = try Socket(.push, context: context)
        try push.connect("inproc://pipeline")
        try push.send([[1, 2, 3], [], Array(repeating: 7, count: 100_000)])
        let received = try #require(try pull.receive())
        #expect(received.count == 3)
        #expect(received[0] == [1, 2, 3])
        #expect(received[1] == [])
        #expect(received[2].count == 100_000)
    }

    @Test func routerDealerOverTCPRepliesToTheSender() throws {
        let context = try Context()
        let router = try Socket(.router, context: context)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let dealer = try Socket(.dealer, context: context)
        try dealer.connect(endpoint)
        try dealer.send(Array("ping".utf8))
        let request = try #require(try router.receive())
        #expect(request.count == 2)  // identity + payload
        #expect(request[1] == Array("ping".utf8))
        try router.send([request[0], Array("pong".utf8)])
        #expect(try dealer.receive() == [Array("pong".utf8)])
    }

    @Test func nonBlockingReceiveOnAnEmptySocketReturnsNil() throws {
        let context = try Context()
        let pull = try Socket(.pull, context: context)
        try pull.bind("inproc://empty")
        #expect(try pull.receive(wait: false) == nil)
    }

    @Test func receiveTimeoutActsAsADeadline() throws {
        let context = try Context()
        let pull = try Socket(.pull, context: context)
        try pull.bind("inproc://timeout")
        try pull.set(.receiveTimeout(50))
        #expect(try pull.receive() == nil)
    }

    @Test func pushWithoutPeersWouldBlock() throws {
        let context = try Context()
        let push = try Socket(.push, context: context)
        try push.bind("inproc://nobody")
        #expect(try push.send([1], wait: false) == false)
    }

    @Test func pollerReportsReadableSockets() throws {
        let context = try Context()
        let a = try Socket(.pull, context: context)
        try a.bind("inproc://a")
        let b = try Socket(.pull, context: context)
        try b.bind("inproc://b")
        let pushB = try Socket(.push, context: context)
        try pushB.connect("inproc://b")
        var poller = Poller()
        let indexA = poller.add(a)
        let indexB = poller.add(b)
        #expect(try poller.poll(timeoutMilliseconds: 0) == 0)
        try pushB.send([42])
        #expect(try poller.poll(timeoutMilliseconds: 1_000) == 1)
        #expect(!poller.isReady(indexA))
        #expect(poller.isReady(indexB))
    }

    @Test func errorsAreTypedAndCarryTheOperation() throws {
        let context = try Context()
        let socket = try Socket(.pull, context: context)
        do {
            try socket.bind("nonsense://x")
            Issue.record("binding a bad endpoint must fail")
        } catch {
            guard case .system(let operation, let code, _) = error else {
                Issue.record("expected a system error, got \(error)")
                return
            }
            #expect(operation.contains("nonsense://x"))
            #expect(code == EPROTONOSUPPORT)
        }
        let req = try Socket(.req, context: context)
        try req.connect("inproc://nothing")
        #expect(throws: ZMQError.invalidState(operation: "zmq_msg_recv")) { try req.receive(wait: false) }
    }

    @Test func contextShutdownWakesBlockedCallsWithETERM() throws {
        let context = try Context()
        let pull = try Socket(.pull, context: context)
        try pull.bind("inproc://shutdown")
        context.shutdown()
        #expect(throws: ZMQError.contextTerminated(operation: "zmq_msg_recv")) { try pull.receive() }
    }

    @Test func maxMessageSizeDropsOversizedPeersButKeepsServing() throws {
        let context = try Context()
        let pull = try Socket(.pull, context: context)
        try pull.set([.maxMessageSize(1_000), .receiveTimeout(300)])
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let big = try Socket(.push, context: context)
        try big.connect(endpoint)
        try big.send(Array(repeating: 1, count: 10_000))
        #expect(try pull.receive() == nil)  // dropped by libzmq, never delivered
        let small = try Socket(.push, context: context)
        try small.connect(endpoint)
        try small.send([9])
        try pull.set(.receiveTimeout(5_000))
        #expect(try pull.receive() == [[9]])
    }

    @Test func optionsCanBeSet() throws {
        let context = try Context()
        let socket = try Socket(.router, context: context)
        try socket.set([.linger(100), .sendHighWaterMark(10), .receiveHighWaterMark(10), .immediate(true),
                        .routerMandatory(true), .heartbeatInterval(1_000), .heartbeatTimeToLive(3_000),
                        .heartbeatTimeout(3_000), .reconnectInterval(100), .routingID([1, 2])])
        let endpoint = try socket.bind("tcp://127.0.0.1:*")
        // ROUTER_MANDATORY: sending to an unknown peer fails instead of vanishing.
        #expect(throws: ZMQError.peerUnreachable(operation: "zmq_msg_send")) { try socket.send([[9, 9], [1]]) }
        #expect(endpoint.contains("127.0.0.1"))
    }
}
