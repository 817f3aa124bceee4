import Configuration
import Foundation
import Yams

/// The config file's values for `ConfigReader`, built from the document ``SettingsLoader`` has
/// already composed, so the file is read and parsed once.
///
/// It answers as swift-configuration's `FileProvider<YAMLSnapshot>` does: nested mappings are
/// dotted keys (`providers.openai.base_url`), a value is a scalar or a sequence of scalars, and a
/// scalar is converted to the type asked for when it is read (`Int`, `Double` as YAML writes
/// them, `Bool` from an unquoted true/yes/on/false/no/off). It differs in one way that matters
/// for start-up: the document is composed with Yams' basic resolver, which tags nothing. Yams'
/// default resolver compiles eight regular expressions on first use (ICU's regex engine builds its
/// Unicode sets then), which cost every command a third of its settings time; a type is only
/// needed when a value is read, and the reader says which.
struct YAMLConfigProvider: ConfigProvider, ConfigSnapshot {
    let providerName: String
    private let values: [String: Entry]

    /// A scalar's text, and whether it was written unquoted (only then can it be a boolean).
    private struct Text: Sendable {
        var string: String
        var isPlain: Bool

        init(_ scalar: Node.Scalar) {
            string = scalar.string
            isPlain = scalar.style == .plain || scalar.style == .any
        }

        /// For Yams' number parsing, which reads the text and refuses quoted numbers.
        var scalar: Node.Scalar { Node.Scalar(string, .implicit, isPlain ? .plain : .doubleQuoted) }
    }

    private struct Entry: Sendable {
        enum Value: Sendable {
            case scalar(Text)
            case sequence([Text])
        }
        var value: Value
        var isSecret: Bool
    }

    /// A key the file cannot give the way it is asked for, or a document the reader cannot use.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// Flattens `mapping` into dotted keys; `isSecret` marks values that are never printed
    /// (decided by the dotted key).
    init(mapping: Node.Mapping, name: String, isSecret: (String) -> Bool) throws {
        var values: [String: Entry] = [:]
        var pending: [([String], Node, Node)] = mapping.map { ([], $0.key, $0.value) }
        while !pending.isEmpty {
            let (prefix, keyNode, node) = pending.removeFirst()
            guard case .scalar(let keyScalar) = keyNode else {
                throw Problem(description: "a key under '\(prefix.joined(separator: "."))' is not a string")
            }
            let path = prefix + [keyScalar.string]
            let key = path.joined(separator: ".")
            switch node {
            case .mapping(let nested):
                pending.append(contentsOf: nested.map { (path, $0.key, $0.value) })
            case .scalar(let scalar):
                values[key] = Entry(value: .scalar(Text(scalar)), isSecret: isSecret(key))
            case .sequence(let sequence):
                var scalars: [Text] = []
                for (index, item) in sequence.enumerated() {
                    guard case .scalar(let scalar) = item else {
                        throw Problem(description: "item \(index) of '\(key)' is not a single value")
                    }
                    scalars.append(Text(scalar))
                }
                values[key] = Entry(value: .sequence(scalars), isSecret: isSecret(key))
            case .alias:
                throw Problem(description: "'\(key)' is an alias, which the configuration does not read")
            }
        }
        self.providerName = name
        self.values = values
    }

    func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        let encoded = key.components.joined(separator: ".")
        guard let entry = values[encoded] else { return LookupResult(encodedKey: encoded, value: nil) }
        func mismatch() -> Problem { Problem(description: "'\(encoded)' is not \(type)") }
        func scalar() throws -> Text {
            guard case .scalar(let text) = entry.value else { throw mismatch() }
            return text
        }
        func sequence<T>(_ convert: (Text) -> T?) throws -> [T] {
            guard case .sequence(let items) = entry.value else { throw mismatch() }
            return try items.map { item in
                guard let converted = convert(item) else { throw mismatch() }
                return converted
            }
        }
        let content: ConfigContent
        switch type {
        case .string: content = .string(try scalar().string)
        case .int: content = .int(try Int.construct(from: scalar().scalar).orThrow(mismatch()))
        case .double: content = .double(try Double.construct(from: scalar().scalar).orThrow(mismatch()))
        case .bool: content = .bool(try Self.bool(scalar()).orThrow(mismatch()))
        case .bytes: content = .bytes(try Self.bytes(scalar().string).orThrow(mismatch()))
        case .stringArray: content = .stringArray(try sequence { $0.string })
        case .intArray: content = .intArray(try sequence { Int.construct(from: $0.scalar) })
        case .doubleArray: content = .doubleArray(try sequence { Double.construct(from: $0.scalar) })
        case .boolArray: content = .boolArray(try sequence(Self.bool))
        case .byteChunkArray: content = .byteChunkArray(try sequence { Self.bytes($0.string) })
        }
        return LookupResult(encodedKey: encoded, value: ConfigValue(content, isSecret: entry.isSecret))
    }

    func fetchValue(forKey key: AbsoluteConfigKey, type: ConfigType) async throws -> LookupResult {
        try value(forKey: key, type: type)
    }

    nonisolated(nonsending) func watchValue<Return: ~Copyable>(
        forKey key: AbsoluteConfigKey,
        type: ConfigType,
        updatesHandler:
            nonisolated(nonsending) (ConfigUpdatesAsyncSequence<Result<LookupResult, any Error>, Never>) async throws
            -> Return
    ) async throws -> Return {
        try await watchValueFromValue(forKey: key, type: type, updatesHandler: updatesHandler)
    }

    func snapshot() -> any ConfigSnapshot { self }

    nonisolated(nonsending) func watchSnapshot<Return: ~Copyable>(
        updatesHandler:
            nonisolated(nonsending) (ConfigUpdatesAsyncSequence<any ConfigSnapshot, Never>) async throws -> Return
    ) async throws -> Return {
        try await watchSnapshotFromSnapshot(updatesHandler: updatesHandler)
    }

    /// YAML 1.1's booleans, unquoted only (a quoted "true" is a string), as Yams reads them.
    private static func bool(_ text: Text) -> Bool? {
        guard text.isPlain else { return nil }
        switch text.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// Bytes are written in base64, as swift-configuration's default decoder reads them.
    private static func bytes(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }
}

extension Optional {
    fileprivate func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
