import Testing
@testable import HeapLintServer

/// Hover text is markdown: prose is escaped, code spans are kept as written.
@Suite struct HoverMarkdownTests {
    @Test func dundersAndEmphasisOutsideCodeSpansAreEscaped() {
        #expect(DiagnosticMapping.escaped("lives in __defaults__ *forever*") == #"lives in \_\_defaults\_\_ \*forever\*"#)
        #expect(DiagnosticMapping.escaped("a [link](x) <b> # | ~ !") == ##"a \[link\](x) \<b\> \# \| \~ \!"##)
    }

    @Test func codeSpansAreKeptAsWritten() {
        #expect(DiagnosticMapping.escaped("`__del__` of `self._x` runs") == "`__del__` of `self._x` runs")
        #expect(DiagnosticMapping.escaped("``a`b`` and _c_") == #"``a`b`` and \_c\_"#)
    }

    @Test func anUnpairedBacktickIsEscaped() {
        #expect(DiagnosticMapping.escaped("it's a ` lone __x__") == #"it's a \` lone \_\_x\_\_"#)
    }

    @Test func codeSpanFencesPastInnerBackticks() {
        #expect(DiagnosticMapping.codeSpan("a.b") == "`a.b`")
        #expect(DiagnosticMapping.codeSpan("x`y") == "``x`y``")
        #expect(DiagnosticMapping.codeSpan("`x`") == "`` `x` ``")
    }
}
