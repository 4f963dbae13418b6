import GeoFleetTLS
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the TLS certificate, key and client CA on every SIGHUP (`kill -HUP`), until shutdown.
struct TLSReloadOnHangup: Service {
    let credentials: TLSCredentials
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the TLS certificate")
            // Reading files blocks: never on an event loop.
            let credentials = self.credentials
            _ = await Task.detached { credentials.reload() }.value
        }
    }
}
