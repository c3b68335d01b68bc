import Foundation
import Hummingbird
import SignetCore

/// `limit` and `paginationToken` of the paged lists; the token is the base64url of the last id seen.
struct Pagination: Sendable {
    static let defaultLimit = 100
    static let maximumLimit = 500

    let limit: Int
    let afterId: String?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let text = query.get("limit") {
            guard let value = QueryValues.limit(text, maximum: Self.maximumLimit) else {
                throw APIError.badRequest("limit must be an integer between 1 and \(Self.maximumLimit)")
            }
            limit = value
        } else {
            limit = Self.defaultLimit
        }
        if let token = query.get("paginationToken"), !token.isEmpty {
            guard let id = QueryValues.pageToken(token) else {
                throw APIError.badRequest("paginationToken is not one this server issued")
            }
            afterId = id
        } else {
            afterId = nil
        }
    }

    /// Fetches one more than the page to know whether another page exists.
    var fetchLimit: Int { limit + 1 }

    /// The page and the token for the next one.
    func page<Item>(_ items: [Item], id: (Item) -> String) -> (items: [Item], nextPageToken: String?) {
        guard items.count > limit else { return (items, nil) }
        let page = Array(items.prefix(limit))
        return (page, page.last.map { Base64URL.encode(id($0)) })
    }
}
