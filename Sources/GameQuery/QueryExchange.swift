import NIOCore
import NIOPosix

/// The socket side of the queries: one TCP exchange (Java) and one UDP exchange (Bedrock, A2S). Every exchange
/// runs on one event loop, and one deadline covers resolving, connecting, sending and reading.
enum QueryExchange {
    // MARK: - TCP

    /// Connects, sends `request` and returns the first complete Java packet the server sends back.
    /// - Throws: ``GameQueryError`` or `CancellationError`.
    static func javaPacket(
        host: String,
        port: Int,
        request: [UInt8],
        timeout: Duration,
        maxBytes: Int,
        group: any EventLoopGroup
    ) async throws -> JavaPacket {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: JavaPacket.self)
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        JavaPacketHandler(request: request, maxBytes: maxBytes, promise: promise)
                    )
                }
            }
            .connect(host: host, port: port)
        connected.whenFailure { promise.fail(GameQueryError(connecting: $0, timeout: timeout)) }
        return try await awaitAnswer(promise, channel: connected, timeout: timeout)
    }

    // MARK: - UDP

    /// The largest UDP payload over IPv4: 65,535 minus the IP and UDP headers.
    private static let maxUDPPayload = 65_507

    /// Sends the conversation's request over UDP, resends it on silence, and returns the conversation's answer.
    /// - Throws: ``GameQueryError`` or `CancellationError`.
    static func datagram<Conversation: DatagramConversation>(
        host: String,
        port: Int,
        conversation: Conversation,
        timeout: Duration,
        attempts: Int,
        maxBytes: Int,
        group: any EventLoopGroup
    ) async throws -> Conversation.Answer {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Conversation.Answer.self)
        let resendInterval = (timeout / Swift.max(1, attempts)).timeAmount
        // Name resolution blocks, so it runs on NIO's blocking pool, inside the deadline.
        let connected = NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
            try SocketAddress.makeAddressResolvingHost(host, port: port)
        }.flatMap { address in
            DatagramBootstrap(group: eventLoop)
                // One byte over the cap, so that an oversized datagram shows as such instead of being cut.
                .channelOption(
                    .recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(capacity: Swift.min(maxBytes, maxUDPPayload) + 1)
                )
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            DatagramQueryHandler(
                                conversation: conversation,
                                resendInterval: resendInterval,
                                maxBytes: maxBytes,
                                promise: promise
                            )
                        )
                    }
                }
                .connect(to: address)
        }
        connected.whenFailure { promise.fail(GameQueryError(connecting: $0, timeout: timeout)) }
        return try await awaitAnswer(promise, channel: connected, timeout: timeout)
    }

    // MARK: - Shared

    /// Waits for `promise` until the deadline or cancellation, then closes the channel whatever happened.
    private static func awaitAnswer<Answer: Sendable>(
        _ promise: EventLoopPromise<Answer>,
        channel: EventLoopFuture<any Channel>,
        timeout: Duration
    ) async throws -> Answer {
        let deadline = promise.futureResult.eventLoop.scheduleTask(in: timeout.timeAmount) {
            promise.fail(GameQueryError.timedOut(after: timeout))
        }
        promise.futureResult.whenComplete { _ in
            deadline.cancel()
            channel.whenSuccess { $0.close(promise: nil) }
        }
        // A second completion of the promise is a no-op in NIO, so the first of answer, error, deadline and
        // cancellation wins.
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(CancellationError())
        }
    }
}

extension GameQueryError {
    /// Classifies a failure to resolve or connect.
    init(connecting error: any Error, timeout: Duration) {
        if let error = error as? GameQueryError {
            self = error
        } else if let error = error as? ChannelError, case .connectTimeout = error {
            self = .timedOut(after: timeout)
        } else {
            self = .refused(String(describing: error))
        }
    }
}

extension Duration {
    /// This duration in NIO's unit, saturating rather than overflowing.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .nanoseconds(seconds < 0 ? .min : .max) }
        let (total, overflow2) = nanos.addingReportingOverflow(attoseconds / 1_000_000_000)
        return .nanoseconds(overflow2 ? .max : total)
    }
}

// MARK: - Handlers

/// Sends the Java request once connected and completes with the first full packet read.
private final class JavaPacketHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: [UInt8]
    private let maxBytes: Int
    private let promise: EventLoopPromise<JavaPacket>
    private var received: [UInt8] = []

    init(request: [UInt8], maxBytes: Int, promise: EventLoopPromise<JavaPacket>) {
        self.request = request
        self.maxBytes = maxBytes
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // VarInt length prefix plus the largest frame accepted: never hold more than that.
        guard received.count + buffer.readableBytes <= maxBytes + VarInt.maxBytes else {
            finish(.failure(GameQueryError.tooLarge(limit: maxBytes)), context: context)
            return
        }
        received.append(contentsOf: buffer.readableBytesView)
        do {
            if let packet = try JavaStatusCodec.packet(in: received, maxFrameLength: maxBytes) {
                finish(.success(packet), context: context)
            }
        } catch {
            finish(.failure(error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(GameQueryError.truncated("connection closed after \(received.count) bytes"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(GameQueryError.refused(String(describing: error))), context: context)
    }

    private func finish(_ result: Result<JavaPacket, any Error>, context: ChannelHandlerContext) {
        promise.completeWith(result)
        context.close(promise: nil)
    }
}

/// Drives a ``DatagramConversation`` over a connected UDP channel: send, resend on silence, interpret replies.
private final class DatagramQueryHandler<Conversation: DatagramConversation>: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = ByteBuffer

    private var conversation: Conversation
    private let resendInterval: TimeAmount
    private let maxBytes: Int
    private let promise: EventLoopPromise<Conversation.Answer>
    private var resend: Scheduled<Void>?

    init(
        conversation: Conversation,
        resendInterval: TimeAmount,
        maxBytes: Int,
        promise: EventLoopPromise<Conversation.Answer>
    ) {
        self.conversation = conversation
        self.resendInterval = resendInterval
        self.maxBytes = maxBytes
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        send(conversation.request, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let datagram = unwrapInboundIn(data).data
        guard datagram.readableBytes <= maxBytes else {
            finish(.failure(GameQueryError.tooLarge(limit: maxBytes)), context: context)
            return
        }
        do {
            switch try conversation.receive(Array(datagram.readableBytesView)) {
            case .finished(let answer):
                finish(.success(answer), context: context)
            case .send(let bytes):
                send(bytes, context: context)
            case .ignore:
                break
            }
        } catch {
            finish(.failure(error), context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // On a connected UDP socket an ICMP "port unreachable" comes back as ECONNREFUSED on the next read.
        finish(.failure(GameQueryError.refused(String(describing: error))), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        resend?.cancel()
        promise.fail(GameQueryError.refused("socket closed"))
        context.fireChannelInactive()
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        resend?.cancel()
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        resend = context.eventLoop.scheduleTask(in: resendInterval) {
            boundSelf.value.send(boundSelf.value.conversation.request, context: boundContext.value)
        }
    }

    private func finish(_ result: Result<Conversation.Answer, any Error>, context: ChannelHandlerContext) {
        resend?.cancel()
        promise.completeWith(result)
        context.close(promise: nil)
    }
}
