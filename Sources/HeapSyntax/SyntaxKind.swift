/// The kinds of node in tree-sitter-python 0.23.6, named as the grammar names them.
///
/// Anonymous tokens (`=`, `(`, keywords) share `.token`; their text is in the source. The raw value
/// is the grammar's node name, so a kind is mapped from the grammar once per process (`SymbolTable`).
public enum SyntaxKind: String, Sendable, CaseIterable {
    // Structure
    case module, block, comment, error = "ERROR", token
    case expressionStatement = "expression_statement"
    // Definitions
    case functionDefinition = "function_definition", classDefinition = "class_definition"
    case decoratedDefinition = "decorated_definition", decorator
    case parameters, lambdaParameters = "lambda_parameters", parameter
    case defaultParameter = "default_parameter", typedParameter = "typed_parameter"
    case typedDefaultParameter = "typed_default_parameter"
    case listSplatPattern = "list_splat_pattern", dictionarySplatPattern = "dictionary_splat_pattern"
    case keywordSeparator = "keyword_separator", positionalSeparator = "positional_separator"
    case typeParameter = "type_parameter", type
    // Statements
    case assignment, augmentedAssignment = "augmented_assignment"
    case returnStatement = "return_statement", deleteStatement = "delete_statement"
    case passStatement = "pass_statement", breakStatement = "break_statement"
    case continueStatement = "continue_statement", raiseStatement = "raise_statement"
    case assertStatement = "assert_statement", globalStatement = "global_statement"
    case nonlocalStatement = "nonlocal_statement", importStatement = "import_statement"
    case importFromStatement = "import_from_statement", futureImportStatement = "future_import_statement"
    case aliasedImport = "aliased_import", dottedName = "dotted_name", relativeImport = "relative_import"
    case wildcardImport = "wildcard_import", importPrefix = "import_prefix"
    case ifStatement = "if_statement", elifClause = "elif_clause", elseClause = "else_clause"
    case forStatement = "for_statement", whileStatement = "while_statement"
    case tryStatement = "try_statement", exceptClause = "except_clause"
    case exceptGroupClause = "except_group_clause", finallyClause = "finally_clause"
    case withStatement = "with_statement", withClause = "with_clause", withItem = "with_item"
    case matchStatement = "match_statement", caseClause = "case_clause"
    case typeAliasStatement = "type_alias_statement", printStatement = "print_statement"
    case execStatement = "exec_statement"
    // Expressions
    case identifier, attribute, call, argumentList = "argument_list"
    case keywordArgument = "keyword_argument", `subscript`, slice
    case lambda, await, yield, string, concatenatedString = "concatenated_string"
    case stringStart = "string_start", stringContent = "string_content", stringEnd = "string_end"
    case interpolation, integer, float, `true`, `false`, none, ellipsis
    case list, tuple, set, dictionary, pair
    case listComprehension = "list_comprehension", setComprehension = "set_comprehension"
    case dictionaryComprehension = "dictionary_comprehension", generatorExpression = "generator_expression"
    case forInClause = "for_in_clause", ifClause = "if_clause"
    case listSplat = "list_splat", dictionarySplat = "dictionary_splat"
    case parenthesizedListSplat = "parenthesized_list_splat"
    case parenthesizedExpression = "parenthesized_expression", expressionList = "expression_list"
    case patternList = "pattern_list", tuplePattern = "tuple_pattern", listPattern = "list_pattern"
    case binaryOperator = "binary_operator", unaryOperator = "unary_operator"
    case booleanOperator = "boolean_operator", notOperator = "not_operator"
    case comparisonOperator = "comparison_operator", conditionalExpression = "conditional_expression"
    case namedExpression = "named_expression", asPattern = "as_pattern", asPatternTarget = "as_pattern_target"
    case other
}

/// Field names of the grammar (`function`, `arguments`, `left`, ...), mapped once per process.
public enum SyntaxField: String, Sendable, CaseIterable {
    case alias, alternative, argument, arguments, attribute, body, cause, code, condition, consequence
    case definition, expression, function, `guard`, key, left, name, object, `operator`, operators
    case parameters, right, subject, `subscript`, superclasses, type, value
    case moduleName = "module_name", returnType = "return_type", typeParameters = "type_parameters"
    case formatSpecifier = "format_specifier", typeConversion = "type_conversion"
    case none
}

extension SyntaxKind {
    /// The case's position in declaration order: a dense index for tables (the tree's kind index).
    /// A payload-free enum is stored as its case number, which the ordinal test checks against `allCases`.
    @inlinable public var ordinal: UInt8 { unsafeBitCast(self, to: UInt8.self) }
    /// The kind of ordinal `ordinal`, which must be below `ordinalCount` (the flattener only writes those).
    @inlinable init(ordinal: UInt8) { self = unsafeBitCast(ordinal, to: SyntaxKind.self) }
    public static let ordinalCount = allCases.count
}

extension SyntaxField {
    /// The case's position in declaration order, as the flattener stores it.
    @inlinable public var ordinal: UInt8 { unsafeBitCast(self, to: UInt8.self) }
    @inlinable init(ordinal: UInt8) { self = unsafeBitCast(ordinal, to: SyntaxField.self) }
    public static let ordinalCount = allCases.count
}
