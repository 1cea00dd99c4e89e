import CZeroMQ

/// A CURVE key pair in Z85 text (40 characters each), as `zmq_curve_keypair` makes them.
///
/// The secret key is kept out of ``description`` so that printing or logging
/// a key pair can never leak it.
public struct CurveKeyPair: Sendable, Equatable, CustomStringConvertible {
    public let publicKey: String
    public let secretKey: String

    /// Pairs `secretKey` with the public key libzmq derives from it
    /// (`zmq_curve_public`); nil when `secretKey` is not a Z85 CURVE key.
    public init?(secretKey: String) {
        guard let publicKey = Self.derivePublicKey(secretKey) else { return nil }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair.
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        _ = try zmqCall("zmq_curve_keypair") { zmq_curve_keypair(&publicText, &secretText) }
        return CurveKeyPair(secretKey: String(cString: secretText))!
    }

    /// Whether `text` is a Z85-encoded 32-byte key.
    public static func isValidKey(_ text: String) -> Bool {
        text.utf8.count == 40 && Z85.decode(text)?.count == 32
    }

    private static func derivePublicKey(_ secretKey: String) -> String? {
        guard isValidKey(secretKey) else { return nil }
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secretKey) == 0 else { return nil }
        return String(cString: publicText)
    }

    public var description: String { "CurveKeyPair(public: \(publicKey), secret: <redacted>)" }
}

/// ZeroMQ's Z85 text encoding of binary data (RFC 32/Z85), as libzmq implements it.
public enum Z85 {
    /// Encodes `bytes`, whose count must be a multiple of 4.
    public static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        var text = [CChar](repeating: 0, count: bytes.count * 5 / 4 + 1)
        guard zmq_z85_encode(&text, bytes, bytes.count) != nil else { return nil }
        return String(cString: text)
    }

    /// Decodes Z85 `text` (length a multiple of 5); nil when it is not Z85.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 5 == 0,
              characters.allSatisfy({ alphabet.contains($0) }) else { return nil }
        var bytes = [UInt8](repeating: 0, count: characters.count * 4 / 5)
        guard zmq_z85_decode(&bytes, text) != nil else { return nil }
        return bytes
    }

    private static let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
}
