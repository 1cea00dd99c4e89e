import CSodium

/// The signature of a webhook delivery, as Stripe and GitHub sign theirs: HMAC-SHA256,
/// keyed by the subscription's secret, over `"<timestamp>.<body>"` (the Unix seconds of
/// the attempt, a dot, the exact body bytes), sent as
/// `Earshot-Signature: t=<timestamp>,v1=<hex digest>`. A receiver recomputes the digest
/// from the raw body and refuses old timestamps (replays); docs/HTTP-API.md has the snippet.
public enum WebhookSignature {
    /// The header that carries the signature.
    public static let header = "Earshot-Signature"
    /// Timestamps further than this from the receiver's clock are refused by ``verify(header:secret:body:nowSeconds:toleranceSeconds:)``.
    public static let defaultToleranceSeconds: Int64 = 300

    /// HMAC-SHA256 of `message` keyed by `key` (any length), as 64 lowercase hex digits.
    public static func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
        var state = crypto_auth_hmacsha256_state()
        var digest = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &digest)
        return digest.map { byte in
            let hex = Array("0123456789abcdef")
            return String([hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }.joined()
    }

    /// The header value of `body` signed with `secret` at `timestampSeconds`.
    public static func sign(secret: String, timestampSeconds: Int64, body: [UInt8]) -> String {
        "t=\(timestampSeconds),v1=" + hmacSHA256Hex(key: Array(secret.utf8), message: Array("\(timestampSeconds).".utf8) + body)
    }

    /// Why a signature was refused.
    public enum Refusal: Error, Equatable {
        case malformedHeader, staleTimestamp, mismatch
    }

    /// Checks a received header against the body as received: the timestamp must be within
    /// `toleranceSeconds` of `nowSeconds` and one `v1=` digest must match (compared in constant time).
    public static func verify(header: String, secret: String, body: [UInt8], nowSeconds: Int64,
                              toleranceSeconds: Int64 = defaultToleranceSeconds) throws(Refusal) {
        var timestamp: Int64?
        var digests: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw .malformedHeader }
            switch pair[0].trimmingCharactersOfSpace() {
            case "t": timestamp = Int64(pair[1])
            case "v1": digests.append(String(pair[1]))
            default: continue
            }
        }
        guard let timestamp, !digests.isEmpty else { throw .malformedHeader }
        guard abs(nowSeconds - timestamp) <= toleranceSeconds else { throw .staleTimestamp }
        let expected = Array(hmacSHA256Hex(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body).utf8)
        guard digests.contains(where: { constantTimeEqual(Array($0.utf8), expected) }) else { throw .mismatch }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Substring {
    fileprivate func trimmingCharactersOfSpace() -> Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
