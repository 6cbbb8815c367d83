// The value types a `Diagnostic` carries, re-exported one by one so a front end that imports
// HeapDiagnostics can read and rebuild findings (the server shifts them after a comment edit) without
// importing the rules layer. Only these declarations are re-exported, not the module: a front end that
// reached for a rule's internals or the heap model would still fail to compile.
@_exported import struct HeapRules.Finding
@_exported import struct HeapRules.Fix
@_exported import enum HeapRules.Severity
// A cycle's lifetime (per call, once per process, ...): the server shows it in hovers and as hint severity.
@_exported import struct HeapSemantics.CycleLifetime
