import CSodium

/// A short, stable name for a public key in logs: the first 8 bytes of its
/// BLAKE2b hash in hex, e.g. "4f0c9a11d2e3b7c8".
public enum KeyFingerprint {
    public static func of(_ key: [UInt8]) -> String {
        var hash = [UInt8](repeating: 0, count: 32)
        _ = crypto_generichash(&hash, hash.count, key, UInt64(key.count), nil, 0)
        return hash.prefix(8).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
