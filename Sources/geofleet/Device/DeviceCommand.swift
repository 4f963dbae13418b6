import ArgumentParser

/// `geofleet device …`: the operator's device chores.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Device chores: claim codes.", subcommands: [DeviceClaimCodeCommand.self])
}
