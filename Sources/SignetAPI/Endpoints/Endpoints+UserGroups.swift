extension Endpoints {
    // MARK: User groups: people given roles together

    /// `GET /auth/user-groups` (paginated).
    public static let listUserGroups = Endpoint<NoBody, ListResponse<UserGroup>>(
        "listUserGroups",
        .GET,
        "/auth/user-groups",
        operation: "Auth:UserGroups:Read",
        rate: .read
    )
    /// `POST /auth/user-groups`.
    public static let createUserGroup = Endpoint<CreateUserGroupRequest, UserGroup>(
        "createUserGroup",
        .POST,
        "/auth/user-groups",
        signed: true,
        operation: "Auth:UserGroups:Create",
        rate: .write
    )
    /// `GET /auth/user-groups/{userGroupId}`.
    public static let getUserGroup = Endpoint<NoBody, UserGroup>(
        "getUserGroup",
        .GET,
        "/auth/user-groups/{userGroupId}",
        operation: "Auth:UserGroups:Read",
        rate: .read
    )
    /// `PUT /auth/user-groups/{userGroupId}`: its name or description.
    public static let updateUserGroup = Endpoint<UpdateUserGroupRequest, UserGroup>(
        "updateUserGroup",
        .PUT,
        "/auth/user-groups/{userGroupId}",
        signed: true,
        operation: "Auth:UserGroups:Update",
        rate: .write
    )
    /// `DELETE /auth/user-groups/{userGroupId}`: its memberships and role assignments go with it.
    public static let deleteUserGroup = Endpoint<NoBody, EmptyResponse>(
        "deleteUserGroup",
        .DELETE,
        "/auth/user-groups/{userGroupId}",
        signed: true,
        operation: "Auth:UserGroups:Delete",
        rate: .write,
        note: "refused when it would leave no active full administrator"
    )
    /// `GET /auth/user-groups/{userGroupId}/members` (paginated): users, as `GET /auth/users` lists them.
    public static let listUserGroupMembers = Endpoint<NoBody, ListResponse<UserInfo>>(
        "listUserGroupMembers",
        .GET,
        "/auth/user-groups/{userGroupId}/members",
        operation: "Auth:UserGroups:Members:Read",
        rate: .read,
        note: "and Auth:Users:Read (the members are shown as users)"
    )
    /// `POST /auth/user-groups/{userGroupId}/members`.
    public static let addUserGroupMembers = Endpoint<UserGroupMembersRequest, EmptyResponse>(
        "addUserGroupMembers",
        .POST,
        "/auth/user-groups/{userGroupId}/members",
        signed: true,
        operation: "Auth:UserGroups:Members:Add",
        rate: .write,
        note: "the caller must hold every operation the group's roles grant; people only, not service accounts"
    )
    /// `DELETE /auth/user-groups/{userGroupId}/members`.
    public static let removeUserGroupMembers = Endpoint<UserGroupMembersRequest, EmptyResponse>(
        "removeUserGroupMembers",
        .DELETE,
        "/auth/user-groups/{userGroupId}/members",
        signed: true,
        operation: "Auth:UserGroups:Members:Remove",
        rate: .write,
        note: "refused when it would leave no active full administrator"
    )

    static let userGroups: [EndpointRule] = [
        listUserGroups.rule, createUserGroup.rule, getUserGroup.rule, updateUserGroup.rule, deleteUserGroup.rule,
        listUserGroupMembers.rule, addUserGroupMembers.rule, removeUserGroupMembers.rule,
    ]
}
