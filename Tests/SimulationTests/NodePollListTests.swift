import ConsensusCore
import Testing
@testable import Simulation

/// A node's polls in flight, and the ids it keeps of the first ones beside it.
@Suite("Node poll list")
struct NodePollListTests {
    private func node() -> NodeState {
        let genesis = try! Vertex(creator: 0, height: 0, timestamp: 0, parents: [], transactions: [], signer: nil)
        let parameters = ConsensusParameters(k: 5, alphaPreference: 3, alphaConfidence: 4, beta: 3, concurrentRepolls: 1)
        return NodeState(engine: try! AvalancheEngine(parameters: parameters, genesis: genesis),
                         sampler: Xoshiro256StarStar(seed: 1), parentChooser: Xoshiro256StarStar(seed: 2))
    }

    @Test func everyPollIsFoundWhereItIsAndAGoneOneIsNot() {
        // Polls are started and finished in random order, up to twenty at once (past the
        // ids kept beside the list): after each step, every id ever used is looked up.
        let state = node()
        var random = Xoshiro256StarStar(seed: 9)
        var model: [UInt32] = []
        var next: UInt32 = 0
        var longest = 0
        for step in 0..<1_000 {
            if model.count < 20 && (model.isEmpty || random.nextBelow(2) == 0) {
                state.addPoll(PollState(id: next, expected: 5, deadline: .zero))
                model.append(next)
                next += 1
            } else {
                let index = Int(random.nextBelow(UInt64(model.count)))
                #expect(state.removePoll(at: index).id == model.remove(at: index), "step \(step)")
            }
            longest = max(longest, model.count)
            #expect(state.pollCount == model.count && state.polls.map(\.id) == model)
            let wrong = (0..<next).filter { state.pollIndex(of: $0) != model.firstIndex(of: $0) }
            #expect(wrong.isEmpty, "step \(step): polls found at the wrong place: \(wrong)")
        }
        #expect(longest > 8)
        #expect(state.removeAllPolls().map(\.id) == model)
        #expect(state.pollCount == 0 && state.pollIndex(of: 0) == nil)
    }
}
