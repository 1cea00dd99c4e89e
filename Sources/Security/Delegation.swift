/// Calls a gateway makes for the holder of an API token: the call's metadata names the
/// principal and the role its token has; a service checks the call against that role and
/// its handler sees the caller as `<principal>@<gateway key name>` (e.g. the agent of a
/// care claim is "alice@gateway"). Only a key with role ``Role/gateway`` may do this;
/// any other key's metadata is ignored, so no client can claim another identity.
public enum Delegation {
    /// Metadata key: the principal's name (an API token's name).
    public static let principalKey = "earshot-on-behalf-of"
    /// Metadata key: the principal's role (reader, publisher, editor or admin).
    public static let roleKey = "earshot-on-behalf-role"
    /// The roles a gateway may call for.
    public static let delegableRoles: Set<Role> = [.reader, .publisher, .editor, .admin]

    /// A gateway's call that names no valid principal.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The identity and role a call from the key `entry` runs as: the key's own, or,
    /// for a gateway naming a principal in `metadata`, `<principal>@<gateway>` with the principal's role.
    public static func caller(_ entry: AllowList.Entry, metadata: [String: String]) throws(Refusal) -> (identity: String, role: Role) {
        guard entry.role == .gateway, let principal = metadata[principalKey] else { return (entry.name, entry.role) }
        guard !principal.isEmpty, principal.utf8.count <= 100, !principal.contains("@") else {
            throw Refusal(description: "gateway '\(entry.name)' names an invalid principal (1 to 100 bytes, no '@')")
        }
        guard let role = metadata[roleKey].flatMap(Role.init(rawValue:)), delegableRoles.contains(role) else {
            throw Refusal(description: "gateway '\(entry.name)' calls for '\(principal)' without a role it may delegate (\(delegableRoles.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        return ("\(principal)@\(entry.name)", role)
    }
}
