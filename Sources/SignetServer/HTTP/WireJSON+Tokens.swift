import SignetAPI

// The answers of the token routes (every PAT write returns one), written by ``WireJSON``.

extension AccessToken: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        if let accessToken {
            json.key("accessToken")
            json.string(accessToken)
        }
        json.key("credId")
        json.string(credId)
        json.key("dateCreated")
        json.date(dateCreated)
        if let dateExpires {
            json.key("dateExpires")
            json.date(dateExpires)
        }
        if let dateLastUsed {
            json.key("dateLastUsed")
            json.date(dateLastUsed)
        }
        if let externalId {
            json.key("externalId")
            json.string(externalId)
        }
        json.key("isActive")
        json.bool(isActive)
        json.key("kind")
        json.string(kind.rawValue)
        if let lastUsedBy {
            json.key("lastUsedBy")
            json.array(lastUsedBy)
        }
        json.key("linkedAppId")
        json.string(linkedAppId)
        json.key("linkedUserId")
        json.string(linkedUserId)
        json.key("name")
        json.string(name)
        json.key("orgId")
        json.string(orgId)
        json.key("permissionAssignments")
        json.array(permissionAssignments)
        json.key("publicKey")
        json.string(publicKey)
        json.key("tokenId")
        json.string(tokenId)
        json.closeObject()
    }
}

extension PermissionAssignmentInfo: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("assignmentId")
        json.string(assignmentId)
        if let operations {
            json.key("operations")
            json.strings(operations)
        }
        json.key("permissionId")
        json.string(permissionId)
        json.key("permissionName")
        json.string(permissionName)
        if let userGroupId {
            json.key("userGroupId")
            json.string(userGroupId)
        }
        json.closeObject()
    }
}

extension TokenClient: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        if let address {
            json.key("address")
            json.string(address)
        }
        json.key("dateLastUsed")
        json.date(dateLastUsed)
        if let userAgent {
            json.key("userAgent")
            json.string(userAgent)
        }
        json.closeObject()
    }
}

extension ListResponse: WireJSONWritable where Item: WireJSONWritable {
    func write(to json: inout WireJSON) {
        json.openObject()
        json.key("items")
        json.array(items)
        if let nextPageToken {
            json.key("nextPageToken")
            json.string(nextPageToken)
        }
        json.closeObject()
    }
}
