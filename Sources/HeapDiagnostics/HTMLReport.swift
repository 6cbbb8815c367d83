#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapModel
import HeapRules
import HeapSyntax

/// `--output-format html`: one self-contained page (inline CSS, a few lines of inline script for
/// keyboard navigation, no fonts, images or requests), findings grouped by file and then by rule with
/// counts, each with its source excerpt, an SVG of its reference path (`GraphDrawing.svg`), the rest of
/// its explanation and its fix as a diff.
extension Renderer {
    static func html(_ report: DiagnosticReport) -> String {
        let diagnostics = report.diagnostics
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="heaplint \(xml(HeapDiagnosticsInfo.version))">
        <title>heaplint report</title>
        <style>\(htmlStyle)</style>
        </head>
        <body>
        <header><h1>heaplint report</h1>
        <p class="summary">\(count(diagnostics.count, "finding")) in \(count(Set(diagnostics.map(\.path)).count, "file")) (\(count(report.checkedPaths.count, "file")) checked). Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous finding.</p>

        """
        // Counts per rule, then the files with theirs.
        let byRule = Dictionary(grouping: diagnostics, by: \.code)
        if !byRule.isEmpty {
            out += "<table class=\"rules\"><caption>Findings per rule</caption><thead><tr><th scope=\"col\">rule</th><th scope=\"col\">name</th><th scope=\"col\">count</th></tr></thead><tbody>\n"
            for code in byRule.keys.sorted() {
                let name = RuleRegistry.rule(code: code)?.metadata.name ?? ""
                out += "<tr><td><code>\(xml(code))</code></td><td>\(xml(name))</td><td>\(byRule[code]!.count)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        var files: [(path: String, diagnostics: [Diagnostic])] = []
        for d in diagnostics {
            if files.last?.path == d.path { files[files.count - 1].diagnostics.append(d) } else { files.append((d.path, [d])) }
        }
        if !files.isEmpty {
            out += "<nav aria-label=\"files\"><h2>Files</h2><ul>\n"
            for (index, file) in files.enumerated() {
                out += "<li><a href=\"#file-\(index + 1)\">\(xml(file.path))</a> <span class=\"count\">\(file.diagnostics.count)</span></li>\n"
            }
            out += "</ul></nav>\n"
        } else {
            out += "<p class=\"clean\">All checks passed!</p>\n"
        }
        out += "</header>\n<main>\n"
        var findingNumber = 0
        for (fileIndex, file) in files.enumerated() {
            out += "<section class=\"file\" id=\"file-\(fileIndex + 1)\"><h2>\(xml(file.path)) <span class=\"count\">\(count(file.diagnostics.count, "finding"))</span></h2>\n"
            let rules = Dictionary(grouping: file.diagnostics, by: \.code)
            for code in rules.keys.sorted() {
                let group = rules[code]!
                let name = RuleRegistry.rule(code: code)?.metadata.name ?? ""
                out += "<section class=\"rule\"><h3><code>\(xml(code))</code> \(xml(name)) <span class=\"count\">\(group.count)</span></h3>\n"
                for d in group {
                    findingNumber += 1
                    out += htmlFinding(d, number: findingNumber, report: report)
                }
                out += "</section>\n"
            }
            out += "</section>\n"
        }
        out += "</main>\n<script>\(htmlScript)</script>\n</body>\n</html>\n"
        return out
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func htmlFinding(_ d: Diagnostic, number: Int, report: DiagnosticReport) -> String {
        let place = report.place(of: d)
        let cells = report.notebookCells[d.path]
        let lineLabel: (Int) -> String = { line in
            guard let cells else { return "line \(line)" }
            let (cell, row) = cells.locate(line: line - 1)
            return "cell \(cell), line \(row + 1)"
        }
        var out = "<article class=\"finding\" id=\"finding-\(number)\" tabindex=\"0\" data-path=\"\(xml(d.path))\" data-code=\"\(xml(d.code))\" data-row=\"\(place.row)\">\n"
        let link = d.url(base: report.ruleURLBase).map { " <a class=\"rule-link\" href=\"\(xml($0))\">\(xml(d.code))</a>" } ?? " <code>\(xml(d.code))</code>"
        out += "<h4><span class=\"where\">\(xml(d.path)):\(place.label)</span>\(link) <span class=\"message\">\(xml(d.message))</span></h4>\n"
        if let source = report.source(of: d), source.byteCount > 0 {
            out += "<pre class=\"excerpt\">"
            let lineCount = source.lineIndex.lineStarts.count
            let first = max(0, d.start.line - 2), last = min(lineCount - 1, max(d.end.line, d.start.line) + 2)
            if first <= last {
                for line in first...last {
                    let number = place.row + (line - d.start.line)
                    let flagged = line >= d.start.line && line <= d.end.line
                    var text = source.lineText(line)
                    if text.unicodeScalars.count > 200 { text = String(text.unicodeScalars.prefix(200)) + "…" }
                    out += "<span class=\"line\(flagged ? " flagged" : "")\"><span class=\"ln\">\(number)</span> \(xml(text))</span>\n"
                }
            }
            out += "</pre>\n"
        }
        if let e = d.explanation {
            if !e.path.isEmpty {
                let graph = ReferenceGraph(path: e.path)
                out += "<figure class=\"graph\">"
                out += GraphDrawing.svg(graph, title: "\(d.code) reference path: \(e.pathSummary)", idPrefix: "f\(number)",
                                        lineLabel: lineLabel)
                out += "<figcaption>reference path: \(xml(e.pathSummary(lineLabel: lineLabel)))</figcaption></figure>\n"
            }
            out += "<dl class=\"facts\">"
            if !e.alsoClosedAt.isEmpty {
                out += "<dt>also closed at</dt><dd>" + xml(e.alsoClosedAt.map { "\(lineLabel($0.line)) (\($0.summary))" }.joined(separator: ", ")) + "</dd>"
            }
            if let estimate = e.estimate {
                out += "<dt>size</dt><dd>\(xml("\(estimate.summary) on \(estimate.version.displayName) (\(estimate.basis))"))</dd>"
            }
            if !e.mechanism.isEmpty { out += "<dt>reclaimed by</dt><dd>\(xml(e.mechanism))</dd>" }
            if !e.remedy.isEmpty { out += "<dt>help</dt><dd>\(xml(e.remedy))</dd>" }
            out += "</dl>\n"
        }
        if let fix = d.fix {
            let how = fix.applicability == .safe ? "safe fix" : fix.applicability == .unsafe ? "unsafe fix (--unsafe-fixes)" : "suggestion"
            out += "<div class=\"fix\"><p>fix (\(how)): \(xml(fix.title))</p>"
            if let source = report.source(of: d), cells == nil, let diff = fixDiff(fix, source: source) {
                out += "<pre class=\"diff\">\(diff)</pre>"
            }
            out += "</div>\n"
        }
        return out + "</article>\n"
    }

    /// The lines the fix touches, before (`-`) and after (`+`), as escaped HTML; nil without edits.
    static func fixDiff(_ fix: Fix, source: SourceText) -> String? {
        guard let firstEdit = fix.edits.first, let lastEdit = fix.edits.last else { return nil }
        let starts = source.lineIndex.lineStarts
        let firstLine = source.position(of: min(firstEdit.range.lowerBound, source.byteCount)).line
        let lastLine = source.position(of: min(max(lastEdit.range.upperBound - 1, lastEdit.range.lowerBound), source.byteCount)).line
        let regionStart = starts[firstLine]
        let regionEnd = lastLine + 1 < starts.count ? starts[lastLine + 1] : source.byteCount
        let delta = fix.edits.reduce(0) { $0 + $1.replacement.count - ($1.range.upperBound - $1.range.lowerBound) }
        let fixed = fix.applied(to: source).bytes
        guard regionEnd + delta >= regionStart, regionEnd + delta <= fixed.count else { return nil }
        let before = String(decoding: source.bytes[regionStart..<regionEnd], as: UTF8.self)
        let after = String(decoding: fixed[regionStart..<(regionEnd + delta)], as: UTF8.self)
        func lines(_ text: String, _ sign: String, _ cls: String) -> String {
            var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if parts.last == "" { parts.removeLast() }
            return parts.map { "<span class=\"\(cls)\">\(sign) \(xml($0))</span>\n" }.joined()
        }
        return lines(before, "-", "del") + lines(after, "+", "ins")
    }

    static let htmlStyle = """
    :root{color-scheme:light dark;--fg:#1d2125;--bg:#fff;--muted:#5c6670;--box:#eef3f8;--line:#33414f;--hot:#c0392b;--border:#d0d7de}
    @media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#16191d;--muted:#9aa4ae;--box:#243140;--line:#b8c4d0;--hot:#ff6b5b;--border:#3a434d}}
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:72rem;padding:1rem}
    code,pre,kbd,.where{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:13px}
    h1{margin:.2rem 0}h2{border-bottom:1px solid var(--border);padding-bottom:.2rem;word-break:break-all}
    h3{margin:1rem 0 .4rem}h4{font-weight:normal;margin:0 0 .4rem}
    .count{display:inline-block;min-width:1.4em;padding:0 .4em;border-radius:1em;background:var(--box);color:var(--muted);font-size:80%;text-align:center}
    table.rules{border-collapse:collapse;margin:.5rem 0}table.rules td,table.rules th{border:1px solid var(--border);padding:.15rem .6rem;text-align:left}
    nav ul{columns:2;padding-left:1.2rem}nav li{overflow-wrap:anywhere;break-inside:avoid}@media (max-width:700px){nav ul{columns:1}}
    .finding{border:1px solid var(--border);border-radius:6px;padding:.6rem .8rem;margin:.6rem 0;break-inside:avoid}
    .finding:focus{outline:3px solid #3b82f6;outline-offset:2px}
    .where{font-weight:600}.message{display:block;margin-top:.2rem}
    pre{overflow-x:auto;background:var(--box);padding:.4rem .6rem;border-radius:4px;margin:.4rem 0}
    .line.flagged{display:inline-block;min-width:100%;background:rgba(192,57,43,.15)}.ln{display:inline-block;min-width:3ch;text-align:right;color:var(--muted);user-select:none}
    figure.graph{margin:.4rem 0;overflow-x:auto}figcaption{color:var(--muted);font-size:90%}
    svg.path-graph{max-width:100%;height:auto;font:12px ui-monospace,Menlo,Consolas,monospace}
    svg .obj rect{fill:var(--box);stroke:var(--line);stroke-width:1.2}svg .obj text{fill:var(--fg)}
    svg .obj.kind-frame rect{stroke-dasharray:4 2}svg .obj.kind-bound-method rect,svg .obj.kind-function rect{rx:12px}
    svg .edge path{fill:none;stroke:var(--line);stroke-width:1.4}svg marker.head path{fill:var(--line)}svg marker.head.closing path{fill:var(--hot)}svg .edge text{fill:var(--muted)}
    svg .edge.closing path{stroke:var(--hot);stroke-width:2.6}svg .edge.closing text{fill:var(--hot);font-weight:bold}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}dt{color:var(--muted)}dd{margin:0}
    .diff .del{color:#b31d28}.diff .ins{color:#22863a}
    kbd{border:1px solid var(--border);border-radius:3px;padding:0 .3em}
    @media print{body{max-width:none;font-size:11pt}nav,.summary kbd{display:none}.finding{border-color:#999}pre{white-space:pre-wrap}a{color:inherit}}
    """

    /// j / k move the focus to the next / previous finding.
    static let htmlScript = """
    (function(){var f=Array.prototype.slice.call(document.querySelectorAll('.finding'));document.addEventListener('keydown',function(e){if(e.target&&(e.target.tagName==='INPUT'||e.target.tagName==='TEXTAREA')||e.ctrlKey||e.metaKey||e.altKey)return;var d=e.key==='j'?1:e.key==='k'?-1:0;if(!d||!f.length)return;var i=f.indexOf(document.activeElement);i=i<0?(d>0?0:f.length-1):Math.max(0,Math.min(f.length-1,i+d));f[i].focus();f[i].scrollIntoView({block:'nearest'});e.preventDefault();});})();
    """
}
