import Foundation
import GeoFleetAPI
import GeoFleetConsole
import GeoFleetIngest
import GeoFleetPlatform
import GeoFleetTestSupport
import Hummingbird
import Testing

/// The router (`FleetAPI.router`) and the contract (`schemas/openapi.yaml`) name the same operations.
@Suite(.serialized) struct OpenAPIRouteTests {
    static func specURL() throws -> URL {
        let fixtures = try #require(RepositoryRoot.file("fixtures"), "fixtures/ not found above \(#filePath)")
        return fixtures.deletingLastPathComponent().appendingPathComponent("schemas/openapi.yaml")
    }

    /// `METHOD /path` for every route of the real router, paths in OpenAPI form (`:id` → `{id}`).
    static func routerOperations() async throws -> Set<OpenAPIOperation> {
        let harness = try await EngineHarness.start()
        let engine = harness.engine
        var dependencies = FleetAPIDependencies(
            store: engine.store, hot: engine.hot, catalog: engine.catalog, pipeline: engine.pipeline,
            directory: DeviceDirectory(store: engine.store, autoRegisterOwner: nil), tokens: engine.tokens,
            rateLimiter: RateLimiter(), events: engine.events, projection: nil, metricsText: { "" }, now: { WallClock.nowMilliseconds() })
        // The console's routes exist only with its assets (Leaflet may be absent: the page still is).
        dependencies.console = ConsoleAssets(leafletDirectory: "/nonexistent")
        let router = FleetAPI.router(dependencies)
        let operations = Set(
            router.routes.compactMap { route -> OpenAPIOperation? in
                let path = OpenAPIOperation.openAPIPath("\(route.path)")
                // The page's own files (`/console/console.js`, Leaflet's) are not API operations: the spec names the page.
                if path.hasPrefix("/console/") { return nil }
                // Hummingbird matches whole segments: the tile route's last one, `{y}`, carries the `.png` the spec names.
                return OpenAPIOperation(method: route.method.rawValue, path: path == "/tiles/{z}/{x}/{y}" ? "/tiles/{z}/{x}/{y}.png" : path)
            })
        try await harness.stop()
        return operations
    }

    @Test func specKeepsTheLayoutThisTestParses() throws {
        let text = try String(contentsOf: try Self.specURL(), encoding: .utf8)
        let spec = OpenAPIPaths.parse(text)
        #expect(spec.problems.isEmpty, "schemas/openapi.yaml layout:\n\(spec.problems.joined(separator: "\n"))")
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("openapi: 3.1.") }, "schemas/openapi.yaml must declare openapi: 3.1.x")
        #expect(spec.operations.count >= 2, "no operations found under paths:")
    }

    @Test func routerAndSpecNameTheSameOperations() async throws {
        let spec = OpenAPIPaths.parse(try String(contentsOf: try Self.specURL(), encoding: .utf8))
        try #require(spec.problems.isEmpty, "schemas/openapi.yaml layout:\n\(spec.problems.joined(separator: "\n"))")
        let routes = try await Self.routerOperations()
        #expect(!routes.isEmpty, "the router has no routes")
        let missingFromSpec = routes.subtracting(spec.operations).sorted()
        let missingFromRouter = spec.operations.subtracting(routes).sorted()
        #expect(
            missingFromSpec.isEmpty,
            "routes missing from schemas/openapi.yaml:\n\(missingFromSpec.map { "  \($0)" }.joined(separator: "\n"))")
        #expect(
            missingFromRouter.isEmpty,
            "operations in schemas/openapi.yaml that the router does not serve:\n\(missingFromRouter.map { "  \($0)" }.joined(separator: "\n"))")
    }

    @Test func parserRefusesOtherLayouts() {
        let good = """
            openapi: 3.1.0
            paths:
              /a/{id}:
                get:
                  responses: {}
                put:
                  responses: {}
              # a comment
              /b:
                post:
                  responses: {}
            components: {}
            """
        let parsed = OpenAPIPaths.parse(good)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(
            parsed.operations == [.init(method: "GET", path: "/a/{id}"), .init(method: "PUT", path: "/a/{id}"), .init(method: "POST", path: "/b")])

        let fourSpaces = "paths:\n    /a:\n        get:\n            responses: {}\n"
        #expect(!OpenAPIPaths.parse(fourSpaces).problems.isEmpty)
        let pathLevelKey = "paths:\n  /a:\n    parameters: []\n    get:\n      responses: {}\n"
        #expect(!OpenAPIPaths.parse(pathLevelKey).problems.isEmpty)
        let flow = "paths: {/a: {get: {}}}\n"
        #expect(!OpenAPIPaths.parse(flow).problems.isEmpty)
        let quoted = "paths:\n  '/a':\n    get:\n      responses: {}\n"
        #expect(!OpenAPIPaths.parse(quoted).problems.isEmpty)
        let tab = "paths:\n  /a:\n\tget:\n"
        #expect(!OpenAPIPaths.parse(tab).problems.isEmpty)
        #expect(!OpenAPIPaths.parse("openapi: 3.1.0\n").problems.isEmpty, "no paths: at all")
        #expect(OpenAPIOperation.openAPIPath("/api/fleet/vehicles/:id/track") == "/api/fleet/vehicles/{id}/track")
    }
}

