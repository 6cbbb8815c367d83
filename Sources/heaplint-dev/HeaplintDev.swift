import ArgumentParser

/// heaplint's developer tool (never shipped: the wheel and `make dist` build only the `heaplint` product).
/// It keeps the files derived from the rule sources in step with them, so adding a rule is one rule
/// file and one fixture (docs/modules.md, "Adding a rule").
@main
struct HeaplintDev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heaplint-dev",
        abstract: "Developer commands for heaplint's sources.",
        subcommands: [Register.self, NewRule.self])
}
