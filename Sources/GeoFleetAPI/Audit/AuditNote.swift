import Foundation
import Synchronization

/// What a handler tells the audit about the write it made: the object and its fields before and
/// after. Shared by reference between the audit middleware and the handler (contexts are copied).
public final class AuditNote: Sendable {
    struct Fields: Sendable {
        var account: String?
        var target: String?
        var vehicleKey: Int64?
        var before: String?
        var after: String?
        var coordinates: String?
    }

    private let fields = Mutex(Fields())

    init() {}

    /// Names the changed object (`vehicle:<uuid>`…), the account it belongs to and its vehicle key.
    func object(_ target: String, account: String? = nil, vehicleKey: Int64? = nil) {
        fields.withLock {
            $0.target = target
            if let account { $0.account = account }
            if let vehicleKey { $0.vehicleKey = vehicleKey }
        }
    }

    /// Fields before and after the change (no coordinates), and the coordinates involved apart.
    func change(before: AuditSnapshot?, after: AuditSnapshot?) {
        fields.withLock {
            $0.before = before?.fieldsJSON
            $0.after = after?.fieldsJSON
            var points: [String: String] = [:]
            if let p = before?.coordinatesJSON { points["before"] = p }
            if let p = after?.coordinatesJSON { points["after"] = p }
            $0.coordinates =
                points.isEmpty ? nil : "{" + points.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        }
    }

    var snapshot: Fields { fields.withLock { $0 } }
}
