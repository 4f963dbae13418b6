import Foundation
import Logging
import PostgresNIO

/// When binding a tracker to a vehicle needs its claim code.
public enum DeviceClaimPolicy: String, Sendable, CaseIterable {
    /// Devices with an issued code need it; others bind as before.
    case issued
    /// Every device needs an issued code.
    case required
}

/// Why a claim was refused.
public enum DeviceClaimRefusal: Error, Equatable, CustomStringConvertible {
    /// No code given where one is needed.
    case codeRequired(String)
    /// The code is not this device's (or no code was issued for it).
    case wrongCode(String)
    /// Too many wrong codes lately; retry after this many seconds.
    case locked(String, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .codeRequired(let id):
            "GPS device \(id) needs its claim code (claimCode): the code printed for it by the operator"
        case .wrongCode(let id): "the claim code does not match GPS device \(id)"
        case .locked(let id, let seconds): "too many wrong claim codes for GPS device \(id); try again in \(seconds) s"
        }
    }
}

/// Device claim codes in `device_claim_codes`: issued by the operator, checked before a device is bound.
public struct DeviceClaims: Sendable {
    public let client: PostgresClient
    public let policy: DeviceClaimPolicy
    public let logger: Logger
    /// Wrong codes for one device before it is locked, and for how long.
    public static let maxFailures = 5
    public static let lockSeconds = 900

    public init(client: PostgresClient, policy: DeviceClaimPolicy, logger: Logger) {
        self.client = client
        self.policy = policy
        self.logger = logger
    }

    /// Issues a new code for `device` (replacing an older one, claimed or not) and returns it: the only
    /// time it is seen.
    public func issue(device: String, issuedBy: String) async throws -> String {
        let code = ClaimCode.generate()
        let digest = ClaimCode.digest(device: device, code: ClaimCode.normalized(code)!)
        try await client.query(
            """
            INSERT INTO device_claim_codes (unique_id, code_hash, issued_by) VALUES (\(device), \(Data(digest)), \(issuedBy))
            ON CONFLICT (unique_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, issued_by = EXCLUDED.issued_by, issued_at = now(),
                claimed_by = NULL, claimed_at = NULL, failed_attempts = 0, last_failure_at = NULL
            """, logger: logger)
        return code
    }

    /// Checks that `user` may bind `device` with `code`; throws a ``DeviceClaimRefusal`` otherwise.
    /// Wrong codes are counted (and lock the device for a while) outside any caller's transaction.
    /// Returns whether the device has a code (then ``claimed(device:by:)`` records the binding).
    @discardableResult
    public func verify(device: String, code: String?, user: String) async throws -> Bool {
        var row: (Data, String?, Int, Date?)?
        for try await r in try await client.query(
            "SELECT code_hash, claimed_by, failed_attempts, last_failure_at FROM device_claim_codes WHERE unique_id = \(device)",
            logger: logger
        ).decode((Data, String?, Int, Date?).self) {
            row = r
        }
        guard let (stored, claimedBy, failures, lastFailure) = row else {
            if code != nil { throw DeviceClaimRefusal.wrongCode(device) }
            if policy == .required { throw DeviceClaimRefusal.codeRequired(device) }
            return false
        }
        if code == nil, claimedBy == user { return true }
        guard let code else { throw DeviceClaimRefusal.codeRequired(device) }
        if failures >= Self.maxFailures, let lastFailure {
            let left = Self.lockSeconds - Int(Date().timeIntervalSince(lastFailure))
            if left > 0 { throw DeviceClaimRefusal.locked(device, retryAfterSeconds: left) }
        }
        guard let normalized = ClaimCode.normalized(code), ClaimCode.matches(stored: Array(stored), device: device, code: normalized) else {
            try await client.query(
                """
                UPDATE device_claim_codes SET
                    failed_attempts = CASE WHEN last_failure_at > now() - make_interval(secs => \(Self.lockSeconds))
                                           THEN failed_attempts + 1 ELSE 1 END,
                    last_failure_at = now()
                WHERE unique_id = \(device)
                """, logger: logger)
            logger.warning("wrong device claim code", metadata: ["device": "\(device)", "user": "\(user)"])
            throw DeviceClaimRefusal.wrongCode(device)
        }
        return true
    }

    /// Records that `user` holds `device` now (after the binding committed).
    public func claimed(device: String, by user: String) async throws {
        try await client.query(
            """
            UPDATE device_claim_codes SET claimed_by = \(user), claimed_at = now(), failed_attempts = 0, last_failure_at = NULL
            WHERE unique_id = \(device)
            """, logger: logger)
    }
}
