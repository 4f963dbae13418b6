struct SimulateCommand: AsyncParsableCommand { static let configuration = CommandConfiguration(commandName: "simulate"); func run() async throws {} }
import ArgumentParser
