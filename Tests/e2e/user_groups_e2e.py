"""The user-groups part of the end-to-end test, through dfns_sdk's generated auth client: a role
given to a group reaches a member on their next request and leaves with them."""


def run(check, expect_error, admin, member_client, member_id):
    expect_error(403, "before joining, the member cannot read users", lambda: member_client.auth.list_users())
    reader = admin.permissions.create_permission({"name": "group-readers", "operations": ["Auth:Users:Read"]})
    group = admin.auth.create_user_group({"name": "Readers", "description": "read the directory"})
    check(group["id"].startswith("ug-") and group["memberCount"] == 0 and group["name"] == "Readers",
          "create_user_group answers the group")
    admin.permissions.assign_permission(reader["id"], {"identityId": group["id"]})
    check(admin.auth.add_user_group_members(group["id"], {"userIds": [member_id]}) in (None, {}),
          "add_user_group_members answers an empty body")
    check(len(member_client.auth.list_users()["items"]) >= 2, "the member reads users through the group's role")
    check([m["userId"] for m in admin.auth.list_user_group_members(group["id"])["items"]] == [member_id],
          "list_user_group_members lists the member")
    check(admin.auth.get_user_group(group["id"])["memberCount"] == 1, "get_user_group counts the member")
    check(any(g["id"] == group["id"] for g in admin.auth.list_user_groups()["items"]), "list_user_groups lists it")
    updated = admin.auth.update_user_group(group["id"], {"name": "Directory readers"})
    check(updated["name"] == "Directory readers" and updated["description"] == "read the directory",
          "update_user_group renames and keeps what was left out")
    admin.auth.remove_user_group_members(group["id"], {"userIds": [member_id]})
    expect_error(403, "the member's next request after leaving", lambda: member_client.auth.list_users())
    admin.auth.add_user_group_members(group["id"], {"userIds": [member_id]})
    admin.auth.delete_user_group(group["id"])
    expect_error(403, "the member's next request after the group was deleted", lambda: member_client.auth.list_users())
    expect_error(404, "a deleted group", lambda: admin.auth.get_user_group(group["id"]))