/// One operation: an upper-case HTTP method and an OpenAPI path (`/api/fleet/vehicles/{id}`).
struct OpenAPIOperation: Hashable, Comparable, CustomStringConvertible {
    var method: String
    var path: String

    init(method: String, path: String) {
        self.method = method.uppercased()
        self.path = path
    }

    var description: String { "\(method) \(path)" }

    static func < (a: Self, b: Self) -> Bool { (a.path, a.method) < (b.path, b.method) }

    /// Hummingbird's `:name` captures as OpenAPI's `{name}`.
    static func openAPIPath(_ routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false).map { component in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }.joined(separator: "/")
    }
}

/// The operations under `paths:` of an OpenAPI YAML document, read line by line (no YAML library).
///
/// The layout it accepts, and reports every departure from: `paths:` at column 0; two-space indentation;
/// at indent 2 only path keys (`/…:`, unquoted, nothing after the colon); at indent 4 only HTTP method keys
/// (`get:` …); deeper lines belong to the operation above. Blank and comment lines are skipped; `paths`
/// ends at the next line at column 0.
struct OpenAPIPaths {
    var operations: Set<OpenAPIOperation> = []
    var problems: [String] = []

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func parse(_ text: String) -> OpenAPIPaths {
        var result = OpenAPIPaths()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.trimmingSuffix("\r")) }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("paths:") }) else {
            result.problems.append("no `paths:` line at column 0")
            return result
        }
        if lines[start].trimmingCharacters(in: .whitespaces) != "paths:" {
            result.problems.append("line \(start + 1): `paths:` must stand alone (block style, not flow style)")
        }
        var path: String?
        var method: String?
        var methodsOfPath = 0
        // After a refused key, the lines below it are not reported again.
        var broken = false
        var seenPaths: Set<String> = []

        func closePath(_ line: Int) {
            if let path, methodsOfPath == 0 { result.problems.append("line \(line): path \(path) has no operation") }
        }

        for index in lines.index(after: start)..<lines.endIndex {
            let line = lines[index]
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let leading = line.prefix { $0 == " " || $0 == "\t" }
            if leading.contains("\t") {
                result.problems.append("line \(number): tab in indentation")
                continue
            }
            let indent = leading.count
            if indent == 0 { break }
            if indent % 2 != 0 {
                result.problems.append("line \(number): indentation of \(indent) is not a multiple of two")
                continue
            }
            let key = trimmed.hasSuffix(":") ? String(trimmed.dropLast()) : nil
            switch indent {
            case 2:
                closePath(number)
                guard let key, key.hasPrefix("/"), !key.contains(" "), !key.contains(":") else {
                    result.problems.append("line \(number): at indent 2 under paths: expected an unquoted `/path:` key alone, got `\(trimmed)`")
                    path = nil
                    method = nil
                    broken = true
                    continue
                }
                if !seenPaths.insert(key).inserted { result.problems.append("line \(number): path \(key) appears twice") }
                path = key
                method = nil
                methodsOfPath = 0
                broken = false
            case 4:
                guard let path else {
                    if !broken { result.problems.append("line \(number): indent 4 without a path above it") }
                    continue
                }
                guard let key, methods.contains(key) else {
                    result.problems.append(
                        "line \(number): at indent 4 under \(path) expected an HTTP method key alone (`get:` …), got `\(trimmed)`; move path-level keys into the operations"
                    )
                    method = nil
                    broken = true
                    continue
                }
                let operation = OpenAPIOperation(method: key, path: path)
                if !result.operations.insert(operation).inserted { result.problems.append("line \(number): \(operation) appears twice") }
                method = key
                methodsOfPath += 1
                broken = false
            default:
                if method == nil && !broken {
                    result.problems.append("line \(number): indent \(indent) outside an operation")
                }
            }
        }
        closePath(lines.count)
        if seenPaths.isEmpty { result.problems.append("no path keys under paths:") }
        return result
    }
}

private extension Substring {
    func trimmingSuffix(_ suffix: String) -> Substring { hasSuffix(suffix) ? dropLast(suffix.count) : self }
}
