import Testing
import Simulation

struct SimTimeTests {
    @Test func constructorsCountNanoseconds() {
        #expect(SimDuration.nanoseconds(7).nanoseconds == 7)
        #expect(SimDuration.microseconds(3).nanoseconds == 3_000)
        #expect(SimDuration.milliseconds(12).nanoseconds == 12_000_000)
        #expect(SimDuration.seconds(2).nanoseconds == 2_000_000_000)
        #expect(SimDuration.seconds(1.25).nanoseconds == 1_250_000_000)
        #expect(SimDuration.milliseconds(0.0000015).nanoseconds == 2, "1.5 ns rounds half away from zero")
        #expect(SimDuration.microseconds(-0.0015).nanoseconds == -2)
        #expect(SimDuration.milliseconds(0.0000014).nanoseconds == 1)
        #expect(SimDuration.seconds(0.1).milliseconds == 100)
        #expect(SimDuration.milliseconds(250).seconds == 0.25)
    }

    @Test func arithmeticIsExact() {
        let start = SimInstant.zero + .milliseconds(5)
        let later = start + .microseconds(250)
        #expect(later - start == .microseconds(250))
        #expect(later.nanosecondsSinceStart == 5_250_000)
        #expect(start - later == .microseconds(-250))
        #expect(SimDuration.milliseconds(3) * 4 == .milliseconds(12))
        #expect(4 * SimDuration.milliseconds(3) == .milliseconds(12))
        #expect(SimDuration.milliseconds(10) * 0.25 == .microseconds(2_500))
        #expect(SimDuration.milliseconds(10) / 4 == .microseconds(2_500))
        #expect(SimDuration.milliseconds(10) / 3 == .nanoseconds(3_333_333))
        #expect(SimDuration.milliseconds(10) / 3.0 == .nanoseconds(3_333_333))
        #expect(SimDuration.milliseconds(10) / SimDuration.milliseconds(4) == 2.5)
        #expect(-SimDuration.seconds(1) == .seconds(-1))
        var clock = SimInstant.zero
        clock += .seconds(1)
        clock -= .milliseconds(1)
        #expect(clock == SimInstant(nanosecondsSinceStart: 999_000_000))
        #expect(SimInstant.zero < clock && clock < .max)
        #expect(SimDuration.zero + .nanoseconds(1) > .zero)
    }

    @Test func descriptionsPickAReadableUnit() {
        #expect(SimDuration.seconds(1.25).description == "1.250s")
        #expect(SimDuration.seconds(2).description == "2.000s")
        #expect(SimDuration.milliseconds(12).description == "12ms")
        #expect(SimDuration.microseconds(12_500).description == "12.500ms")
        #expect(SimDuration.microseconds(350).description == "350µs")
        #expect(SimDuration.nanoseconds(850).description == "850ns")
        #expect(SimDuration.nanoseconds(1_999_999_999).description == "2.000s")
        #expect(SimDuration.milliseconds(-12).description == "-12ms")
        #expect(SimDuration.zero.description == "0ns")
        #expect((SimInstant.zero + .milliseconds(1_250)).description == "1.250s")
        #expect(SimDuration.max.description == "9223372036.855s")
    }
}
