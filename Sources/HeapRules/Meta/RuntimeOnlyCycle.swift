/// HL004: a reference cycle that `heaplint verify` saw at run time and no static finding matched.
/// Produced by `verify` from the run-time report (there is nothing in the tree to check), so `check`
/// reports nothing itself; the metadata documents the code.
public struct RuntimeOnlyCycle: Rule {
    public static let metadata = RuleMetadata(
        code: "HL004", name: "runtime-only-cycle", family: .meta, status: .stable, severity: .warning,
        summary: "A reference cycle seen at run time (`heaplint verify`) that static analysis did not find.",
        doc: RuleDoc(
            whatItFinds: "Cyclic garbage that the program really left for CPython's cyclic collector while `heaplint verify` ran it, which no HL1/HL2 finding of `heaplint check` accounts for. The report gives the reference path around the cycle, with each slot named as CPython names it (`.attr`, `[0]`, `['key']`, `.__self__`, `.cell_contents`, `.__traceback__`, `.tb_frame`, `.f_locals['name']`), and the source lines that allocated its objects.",
            whyItMatters: "Reference counting cannot free a cycle: its objects, and everything they refer to, stay alive until the collector's next pass over the generation the cycle has reached, and for ever while the collector is disabled. The static model missed this one, so nothing else will point at it.",
            example: "A cycle built through a path the model does not follow, e.g. `setattr(obj, name, obj)` with a computed name, or objects linked by library code.",
            useInstead: "Break the cycle where the path says it closes: hold the back reference through `weakref.ref`/`weakref.proxy`, clear it when done (`= None`, `del`), or avoid storing the object on something it reaches.",
            whenItsFine: "Cycles made once at start-up that live as long as the process anyway. Interpreter and library bookkeeping is filtered out before the report (see the README's `heaplint verify` section)."),
        examples: [])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] { [] }
}
