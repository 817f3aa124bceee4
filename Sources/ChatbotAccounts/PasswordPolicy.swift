/// What a password must be: 10 to 128 characters. No composition rules (NIST SP 800-63B).
public enum PasswordPolicy {
    /// The shortest accepted password, in characters.
    public static let minimumLength = 10
    /// The longest accepted password, in characters.
    public static let maximumLength = 128

    /// Checks `password` against the policy.
    ///
    /// - Throws: ``ChatbotError`` (`.usage`) saying which bound it misses.
    public static func validate(_ password: String) throws {
        let length = password.count
        if length < minimumLength {
            throw AccountsFailure.usage(
                "the password is too short (\(length) characters)",
                hint: "use at least \(minimumLength) characters; a few random words work well")
        }
        if length > maximumLength {
            throw AccountsFailure.usage(
                "the password is too long (\(length) characters)", hint: "use at most \(maximumLength) characters")
        }
    }
}
