import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

extension AsyncParsableCommand {
    /// ArgumentParser's entry point, after umask 077: archives, their rewrites and the embedded
    /// cluster a command may start hold tenants' data, and nothing these processes create is for other users.
    public static func runPrivately() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
