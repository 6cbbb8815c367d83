// What the front ends need to know about the rules, without importing the rules layer: the registry
// (`heaplint rule`, the server's hover text and `select` validation), a rule's metadata and examples, and
// the CPython versions a configuration can name. Re-exported declaration by declaration, so these names
// are the whole surface; docs/modules.md lists which targets a front end may import.
@_exported import protocol HeapRules.Rule
@_exported import struct HeapRules.RuleMetadata
@_exported import enum HeapRules.RuleRegistry
@_exported import struct HeapRules.UnusedSuppression
@_exported import enum HeapModel.TargetVersion
// The front ends set every parser's budget (`--parse-timeout`, HEAPLINT_PARSE_TIMEOUT) at start-up.
@_exported import struct HeapSyntax.ParseBudget
@_exported import class HeapSyntax.PythonParser
