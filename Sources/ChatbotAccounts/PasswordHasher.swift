import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt password hashing, run on `NIOThreadPool` so that the ~quarter second a hash takes never
/// blocks Swift's cooperative pool (or an event loop).
///
/// bcrypt reads at most 72 bytes and stops at a NUL, so the password is first reduced to
/// base64(HMAC-SHA-256) (44 ASCII characters): every character of a 128-character password counts,
/// and no two passwords share a hash by truncation.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost (log2 rounds). 12 outside tests.
    let cost: UInt8
    private let dummy: DummyHash
    private let verified = VerificationCount()

    /// How many bcrypt verifications this hasher has run: the unknown-user path must run one too
    /// (the tests check the work done rather than the time it takes).
    var verifications: Int { verified.value }

    /// A hasher at cost 12.
    public init() {
        self.init(cost: 12)
    }

    /// A hasher at `cost` (4 to 31; each step doubles the work). Production keeps 12 or more; tests
    /// use a low cost to stay fast.
    public init(cost: UInt8) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = cost
        self.dummy = DummyHash()
    }

    /// The bcrypt hash of `password` (after ``PasswordPolicy`` has accepted it).
    public func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    /// Whether `password` matches `hash`. With no hash (an unknown user, or one without a
    /// password) it checks against a dummy hash of the same cost and answers `false`, so that both
    /// cases take as long as a wrong password.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let input = Self.prehash(password)
        let target: String
        if let hash {
            target = hash
        } else {
            target = try await dummy.value(cost: cost)
        }
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: target) }
        verified.increment()
        return hash != nil && matches
    }

    /// Computes the dummy hash now, so the first unknown user does not take twice as long as a
    /// wrong password. The server calls it at start-up.
    public func prepare() async throws {
        _ = try await dummy.value(cost: cost)
    }

    /// The dummy hash unknown users are checked against (made on first use).
    func dummyHash() async throws -> String {
        try await dummy.value(cost: cost)
    }

    /// base64(HMAC-SHA-256(key: fixed label, password)): fixed length, ASCII, no NUL.
    static func prehash(_ password: String) -> String {
        let key = SymmetricKey(data: Data("chatbot password v1".utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: key)
        return Data(mac).base64EncodedString()
    }
}

/// A bcrypt hash of a random string, made once per hasher on first use.
private final class DummyHash: Sendable {
    private let hash = Mutex<String?>(nil)

    func value(cost: UInt8) async throws -> String {
        if let hash = hash.withLock({ $0 }) { return hash }
        let secret = SecretHashing.randomHex(bytes: 16)
        let made = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(secret, cost: cost) }
        return hash.withLock { stored in
            if let stored { return stored }
            stored = made
            return made
        }
    }
}

/// A count shared by the copies of one hasher.
private final class VerificationCount: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func increment() { count.withLock { $0 += 1 } }
}
