/// The user the command line acts as: one real row in `users`, which owns every conversation,
/// collection and document created before accounts existed (the `owner_id` column default).
///
/// The row is created on first use by ``AccountService/ensureLocalUser()``. It has no password,
/// so nobody can log in as it over the network; an admin may give it one with `chatbot users passwd`.
public enum LocalUser {
    /// The fixed id of the local user: the default of every `owner_id` column.
    public static let id = "00000000-0000-0000-0000-000000000000"
    /// Its name.
    public static let name = "local"
}
