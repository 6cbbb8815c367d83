import Testing
@testable import LSPTransport

@Suite struct LoneSurrogatesTests {
    private func replaced(_ json: String) -> String {
        String(decoding: LoneSurrogates.replaced(in: Array(json.utf8)), as: UTF8.self)
    }

    @Test func loneHighAndLowEscapesBecomeReplacementCharacters() {
        #expect(replaced(#"{"text":"a\ud800b"}"#) == #"{"text":"a\uFFFDb"}"#)
        #expect(replaced(#"{"text":"\uDC00\ud800"}"#) == #"{"text":"\uFFFD\uFFFD"}"#)
        #expect(replaced(#"{"text":"\ud800\u0041"}"#) == #"{"text":"\uFFFD\u0041"}"#)
    }

    @Test func pairsEscapedBackslashesAndOtherEscapesAreKept() {
        for json in [#"{"text":"\ud83d\ude00"}"#, #"{"text":"\\ud800"}"#, #"{"text":"\n\u00e9\""}"#, #"{"t":"\ud8"}"#] {
            #expect(replaced(json) == json)
        }
    }
}
