import SQLKit

extension SQLQueryString {
    /// Ends a `… WHERE …` query with one page in `column` order: the rows after `afterId` (the last
    /// id of the previous page), at most `limit` of them. `column` is the query's own text, never input.
    mutating func appendPage(after afterId: String?, column: String = "id", limit: Int) {
        if let afterId {
            appendLiteral(" AND \(column) > ")
            appendInterpolation(bind: afterId)
        }
        appendLiteral(" ORDER BY \(column) LIMIT ")
        appendInterpolation(bind: limit)
    }
}

extension SQLQueryString {
    /// ``appendPage(after:column:limit:)`` in descending order: the rows before `beforeId` (the
    /// last id of the previous page), newest first where ids begin with their time.
    mutating func appendPage(before beforeId: String?, column: String = "id", limit: Int) {
        if let beforeId {
            appendLiteral(" AND \(column) < ")
            appendInterpolation(bind: beforeId)
        }
        appendLiteral(" ORDER BY \(column) DESC LIMIT ")
        appendInterpolation(bind: limit)
    }
}
