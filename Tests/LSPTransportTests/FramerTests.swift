import Foundation
import Testing
@testable import LSPTransport

@Suite struct FramerTests {
    private func framed(_ json: String) -> [UInt8] { frame(Array(json.utf8)) }

    private func events(_ chunks: [[UInt8]]) -> [FrameEvent] {
        var framer = MessageFramer()
        var out: [FrameEvent] = []
        for chunk in chunks {
            framer.append(chunk)
            while let event = framer.next() { out.append(event) }
        }
        return out
    }

    private func messages(_ events: [FrameEvent]) -> [String] {
        events.compactMap { if case .message(let b) = $0 { String(decoding: b, as: UTF8.self) } else { nil } }
    }

    private func malformedCount(_ events: [FrameEvent]) -> Int {
        events.filter { if case .malformed = $0 { true } else { false } }.count
    }

    @Test func twoFramesInOneChunk() {
        let got = events([framed(#"{"a":1}"#) + framed(#"{"b":2}"#)])
        #expect(messages(got) == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(malformedCount(got) == 0)
    }

    @Test func byteByByteDeliveryYieldsTheSameFrames() {
        let bytes = framed(#"{"a":"é ✓"}"#) + framed(#"{"b":2}"#)
        let got = events(bytes.map { [$0] })
        #expect(messages(got) == [#"{"a":"é ✓"}"#, #"{"b":2}"#])
        #expect(malformedCount(got) == 0)
    }

    @Test func headersAreCaseInsensitiveAndMayCarryContentType() {
        let body = #"{"x":1}"#
        let raw = Array("content-length: \(body.utf8.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n\(body)".utf8)
        #expect(messages(events([raw])) == [body])
    }

    @Test func garbageBeforeAFrameIsReportedAndSkipped() {
        let got = events([Array("hello there\r\n\r\n".utf8) + framed(#"{"ok":1}"#)])
        #expect(malformedCount(got) == 1)
        #expect(messages(got) == [#"{"ok":1}"#])
    }

    @Test func binaryGarbageWithoutHeaderEndDoesNotBlockTheNextFrame() {
        let got = events([[0xFF, 0x00, 0x13, 0x37], framed(#"{"ok":1}"#)])
        #expect(malformedCount(got) >= 1)
        #expect(messages(got) == [#"{"ok":1}"#])
    }

    @Test func headerWithoutContentLength() {
        let got = events([Array("Content-Type: x\r\n\r\n".utf8) + framed(#"{"ok":1}"#)])
        #expect(malformedCount(got) == 1)
        #expect(messages(got) == [#"{"ok":1}"#])
    }

    @Test func negativeOrNonNumericLength() {
        let got = events([Array("Content-Length: -5\r\n\r\n".utf8), Array("Content-Length: abc\r\n\r\n".utf8),
                          framed(#"{"ok":1}"#)])
        #expect(malformedCount(got) == 2)
        #expect(messages(got) == [#"{"ok":1}"#])
    }

    @Test func tooShortLengthTruncatesThenResynchronises() {
        let body = #"{"a":1234567}"#
        let raw = Array("Content-Length: 5\r\n\r\n\(body)".utf8) + framed(#"{"ok":1}"#)
        let got = events([raw])
        #expect(messages(got).first == String(body.prefix(5)))
        #expect(messages(got).last == #"{"ok":1}"#)
        #expect(malformedCount(got) == 1)
    }

    @Test func tooLongLengthIsDetectedWhenTheNextFrameArrives() {
        let body = #"{"a":1}"#
        let raw = Array("Content-Length: 500\r\n\r\n\(body)".utf8)
        var framer = MessageFramer()
        framer.append(raw)
        #expect(framer.next() == nil)  // could still be arriving
        framer.append(framed(#"{"ok":1}"#))
        var got: [FrameEvent] = []
        while let e = framer.next() { got.append(e) }
        #expect(messages(got) == [body, #"{"ok":1}"#])
    }

    @Test func headerWordsInsideADocumentDoNotSplitIt() {
        // A big didOpen whose text mentions the header, arriving in pieces: it must stay one message.
        let body = #"{"text":"x = 'Content-Length: 12\r\n\r\n{}' and more text after it"}"#
        let bytes = framed(body)
        let got = events(stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<min($0 + 7, bytes.count)]) })
        #expect(messages(got) == [body])
        #expect(malformedCount(got) == 0)
    }

    @Test func partialHeaderWaitsForMoreBytes() {
        var framer = MessageFramer()
        framer.append(Array("Content-Len".utf8))
        #expect(framer.next() == nil)
        framer.append(Array("gth: 2\r\n\r\n{}".utf8))
        #expect(framer.next() == .message(Array("{}".utf8)))
    }
}

@Suite struct FramerLengthTests {
    @Test func tooLongLengthThatSwallowsTheNextHeaderIsCut() {
        let body = #"{"a":1}"#
        let next = frame(Array(#"{"ok":1}"#.utf8))
        var framer = MessageFramer()
        // Ten bytes too many: they reach into the next frame's header, all bytes arrive at once.
        framer.append(Array("Content-Length: \(body.utf8.count + 10)\r\n\r\n\(body)".utf8) + next)
        var got: [FrameEvent] = []
        while let e = framer.next() { got.append(e) }
        #expect(got == [.message(Array(body.utf8)), .message(Array(#"{"ok":1}"#.utf8))])
    }
}
