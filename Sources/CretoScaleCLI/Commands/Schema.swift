import ArgumentParser
import Scenarios

/// `cretoscale schema`: prints the JSON Schema of the scenario format.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the scenario format.",
        discussion: """
            The schema (JSON Schema draft 2020-12) is generated from the same table the scenario \
            decoder reads, so editors that use it complete and check keys, types, defaults and \
            choices as `validate` does. `validate` checks more than a schema can say: relations \
            between parameters and what this build of the simulator supports.

            Examples:
              cretoscale schema > scenarios/schema.json
              cretoscale schema | jq '.properties | keys'
            """
    )

    func run() throws {
        Terminal.write(ScenarioSchema.jsonSchema())
    }
}
