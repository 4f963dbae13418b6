import GeoFleetCore
import GeoFleetProtocols
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import GeoFleetIngest

/// A device connection's reads stop while its session has `limit` frames waiting, and resume once it drains.
@Suite struct DeviceBackpressureTests {
    // Teltonika wiki: the IMEI packet, then the first Codec 8 example (one record).
    static let imei = [UInt8](hex: "000F333536333037303432343431303133")!
    static let frame = [UInt8](
        hex: "000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF")!

    /// Counts the reads that pass the gate towards the socket.
    final class ReadCounter: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = ByteBuffer
        let reads = Atomic<Int>(0)
        func read(context: ChannelHandlerContext) {
            reads.add(1, ordering: .relaxed)
            context.read()
        }
    }

    @Test func readIsHeldWhileTheQueueIsFullAndForwardedWhenDrained() async throws {
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        let backlog = DeviceBacklog(protocolName: "test")
        let limit = 4
        let frames = try await channel.testingEventLoop.executeInContext { () throws -> DeviceFrames<TeltonikaTCPMessage> in
            let gate = ReadGate(limit: limit, backlog: backlog)
            let queue = DeviceFrameQueue<TeltonikaTCPMessage>(
                gate: gate, maxFramesPerSecond: 0, admit: { _ in }, metrics: DeviceMetrics(protocolName: "test"), logger: Logger(label: "test"))
            try channel.pipeline.syncOperations.addHandlers([
                counter, gate, ByteToMessageHandler(GatedFrameDecoder(TeltonikaTCPFrameDecoder(), gate: gate)), queue,
            ])
            return queue.frames(on: channel.eventLoop)
        }
        // One read brings the IMEI and ten AVL frames: far more than the session may have waiting.
        try await channel.writeInbound(ByteBuffer(bytes: Self.imei + Array([[UInt8]](repeating: Self.frame, count: 10).joined())))
        #expect(backlog.waiting == limit, "decoding stops at the limit; the rest stays undecoded")

        channel.read()
        await channel.testingEventLoop.run()
        #expect(counter.reads.load(ordering: .relaxed) == 0, "a read while full is held")

        var iterator = frames.makeAsyncIterator()
        var taken: [TeltonikaTCPMessage] = []
        for _ in 0..<11 {
            taken.append(try #require(await iterator.next()))
            await channel.testingEventLoop.run()
            #expect(backlog.waiting <= limit)
            if taken.count < 11 - limit + 1 {
                #expect(counter.reads.load(ordering: .relaxed) == 0, "still bytes to decode: no read yet (\(taken.count) taken)")
            }
        }
        #expect(taken.first == .imei("356307042441013"))
        #expect(taken.dropFirst().allSatisfy { if case .packet(let p) = $0 { p.records.count == 1 } else { false } })
        #expect(backlog.waiting == 0)
        #expect(counter.reads.load(ordering: .relaxed) == 1, "drained: the held read goes to the socket")
        #expect(backlog.peakPerConnection == limit)
        _ = try await channel.finish()
    }

    @Test func readIsHeldWhileTheDeviceDoesNotReadItsAnswers() async throws {
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        let backlog = DeviceBacklog(protocolName: "test")
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandlers([counter, ReadGate(limit: 4, backlog: backlog)])
        }
        // Our ACKs pile up unsent (the device reads none): reading more would only pile up more.
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.read()
        await channel.testingEventLoop.run()
        #expect(counter.reads.load(ordering: .relaxed) == 0)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        await channel.testingEventLoop.run()
        #expect(counter.reads.load(ordering: .relaxed) == 1, "writable again: the held read goes out")
        _ = try await channel.finish()
    }

    @Test func aRecordWithTooManyIOElementsIsRefused() throws {
        // Teltonika wiki's Codec 8 example carries 5 IO elements: over a cap of 4, within one of 5.
        var buffer = ByteBuffer(bytes: Self.frame.dropFirst(8).dropLast(4))
        let packet = try Teltonika.decodeAVLData(&buffer)
        #expect(packet.records[0].io.count == 5)
        #expect(throws: FrameRefusal.self) { try TeltonikaLimits.check(packet, maxIOElementsPerRecord: 4) }
        #expect(throws: Never.self) { try TeltonikaLimits.check(packet, maxIOElementsPerRecord: 5) }
    }
}
