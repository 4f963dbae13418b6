import Logging
import PostgresNIO

/// One versioned schema change; the SQL lives in `schemas/migrations/`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// Applies the migrations in `schemas/migrations/` in order, once each, under an advisory lock.
public enum Migrations {
    /// Every migration, oldest first. A new file in `schemas/migrations/` is added here and in Package.swift.
    public static let all: [Migration] = [
        Migration(version: 1, name: "initial", sql: String(decoding: PackageResources.V001__initial_sql, as: UTF8.self)),
        Migration(version: 2, name: "vehicle_assignment", sql: String(decoding: PackageResources.V002__vehicle_assignment_sql, as: UTF8.self)),
        Migration(version: 3, name: "cargo_matching", sql: String(decoding: PackageResources.V003__cargo_matching_sql, as: UTF8.self)),
        Migration(version: 4, name: "archive_and_erasure", sql: String(decoding: PackageResources.V004__archive_and_erasure_sql, as: UTF8.self)),
        Migration(version: 5, name: "position_dead_letters", sql: String(decoding: PackageResources.V005__position_dead_letters_sql, as: UTF8.self)),
        Migration(version: 6, name: "deleted_vehicles", sql: String(decoding: PackageResources.V006__deleted_vehicles_sql, as: UTF8.self)),
        Migration(version: 7, name: "events_webhooks", sql: String(decoding: PackageResources.V007__events_webhooks_sql, as: UTF8.self)),
        Migration(version: 8, name: "geofences_deals", sql: String(decoding: PackageResources.V008__geofences_deals_sql, as: UTF8.self)),
        Migration(version: 9, name: "privacy_exports", sql: String(decoding: PackageResources.V009__privacy_exports_sql, as: UTF8.self)),
        Migration(
            version: 10, name: "audit_and_device_claims", sql: String(decoding: PackageResources.V010__audit_and_device_claims_sql, as: UTF8.self)),
        Migration(version: 11, name: "cluster_nodes", sql: String(decoding: PackageResources.V011__cluster_nodes_sql, as: UTF8.self)),
        Migration(version: 12, name: "market_deals", sql: String(decoding: PackageResources.V012__market_deals_sql, as: UTF8.self)),
    ]

    /// Arbitrary but fixed: two daemons starting together serialise on it.
    static let lockID: Int64 = 0x6765_6f66_6c74 // "geoflt"

    /// Brings the database to the newest version; returns the versions applied now.
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("SELECT pg_advisory_lock(\(lockID))", logger: logger)
        do {
            let applied = try await apply(connection, logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(lockID))", logger: logger)
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockID))", logger: logger)
            throw error
        }
    }

    private static func apply(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        var done = Set<Int>()
        for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
            done.insert(version)
        }
        var applied: [Int] = []
        for migration in all where !done.contains(migration.version) {
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            do {
                // postgres-nio speaks only the extended protocol (one statement a message), so the
                // file is split into statements and run in one transaction.
                try await connection.query("BEGIN", logger: logger)
                for statement in SQLScript.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw DatabaseError.migration(version: migration.version, underlying: String(reflecting: error))
            }
            applied.append(migration.version)
        }
        return applied
    }
}
